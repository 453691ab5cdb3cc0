"""Markdown → safe HTML for article bodies.

markdown-it-py renders CommonMark, with GitHub's pipe tables, and raw HTML switched off, so tags an
editor types are shown as text; nh3 then cleans the result as a second line of defence, allowing
only web and mail links.
An article renders its bodies when it is saved (``Article.rendered``), so readers never wait
for Markdown.
"""

import html
import re
import secrets

import nh3
from django.utils.html import format_html
from markdown_it import MarkdownIt

from media.pictures import picture

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")
_MEDIA_SCHEME = "media:"


def _render_image(renderer, tokens, index, options, env):
    """A ``media:`` picture becomes a marker that :func:`render_markdown` replaces with the
    picture once the HTML is cleaned; other pictures render as CommonMark says."""
    token = tokens[index]
    source = token.attrGet("src") or ""
    if not source.startswith(_MEDIA_SCHEME) or "figures" not in env:
        return renderer.image(tokens, index, options, env)
    figures = env["figures"]
    alt = renderer.renderInlineAsText(token.children or [], options, env)
    figures.append((source.removeprefix(_MEDIA_SCHEME), alt, token.attrGet("title") or ""))
    return f"{env['marker']}{len(figures) - 1}X"


_markdown.add_render_rule("image", _render_image)

_ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# A table's column alignment is the one style kept, as a class (``align-right``) rather than a
# style attribute, so that a Content-Security-Policy need not allow inline styles.
_ALIGNED = re.compile(r'style="text-align:(left|center|right)"')
_ALLOWED_ATTRIBUTES = {
    **{tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()},
    "th": {*nh3.ALLOWED_ATTRIBUTES.get("th", ()), "style"},
    "td": {*nh3.ALLOWED_ATTRIBUTES.get("td", ()), "style"},
}


def render_markdown(text: str, pictures: dict | None = None) -> str:
    """``text`` as safe HTML. A ``media:`` picture shows the library's picture of that name
    from ``pictures`` (by ``<id>.<ext>``) in every width and format, its alt and its caption
    (the Markdown title) as the editor wrote them; a paragraph of its own becomes a figure."""
    # A marker no editor can type: it is made anew for every rendering.
    env = {"figures": [], "marker": f"FIGURE{secrets.token_hex(8)}N"}
    cleaned = nh3.clean(
        _markdown.render(text or "", env),
        url_schemes=_ALLOWED_URL_SCHEMES,
        attributes=_ALLOWED_ATTRIBUTES,
        filter_style_properties={"text-align"},
    )
    cleaned = _ALIGNED.sub(r'class="align-\1"', cleaned)
    if not env["figures"]:
        return cleaned
    marker = re.escape(env["marker"])

    def figure(match):
        return _figure_html(*env["figures"][int(match.group(1))], pictures or {})

    def inline(match):
        name, alt, _caption = env["figures"][int(match.group(1))]
        image = (pictures or {}).get(name)
        return picture(image, alt=alt) if image else html.escape(alt)

    cleaned = re.sub(rf"<p>{marker}(\d+)X</p>", figure, cleaned)
    return re.sub(rf"{marker}(\d+)X", inline, cleaned)


def figures_of(text: str) -> list[tuple[str, str, str]]:
    """Each ``media:`` picture of ``text``: its name, alt text and caption, as the renderer
    reads them."""
    found = []
    for block in _markdown.parse(text or ""):
        for token in block.children or []:
            source = token.attrGet("src") or "" if token.type == "image" else ""
            if source.startswith(_MEDIA_SCHEME):
                alt = _markdown.renderer.renderInlineAsText(token.children or [], {}, {})
                found.append(
                    (source.removeprefix(_MEDIA_SCHEME), alt, token.attrGet("title") or "")
                )
    return found


def _figure_html(name: str, alt: str, caption: str, pictures: dict) -> str:
    image = pictures.get(name)
    shown = picture(image, alt=alt) if image else format_html("<span>{}</span>", alt)
    if caption:
        return format_html(
            '<figure class="figure">{}<figcaption>{}</figcaption></figure>', shown, caption
        )
    return format_html('<figure class="figure">{}</figure>', shown)


def text_of(rendered: str) -> str:
    """What a reader reads of rendered HTML: no markup, no link targets, entities decoded."""
    return html.unescape(nh3.clean(rendered, tags=set()))


def plain_text(text: str) -> str:
    """What a reader reads of the Markdown ``text``."""
    return text_of(render_markdown(text))
