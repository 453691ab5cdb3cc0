"""What machines read in a page's head: canonical URL, hreflang alternates, OpenGraph and
Twitter cards, feeds, and on articles a JSON-LD ``NewsArticle`` for each language version."""

import json
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, reverse, translate_url
from django.utils import timezone, translation
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext as _

from media import renditions

from .models import Article, Section, field_suffix, html_lang
from .pagination import page_asked

# OpenGraph wants territory locales.
OPENGRAPH_LOCALES = {"zh-hans": "zh_CN", "en": "en_US"}


@dataclass
class PageMetadata:
    title: str
    description: str
    canonical: str
    alternates: list[tuple[str, str]]  # (hreflang, absolute URL), x-default last
    opengraph: list[tuple[str, str]]
    twitter: list[tuple[str, str]]
    feeds: list[tuple[str, str]] = field(default_factory=list)  # (title, absolute URL)
    json_ld: str = ""


def site_name(language: str | None = None) -> str:
    """The publication's name in ``language`` (by default the active one): ``SITE_NAME``, or
    ``SITE_NAME_ZH_HANS`` in Chinese."""
    code = field_suffix(language or translation.get_language()).upper()
    return getattr(settings, f"SITE_NAME_{code}", settings.SITE_NAME)


def feed_title(name: str) -> str:
    """A feed's title in the active language: the publication's name, then what it follows."""
    return _("%(site)s: %(name)s") % {"site": site_name(), "name": name}


def site(request) -> dict:
    """Templates' ``site_name``, in the language of the page (a context processor)."""
    return {"site_name": site_name}


def absolute(request, path: str) -> str:
    """``path`` on this site as a full address, even a path that starts with two slashes
    (which ``build_absolute_uri`` would read as another host: ``//evil.example/x``)."""
    return f"{request.scheme}://{request.get_host()}{iri_to_uri(path)}"


def language_paths(request) -> dict[str, str]:
    """The path of the page being shown in every language, worked out once per request (the
    head's alternates and the language switcher both need it), unless the view gave them
    (:func:`show_in_languages`)."""
    paths = getattr(request, "language_paths", None)
    if paths is None:
        prefix, shown_in = get_script_prefix(), translation.get_language()
        paths = {
            code: _path_in(prefix, shown_in, request.path, code) for code, _n in settings.LANGUAGES
        }
        request.language_paths = paths
    return paths


@lru_cache(maxsize=4096)
def _path_in(prefix: str, shown_in: str, path: str, code: str) -> str:
    """``path``, shown in ``shown_in``, in language ``code``: it depends on nothing but the URL
    patterns, so it is worked out once per address (resolving and reversing it costs more than
    the rest of the language switcher)."""
    # Two leading slashes read as another host to URL parsers and browsers (//evil.example/x,
    # or //[x, which is no URL at all): on this site it is the same path with one.
    path = "/" + path.lstrip("/")
    try:
        translated = translate_url(path, code)
    except ValueError:
        translated = path
    # Encoded, so that no browser reads a backslash or a tab as the start of another host.
    return iri_to_uri(translated).replace("\\", "%5C")


def show_in_languages(request, page) -> None:
    """Give the paths of ``page`` (anything with ``get_absolute_url``) in every language, so
    they need not be worked out from the request's path: an article's first render is most of
    the times its address is ever worked out."""
    paths = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths[code] = page.get_absolute_url()
    request.language_paths = paths


def alternates(request) -> list[tuple[str, str]]:
    """The page in every language, and the language-neutral address that picks one."""
    paths = language_paths(request)
    links = [(code, absolute(request, path)) for code, path in paths.items()]
    default_path = paths[settings.LANGUAGE_CODE]
    prefix = f"/{settings.LANGUAGE_CODE}/"
    neutral = (
        "/" + default_path.removeprefix(prefix) if default_path.startswith(prefix) else request.path
    )
    links.append(("x-default", absolute(request, neutral)))
    return links


def for_page(request, *, title: str, description: str, kind: str = "website", extra=()):
    language = translation.get_language()
    path = request.path
    number = page_asked(request)
    if number is not None:
        path = f"{path}?page={number}"
    canonical = absolute(request, path)
    opengraph = [
        ("og:type", kind),
        ("og:site_name", site_name(language)),
        ("og:title", title),
        ("og:description", description),
        ("og:url", canonical),
        ("og:locale", OPENGRAPH_LOCALES.get(language, language)),
        *[
            ("og:locale:alternate", OPENGRAPH_LOCALES.get(code, code))
            for code, _name in settings.LANGUAGES
            if code != language
        ],
        *extra,
    ]
    twitter = [("twitter:card", "summary"), ("twitter:title", title)]
    twitter.append(("twitter:description", description))
    with translation.override(language):
        feeds = [(site_name(language), absolute(request, reverse("articles:feed")))]
    return PageMetadata(
        title=title,
        description=description,
        canonical=canonical,
        alternates=alternates(request),
        opengraph=opengraph,
        twitter=twitter,
        feeds=feeds,
    )


def section_feed(request, section: Section, language: str) -> tuple[str, str]:
    """The section's Atom feed in ``language``: (title, absolute URL)."""
    name = str(section.name_in(language))
    url = reverse("articles:section-feed", kwargs={"section": section.slug})
    with translation.override(language):
        return feed_title(name), absolute(request, url)


def for_section(request, section: Section) -> PageMetadata:
    language = translation.get_language()
    name = str(section.name_in(language))
    description = getattr(section, f"description_{language.replace('-', '_')}") or name
    metadata = for_page(request, title=f"{name} · {site_name()}", description=description)
    metadata.feeds.append(section_feed(request, section, language))
    return metadata


def for_named(request, named) -> PageMetadata:
    """A person's page (a schema.org ``ProfilePage`` about them) or a topic's (a
    ``CollectionPage``), with its feed."""
    language = translation.get_language()
    name = str(named.name_in(language))
    description = named.description_in(language)
    metadata = for_page(
        request,
        title=f"{name} · {site_name()}",
        description=" ".join(str(description).split()) if description else name,
        kind="profile" if named.article_lookup.endswith("person") else "website",
    )
    feed = absolute(request, f"{named.get_absolute_url()}feed/")
    metadata.feeds.append((feed_title(name), feed))
    url = absolute(request, named.get_absolute_url())
    if named.article_lookup.endswith("person"):
        about = {**person_json(request, named, language), "@id": f"{url}#person"}
        if named.photo_id:
            about["image"] = media_address(request, renditions.share_image(named.photo).url)
        page = {"@type": "ProfilePage", "mainEntity": about}
    else:
        page = {"@type": "CollectionPage", "about": {"@type": "Thing", "name": name}}
    if description:
        page["description"] = str(description)
    metadata.json_ld = json_ld({**page, "url": url, "inLanguage": html_lang(language)})
    return metadata


def person_json(request, person, language: str) -> dict:
    """schema.org's ``Person``: the name in ``language`` (or another), and their page."""
    with translation.override(language):
        url = absolute(request, person.get_absolute_url())
    return {"@type": "Person", "name": str(person.name_in(language)), "url": url}


def media_address(request, url: str) -> str:
    """A picture's full address: on this site, or on the CDN that MEDIA_URL names."""
    return url if "//" in url else absolute(request, url)


def share_image_tags(request, article: Article, language: str) -> list[tuple[str, str]]:
    """OpenGraph's picture of the article: its lead image cropped 16:9, 1200 px wide where
    the picture allows, with its alt text in ``language``."""
    if not article.image_id:
        return []
    shared = renditions.share_image(article.image)
    alt = getattr(article, f"image_alt_{field_suffix(language)}", "") or ""
    return [
        ("og:image", media_address(request, shared.url)),
        ("og:image:type", shared.content_type),
        ("og:image:width", str(shared.width)),
        ("og:image:height", str(shared.height)),
        *([("og:image:alt", alt)] if alt else []),
    ]


def for_article(request, article: Article) -> PageMetadata:
    language = translation.get_language()
    title = article.title_in(language)
    summary = article.summary_in(language)
    description = str(summary) if summary else article.body_text(title.language)[:200]
    modified = article.revised_at or article.published_at
    image_tags = share_image_tags(request, article, title.language)
    metadata = for_page(
        request,
        title=str(title),
        description=" ".join(description.split()),
        kind="article",
        extra=[
            *image_tags,
            ("article:published_time", timezone.localtime(article.published_at).isoformat()),
            ("article:modified_time", timezone.localtime(modified).isoformat()),
            ("article:section", str(article.section.name_in(language))),
        ],
    )
    if image_tags:
        metadata.twitter = [
            ("twitter:card", "summary_large_image"),
            *metadata.twitter[1:],
            ("twitter:image", image_tags[0][1]),
            *[
                ("twitter:image:alt", content)
                for name, content in image_tags
                if name.endswith("alt")
            ],
        ]
    metadata.feeds.append(section_feed(request, article.section, language))
    metadata.json_ld = news_articles_json(request, article)
    return metadata


def news_articles_json(request, article: Article) -> str:
    """One schema.org NewsArticle per language version, each at its own page."""
    modified = article.revised_at or article.published_at
    graph = []
    for code in article.languages:
        version = article.language_version(code)
        with translation.override(code):
            url = absolute(request, article.get_absolute_url())
        entry = {
            "@type": "NewsArticle",
            "@id": f"{url}#article",
            "headline": version.title[:110],
            "inLanguage": html_lang(code),
            "datePublished": timezone.localtime(article.published_at).isoformat(),
            "dateModified": timezone.localtime(modified).isoformat(),
            "articleSection": str(article.section.name_in(code)),
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "url": url,
            "publisher": {"@type": "NewsMediaOrganization", "name": site_name(code)},
        }
        if version.summary:
            entry["description"] = version.summary
        if article.authors:  # the byline, in order
            entry["author"] = [person_json(request, person, code) for person in article.authors]
        if article.topics:
            entry["keywords"] = [str(topic.name_in(code)) for topic in article.topics]
        if article.image_id:  # 16:9, 4:3 and 1:1, as search engines ask of news articles
            entry["image"] = [
                media_address(request, renditions.share_image(article.image, kind).url)
                for kind in renditions.CROPS
            ]
        graph.append(entry)
    return json_ld({"@graph": graph})


def json_ld(data: dict) -> str:
    """``data`` as schema.org JSON-LD for a ``<script>`` element."""
    text = json.dumps({"@context": "https://schema.org", **data}, ensure_ascii=False, indent=1)
    # Safe inside <script>: no "</script>" or HTML comment can be formed.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
