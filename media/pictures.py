"""A picture as pages show it: ``<picture>`` with AVIF and WebP sources and a JPEG (or PNG)
fallback, every width the picture has, ``width`` and ``height`` so nothing shifts as it loads."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from . import renditions
from .models import Image

# How wide a picture is shown: the reading column (site.css, .site-main) less its padding, or
# the whole screen less the padding on a phone; cards show a thumbnail.
COLUMN = "(min-width: 44rem) 41.5rem, calc(100vw - 2.5rem)"
CARD = "(min-width: 40rem) 9rem, 6rem"
# A card's thumbnail is at most 9rem (144 px) wide: 480 px serves a screen of three pixels to
# one, and every wider rendition would only lengthen each card of every list.
CARD_WIDEST = 480


def picture(
    image: Image,
    *,
    alt: str,
    kind: str = renditions.FULL,
    sizes: str = COLUMN,
    is_priority: bool = False,
    css_class: str = "",
    widest: int | None = None,
) -> SafeString:
    """The ``<picture>`` element of ``image`` (or of a crop of it, ``kind``), offering its
    renditions up to ``widest`` pixels (all of them if not given). The picture a reader sees
    first (``is_priority``) loads at once and first; others when scrolled to."""
    by_format = {
        format_: [r for r in found if widest is None or r.width <= widest] or found[:1]
        for format_, found in renditions.planned(image, kind).items()
    }
    fallback = by_format.pop(renditions.fallback_format(image))
    sources = format_html_join(
        "",
        '<source type="{}" srcset="{}" sizes="{}">',
        ((found[0].content_type, srcset(found), sizes) for found in by_format.values()),
    )
    # The fallback's own address is the one nearest a column's width.
    src = next((r for r in fallback if r.width >= 800), fallback[-1])
    largest = fallback[-1]
    loading = mark_safe(
        ' fetchpriority="high"' if is_priority else ' loading="lazy" decoding="async"'
    )
    return format_html(
        '<picture{}>{}<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}>'
        "</picture>",
        format_html(' class="{}"', css_class) if css_class else "",
        sources,
        src.url,
        srcset(fallback),
        sizes,
        largest.width,
        largest.height,
        alt,
        loading,
    )


def srcset(found: list[renditions.Rendition]) -> str:
    return ", ".join(f"{rendition.url} {rendition.width}w" for rendition in found)
