"""Template tags for reader pages: navigation, the language switcher, dates and Markdown."""

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.encoding import iri_to_uri
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from articles import metadata, models
from articles.reader_pages import sections
from media import pictures
from newsroom.page_cache import memoised

register = template.Library()


@register.simple_tag(takes_context=True)
def section_navigation(context):
    """The sections, the current one marked; the same on every page of a section, so each app
    server renders it once per language and section until the sections change."""
    request = context["request"]
    current = context.get("section") or getattr(context.get("article"), "section", None)
    language = get_language()

    def render():
        shown = models.Section.visible_among(sections(request).values())
        return render_to_string(
            "includes/section_navigation.html",
            {"sections": shown, "current_section": current, "LANGUAGE_CODE": language},
        )

    return memoised(request, ("navigation", language, getattr(current, "pk", None)), render)


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """A link per language to the page the reader is on, in that language."""
    request = context["request"]
    current = get_language()
    # A page that is not at a reader URL (an admin preview) says where its other languages are.
    urls = context.get("language_urls")
    if not urls:
        query = iri_to_uri(request.META.get("QUERY_STRING", ""))
        paths = metadata.language_paths(request)
        urls = {code: f"{path}?{query}" if query else path for code, path in paths.items()}
    links = []
    for code, _name in settings.LANGUAGES:
        links.append(
            {
                "code": code,
                "lang": models.html_lang(code),
                "name": get_language_info(code)["name_local"],
                "url": urls[code],
                "is_current": code == current,
            }
        )
    return {"links": links}


@register.simple_tag(takes_context=True)
def head_metadata(context):
    """Canonical URL, alternates, social cards, feeds and JSON-LD for the page being shown."""
    request = context["request"]
    article, section = context.get("article"), context.get("section")
    if context.get("preview_of"):
        found = None
    elif context.get("version_of"):
        current = context["version_of"]
        found = metadata.for_article(request, current)
        found.canonical = request.build_absolute_uri(current.get_absolute_url())
        found.json_ld = ""
    elif isinstance(article, models.Article):
        found = metadata.for_article(request, article)
    elif isinstance(section, models.Section):
        found = metadata.for_section(request, section)
    else:
        found = metadata.for_page(
            request,
            title=context.get("page_title") or settings.SITE_NAME,
            description=_("News in Chinese and English, with every article's source verifiable."),
        )
    return render_to_string("includes/head_metadata.html", {"metadata": found})


@register.filter
def html_lang(code: str) -> str:
    return models.html_lang(code)


@register.filter
def publication_date(value) -> str:
    """``2026-03-14 (Saturday)`` in the site's time zone, the weekday in the interface language."""
    local = timezone.localtime(value)
    return _("%(date)s (%(weekday)s)") % {
        "date": local.strftime("%Y-%m-%d"),
        "weekday": WEEKDAYS[local.weekday()],  # what date_format(local, "l") gives, directly
    }


@register.filter
def publication_time(value) -> str:
    """``2026-03-14 09:30`` in the site's time zone."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


@register.filter
def iso_datetime(value) -> str:
    return timezone.localtime(value).isoformat()


@register.filter
def body_html(article, language: str) -> str:
    """The article's body in ``language``, rendered when it was saved."""
    return mark_safe(article.body_html(language))


@register.simple_tag
def lead_picture(article, language: str):
    """The article's lead image as the first thing a reader sees: loaded at once and first,
    its alt text in ``language``."""
    alt = getattr(article, f"image_alt_{models.field_suffix(language)}", "") or ""
    return pictures.picture(article.image, alt=alt, is_priority=True)


@register.simple_tag
def card_picture(article, language: str):
    """The lead image of a card in a list: a 16:9 crop around its focal point, loaded when the
    reader scrolls to it; its alt text in ``language`` (the language of the card's title)."""
    alt = getattr(article, f"image_alt_{models.field_suffix(language)}", "") or ""
    return pictures.picture(
        article.image,
        alt=alt,
        kind="16x9",
        sizes=pictures.CARD,
        css_class="article-item__image",
        widest=pictures.CARD_WIDEST,
    )


@register.filter
def image_caption_in(article, language: str) -> str:
    return getattr(article, f"image_caption_{models.field_suffix(language)}", "") or ""


@register.filter
def image_credit_in(article, language: str) -> str:
    return getattr(article, f"image_credit_{models.field_suffix(language)}", "") or ""


@register.filter
def correction_note_in(article, language: str) -> str:
    """The note readers of ``language`` see with a correction (no other language's)."""
    return getattr(article, f"correction_note_{models.field_suffix(language)}", "") or ""


@register.filter
def title_in(article, language: str):
    return article.title_in(language)


@register.filter
def summary_in(article, language: str):
    return article.summary_in(language)


@register.filter
def name_in(section, language: str):
    return section.name_in(language)
