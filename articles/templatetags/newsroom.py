"""Template tags for reader pages: navigation, the language switcher, dates and Markdown."""

import re

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dates import WEEKDAYS
from django.utils.encoding import iri_to_uri
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from articles import metadata, models
from articles.reader_pages import sections
from media import pictures
from newsroom.page_cache import memoised
from people import bylines

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
    elif context.get("named") is not None:
        found = metadata.for_named(request, context["named"])
    else:
        found = metadata.for_page(
            request,
            title=context.get("page_title") or metadata.site_name(),
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
def byline(article, language: str):
    """The article's byline in ``language``, each name a link to the person's page."""
    return bylines.byline_html(article.byline, language)


@register.simple_tag
def portrait(person, language: str):
    """A person's photo on their page, beside the heading that names them (so it says
    nothing more to a reader who cannot see it: empty alt text)."""
    return pictures.picture(
        person.photo,
        alt="",
        sizes=pictures.CARD,
        css_class="named-header__photo",
        widest=pictures.CARD_WIDEST,
    )


@register.filter
def description_in(named, language: str):
    """A section's, person's or topic's description in ``language`` (or another, saying so)."""
    return models.translated(named, "description", language)


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


# What each language calls an article's text in it, in that language.
VERSION_NAMES = {"zh-hans": gettext_lazy("Chinese version"), "en": gettext_lazy("English version")}


@register.filter
def version_name(code: str) -> str:
    """The article's text in ``code``, named in ``code`` ("English version", "中文版"): a reader
    who looks for the other language's text reads that language."""
    with translation.override(code):
        name = VERSION_NAMES.get(code)
        return str(name) if name is not None else get_language_info(code)["name_local"]


# A tag in rendered HTML. nh3 writes text with "<" escaped and every attribute value quoted, so
# a "<" outside a quoted value is where a tag begins: a tag is never found inside a value.
_TAG = re.compile(r"""<(/?)([A-Za-z][A-Za-z0-9]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_HEADING = re.compile(r"[hH]([1-6])")


@register.filter(is_safe=True)
def headings_below(html: str, level: int) -> str:
    """The body ``html`` with its headings one level below a heading of ``level`` (the title of
    its language block): the highest becomes ``h<level + 1>``, the others keep their distance
    from it, down to ``h6`` at most. An editor's ``##`` subhead is then an ``h2`` under the
    page's ``h1`` and an ``h3`` under the second language's ``h2`` title, never beside it.
    Only tag names change: the result is as safe as ``html`` was."""
    found = [_HEADING.fullmatch(match.group(2)) for match in _TAG.finditer(html)]
    levels = [int(heading.group(1)) for heading in found if heading]
    if not levels:
        return html
    shift = int(level) + 1 - min(levels)

    def moved(match):
        heading = _HEADING.fullmatch(match.group(2))
        if heading is None or shift == 0:
            return match.group(0)
        new = min(6, int(heading.group(1)) + shift)
        return f"<{match.group(1)}h{new}{match.group(3)}>"

    return _TAG.sub(moved, html)
