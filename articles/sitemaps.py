"""Sitemaps: an index, one sitemap per section with every language version of each page
(hreflang alternates and ``x-default``), and a Google News sitemap of the last two days."""

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sitemaps.views import x_robots_tag
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Exists, Max, OuterRef, Q
from django.http import Http404, HttpResponse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.http import http_date

from newsroom.page_cache import read_query
from people.models import Person
from topics.models import Topic

from .metadata import site_name
from .models import ARCHIVE, Article, Section, field_suffix
from .pagination import page_asked, rows_between
from .reader_pages import Listing

NEWS = "news"
NEWS_WINDOW = timedelta(days=2)
# Google News names Simplified Chinese zh-cn.
NEWS_LANGUAGES = {"zh-hans": "zh-cn", "en": "en"}


class Translated(Sitemap):
    """Every page in every language, each listing the others as hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True
    limit = 1000  # addresses per sitemap page (each page in each language counts once)

    def location(self, item):
        return item.get_absolute_url()


class SectionPagesSitemap(Translated):
    """The sections' own pages; each changes when one of its articles does."""

    def items(self):
        return Section.objects.annotate(
            latest=Max("articles__updated_at", filter=Q(articles__in=Article.objects.published()))
        ).order_by("position", "slug")

    def lastmod(self, section):
        return section.latest


class NamedPagesSitemap(Translated):
    """The pages of the people (``model`` Person) or topics (Topic) that have published
    articles."""

    def __init__(self, model):
        self.model = model

    def items(self):
        listed = Article.objects.published().filter(**{self.model.article_lookup: OuterRef("pk")})
        return self.model.objects.filter(Exists(listed)).order_by("slug")

    def lastmod(self, named):
        return named.updated_at


class LanguagePairs:
    """``(item, language)`` for every item of an ordered queryset and every language, as
    Django's sitemaps paginate them, but sliced in the database: a sitemap page reads its own
    rows, not the whole section (found through the index, as section pages are)."""

    def __init__(self, queryset, languages: list[str]):
        self.queryset = queryset
        self.languages = languages

    def count(self) -> int:
        return self.queryset.count() * len(self.languages)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list:
        per_item = len(self.languages)
        first, rest = divmod(index.start or 0, per_item)
        last = -(-index.stop // per_item)  # the item holding the slice's last pair, plus one
        rows = rows_between(self.queryset, first, last)
        pairs = [(row, code) for row in rows for code in self.languages]
        return pairs[rest : rest + index.stop - (index.start or 0)]


class SectionSitemap(Translated):
    """A section's published articles."""

    def __init__(self, section: Section):
        self.section = section

    def items(self):
        return (
            Article.objects.published()
            .in_section(self.section)
            .order_by("-published_at", "-id")
            .values("pk", "slug", "updated_at")
        )

    @property
    def paginator(self):
        return Paginator(LanguagePairs(self.items(), self._languages()), self.limit)

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


@dataclass(frozen=True)
class NewsItem:
    article: Article
    code: str

    @property
    def language(self) -> str:
        return NEWS_LANGUAGES.get(self.code, self.code)

    @property
    def title(self) -> str:
        return getattr(self.article, f"title_{field_suffix(self.code)}")

    @property
    def published(self) -> str:
        return timezone.localtime(self.article.published_at).isoformat()

    @property
    def publication(self) -> str:
        """The publication's name as readers of this language know it."""
        return site_name(self.code)


class NewsSitemap(Sitemap):
    """Each language version of the articles published in the last two days."""

    limit = 1000

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        recent = Article.objects.published().filter(published_at__gte=since)
        return [
            NewsItem(article, code)
            for article in recent.select_related("section").latest_first()
            for code in article.languages
        ]

    @staticmethod
    def leaves(items) -> datetime | None:
        """When the oldest article listed leaves the last two days, and so the sitemap."""
        oldest = min((item.article.published_at for item in items), default=None)
        return None if oldest is None else oldest + NEWS_WINDOW

    def location(self, item):
        with translation.override(item.code):
            return item.article.get_absolute_url()

    def lastmod(self, item):
        return item.article.updated_at


SECTIONS = "sections"
# Sitemaps of pages that are not a section's ("authors" and "topics" are reserved slugs).
NAMED = {"authors": Person, "topics": Topic}


def section_sitemaps() -> dict[str, Sitemap]:
    sitemaps = {SECTIONS: SectionPagesSitemap()}
    sitemaps.update({name: NamedPagesSitemap(model) for name, model in NAMED.items()})
    sitemaps.update({section.slug: SectionSitemap(section) for section in Section.objects.all()})
    sitemaps[NEWS] = NewsSitemap()
    return sitemaps


def cached_sitemap(view=None, *, paged=False):
    """Sitemaps change with any published article (the ``archive`` key), and hold only until
    the next scheduled article comes due (asked before anything is listed). A ``paged`` one
    reads ``?p=``."""
    if view is None:
        return functools.partial(cached_sitemap, paged=paged)

    def sitemap(request, *args, **kwargs):
        listing = Listing(request)
        response = view(request, *args, **kwargs)
        if paged:
            read_query(response, p=page_asked(request, "p"))
        leaves = getattr(response, "leaves", None)
        if leaves is not None and (listing.due is None or leaves < listing.due):
            listing.due = leaves
        return listing.mark(response, ARCHIVE)

    return sitemap


@cached_sitemap
def index(request):
    return sitemap_views.index(request, section_sitemaps(), sitemap_url_name="sitemap-section")


@cached_sitemap(paged=True)
def section(request, section):
    if section == NEWS:
        news = NewsSitemap()
        response = sitemap_views.sitemap(request, {NEWS: news}, template_name="sitemaps/news.xml")
        response.leaves = news.leaves([url["item"] for url in response.context_data["urlset"]])
        return response
    if section == SECTIONS:
        return sitemap_views.sitemap(request, {SECTIONS: SectionPagesSitemap()})
    if section in NAMED:
        return sitemap_views.sitemap(request, {section: NamedPagesSitemap(NAMED[section])})
    found = Section.objects.filter(slug=section).first()
    if found is None:
        raise Http404("No such sitemap.")
    return section_sitemap(request, SectionSitemap(found))


@x_robots_tag
def section_sitemap(request, sitemap: SectionSitemap) -> HttpResponse:
    """One page of a section's sitemap, as Django's sitemap view writes it (every language
    version, hreflang alternates and ``x-default``), but written directly: a page has a thousand
    addresses with three alternates each, and resolving a URL and rendering a template node
    for each of them took a tenth of a second."""
    try:
        page = sitemap.paginator.page(request.GET.get("p", 1))
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404("No such sitemap page.") from error
    site = f"{request.scheme}://{request.get_host()}"
    section_urls = {}
    for code in sitemap._languages():
        with translation.override(code):
            section_urls[code] = site + sitemap.section.get_absolute_url()
    # The language-neutral address, which picks the reader's language, as Django's sitemaps do.
    default = settings.LANGUAGE_CODE
    neutral = section_urls[default].replace(f"/{default}/", "/", 1)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    zone = timezone.get_current_timezone()
    shown, latest = {}, None
    for article, code in page.object_list:
        pk, slug, updated = article["pk"], escape(article["slug"]), article["updated_at"]
        if pk not in shown:
            links = [(other, f"{url}{slug}/") for other, url in section_urls.items()]
            links.append(("x-default", f"{neutral}{slug}/"))
            alternates = "".join(
                f'<xhtml:link rel="alternate" hreflang="{other}" href="{href}"/>'
                for other, href in links
            )
            shown[pk] = (slug, updated.astimezone(zone).date().isoformat(), alternates)
        slug, lastmod, alternates = shown[pk]
        latest = max(latest or updated, updated)
        lines.append(
            f"<url><loc>{section_urls[code]}{slug}/</loc><lastmod>{lastmod}</lastmod>"
            f"{alternates}</url>"
        )
    lines.append("</urlset>")
    response = HttpResponse("\n".join(lines), content_type="application/xml")
    if latest is not None:
        response["Last-Modified"] = http_date(latest.timestamp())
    return response
