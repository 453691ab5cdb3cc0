"""Atom feeds: the latest articles in one language, for the whole site, one section, one
person (their byline) or one topic.

A feed in a language holds the articles written in it, with their text in that language: a
reader who follows the English feed never gets Chinese passed off as English. The feed's
``xml:lang`` is the active language, which Django's Feed uses by default.
"""

from dataclasses import dataclass, field, replace
from typing import NamedTuple

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .metadata import feed_title, site_name
from .models import LATEST, Article, Section, field_suffix
from .reader_pages import Listing

FEED_LENGTH = 20


@dataclass(frozen=True)
class Scope:
    """What one request's feed covers, and the articles it shows (Feed objects are shared
    between requests; a scope is the request's own)."""

    language: str
    section: Section | None = None
    shown: list = field(default_factory=list)
    site: str = ""  # the site's own address, "https://news.example.com", for pictures' links
    named: object = None  # a Person or a Topic (articles/named.py): their articles only

    @property
    def page_keys(self) -> list[str]:
        if self.named is not None:
            listed = [self.named.page_key, self.named.list_key]
        else:
            listed = [LATEST if self.section is None else self.section.page_key]
        people = [line.person.page_key for article in self.shown for line in article.byline]
        topics = [topic.page_key for article in self.shown for topic in article.topics]
        shown = [article.page_key for article in self.shown]
        return list(dict.fromkeys([*listed, *shown, *people, *topics]))


class Entry(NamedTuple):
    """An article as one feed shows it: in its language, on this site."""

    article: Article
    language: str
    site: str


class PlainTextSummaryAtomFeed(Atom1Feed):
    """Atom whose entry summaries are plain text. Django's Atom feed declares every summary
    ``type="html"``, so a feed reader would run a summary's ``<script>`` and misread ``AT&T``;
    a summary here is what the editor typed, shown as typed."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None, "author_name": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})
        # Every name of the byline, in order (Django's feeds write one); an entry without a
        # byline has the feed's author, as RFC 4287 allows.
        for name, uri in item.get("authors", ()):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", uri)
            handler.endElement("author")


class LatestArticlesFeed(Feed):
    feed_type = PlainTextSummaryAtomFeed

    def __call__(self, request, *args, **kwargs):
        listing = Listing(request)
        response = super().__call__(request, *args, **kwargs)
        if response.status_code == 200:
            listing.mark(response, *request.feed_scope.page_keys)
        return response

    def get_object(self, request, *args, **kwargs):
        site = f"{request.scheme}://{request.get_host()}"
        scope = replace(self.scope(request, *args, **kwargs), site=site)
        request.feed_scope = scope
        return scope

    def scope(self, request) -> Scope:
        return Scope(get_language())

    def author_name(self, scope):
        """The feed's author, which every entry without a byline has (RFC 4287)."""
        return site_name(scope.language)

    def title(self, scope):
        if scope.named is not None:
            return feed_title(str(scope.named.name_in(scope.language)))
        if scope.section is None:
            return feed_title(_("latest articles"))
        return feed_title(str(scope.section.name_in(scope.language)))

    def subtitle(self, scope):
        return _("The latest articles in %(language)s.") % {
            "language": dict(settings.LANGUAGES)[scope.language]
        }

    def link(self, scope):
        if scope.named is not None:
            return scope.named.get_absolute_url()
        if scope.section is None:
            return reverse("articles:front-page")
        return scope.section.get_absolute_url()

    def feed_url(self, scope):
        if scope.named is not None:
            return f"{scope.named.get_absolute_url()}feed/"
        if scope.section is None:
            return reverse("articles:feed")
        return reverse("articles:section-feed", kwargs={"section": scope.section.slug})

    def items(self, scope):
        articles = Article.objects.published().in_language(scope.language)
        if scope.section is not None:
            articles = articles.in_section(scope.section)
        if scope.named is not None:
            articles = articles.latest_about(scope.named)
        else:
            articles = articles.latest_first()
        articles = articles.for_reading().with_bylines().with_topics()[:FEED_LENGTH]
        scope.shown.extend(articles)
        return [Entry(article, scope.language, scope.site) for article in articles]

    def item_title(self, item):
        return getattr(item.article, f"title_{field_suffix(item.language)}")

    def item_description(self, item):
        article, language = item.article, item.language
        return (
            getattr(article, f"summary_{field_suffix(language)}")
            or (article.body_text(language)[:300])
        )

    def item_link(self, item):
        return item.article.get_absolute_url()

    def item_pubdate(self, item):
        return item.article.published_at

    def item_updateddate(self, item):
        return item.article.revised_at or item.article.published_at

    def item_enclosures(self, item):
        """The lead image: the original, the picture the article document names."""
        image = item.article.image
        if image is None:
            return []
        url = image.url if "//" in image.url else f"{item.site}{image.url}"
        return [Enclosure(url, str(image.size), image.content_type)]

    def item_extra_kwargs(self, item):
        authors = []
        for person in item.article.authors:
            with translation.override(item.language):
                uri = f"{item.site}{person.get_absolute_url()}"
            authors.append((str(person.name_in(item.language)), uri))
        return {"authors": authors}

    def item_categories(self, item):
        """The section, then the article's topics."""
        named = [item.article.section, *item.article.topics]
        return [str(row.name_in(item.language)) for row in named]


class SectionFeed(LatestArticlesFeed):
    def scope(self, request, section) -> Scope:
        return Scope(get_language(), get_object_or_404(Section, slug=section))


class NamedFeed(LatestArticlesFeed):
    """A person's articles (``model`` Person) or a topic's (Topic)."""

    def __init__(self, model):
        self.model = model

    def __call__(self, request, *args, slug, **kwargs):
        try:
            return super().__call__(request, *args, slug=slug, **kwargs)
        except Http404:
            moved = self.model.moved_from(slug)  # a topic merged into another: its feed
            if moved is None:
                raise
            return HttpResponsePermanentRedirect(f"{moved.get_absolute_url()}feed/")

    def scope(self, request, slug) -> Scope:
        return Scope(get_language(), named=get_object_or_404(self.model, slug=slug))
