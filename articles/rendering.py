"""Markdown → safe HTML for article bodies.

markdown-it-py renders CommonMark with raw HTML switched off, so tags an editor types are shown as
text; nh3 then cleans the result as a second line of defence, allowing only web and mail links.
"""

import html

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False})

_ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    return nh3.clean(_markdown.render(text or ""), url_schemes=_ALLOWED_URL_SCHEMES)


def plain_text(text: str) -> str:
    """What a reader reads of the Markdown ``text``: no markup, no link targets, entities
    decoded."""
    stripped = nh3.clean(_markdown.render(text or ""), tags=set())
    return html.unescape(stripped)
