"""Markdown → safe HTML for article bodies.

markdown-it-py renders CommonMark with raw HTML switched off, so tags an editor types are shown as
text; nh3 then cleans the result as a second line of defence, allowing only web and mail links.
An article renders its bodies when it is saved (``Article.rendered``), so readers never wait
for Markdown.
"""

import html

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False})

_ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    return nh3.clean(_markdown.render(text or ""), url_schemes=_ALLOWED_URL_SCHEMES)


def text_of(rendered: str) -> str:
    """What a reader reads of rendered HTML: no markup, no link targets, entities decoded."""
    return html.unescape(nh3.clean(rendered, tags=set()))


def plain_text(text: str) -> str:
    """What a reader reads of the Markdown ``text``."""
    return text_of(render_markdown(text))
