"""Sitemaps: an index, one sitemap per section with every language version of each page
(hreflang alternates and ``x-default``), and a Google News sitemap of the last two days."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max, Q
from django.http import Http404
from django.utils import timezone, translation

from .models import Article, Section, field_suffix

NEWS = "news"
NEWS_WINDOW = timedelta(days=2)
# Google News names Simplified Chinese zh-cn.
NEWS_LANGUAGES = {"zh-hans": "zh-cn", "en": "en"}


class Translated(Sitemap):
    """Every page in every language, each listing the others as hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True
    limit = 1000  # items per sitemap page; with two languages, 2,000 addresses

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


class SectionSitemap(Translated):
    """A section's published articles."""

    def __init__(self, section: Section):
        self.section = section

    def items(self):
        return (
            Article.objects.published()
            .in_section(self.section)
            .select_related("section")
            .only("slug", "updated_at", "section__slug")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, article):
        return article.updated_at

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

    def location(self, item):
        with translation.override(item.code):
            return item.article.get_absolute_url()

    def lastmod(self, item):
        return item.article.updated_at


SECTIONS = "sections"


def section_sitemaps() -> dict[str, Sitemap]:
    sitemaps = {SECTIONS: SectionPagesSitemap()}
    sitemaps.update({section.slug: SectionSitemap(section) for section in Section.objects.all()})
    sitemaps[NEWS] = NewsSitemap()
    return sitemaps


def index(request):
    return sitemap_views.index(request, section_sitemaps(), sitemap_url_name="sitemap-section")


def section(request, section):
    if section == NEWS:
        response = sitemap_views.sitemap(
            request, {NEWS: NewsSitemap()}, template_name="sitemaps/news.xml"
        )
        response.context_data["publication"] = settings.SITE_NAME
        return response
    if section == SECTIONS:
        return sitemap_views.sitemap(request, {SECTIONS: SectionPagesSitemap()})
    found = Section.objects.filter(slug=section).first()
    if found is None:
        raise Http404("No such sitemap.")
    return sitemap_views.sitemap(request, {section: SectionSitemap(found)})
