"""Markdown → safe HTML for article bodies.

markdown-it-py renders CommonMark, with GitHub's pipe tables, and raw HTML switched off, so tags an
editor types are shown as text; nh3 then cleans the result as a second line of defence, allowing
only web and mail links.
An article renders its bodies when it is saved (``Article.rendered``), so readers never wait
for Markdown.
"""

import html
import re

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")

_ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# A table's column alignment is the one style kept, as a class (``align-right``) rather than a
# style attribute, so that a Content-Security-Policy need not allow inline styles.
_ALIGNED = re.compile(r'style="text-align:(left|center|right)"')
_ALLOWED_ATTRIBUTES = {
    **{tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()},
    "th": {*nh3.ALLOWED_ATTRIBUTES.get("th", ()), "style"},
    "td": {*nh3.ALLOWED_ATTRIBUTES.get("td", ()), "style"},
}


def render_markdown(text: str) -> str:
    cleaned = nh3.clean(
        _markdown.render(text or ""),
        url_schemes=_ALLOWED_URL_SCHEMES,
        attributes=_ALLOWED_ATTRIBUTES,
        filter_style_properties={"text-align"},
    )
    return _ALIGNED.sub(r'class="align-\1"', cleaned)


def text_of(rendered: str) -> str:
    """What a reader reads of rendered HTML: no markup, no link targets, entities decoded."""
    return html.unescape(nh3.clean(rendered, tags=set()))


def plain_text(text: str) -> str:
    """What a reader reads of the Markdown ``text``."""
    return text_of(render_markdown(text))
