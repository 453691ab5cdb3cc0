from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

import articles.urls  # noqa: F401 - registers the fingerprint path converter
from articles import sitemaps
from articles.views import ArticleDocumentView, ArticleVersionDocumentView
from crawlers import views as crawler_views
from media import views as media_views
from newsroom import security_headers

urlpatterns = [
    path("admin/", admin.site.urls),
    path("robots.txt", crawler_views.robots, name="robots"),
    path("csp-report/", security_headers.csp_report, name="csp-report"),
    path(".well-known/tdmrep.json", crawler_views.tdmrep_json, name="tdmrep"),
    re_path(
        r"^media/(?P<image_id>[0-9a-f]{40})\.(?P<extension>jpg|png|webp|gif|avif)\Z",
        media_views.original,
        name="media-original",
    ),
    re_path(
        r"^media/renditions/(?P<image_id>[0-9a-f]{40})/"
        r"(?P<label>full|(?:16x9|4x3|1x1)-\d{1,4}-\d{1,4})-(?P<width>[1-9]\d{0,4})"
        r"\.(?P<extension>avif|webp|jpg|png)\Z",
        media_views.rendition,
        name="media-rendition",
    ),
    path("sitemap.xml", sitemaps.index, name="sitemap-index"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap-section"),
    path("<slug:section>/<slug:slug>.md", ArticleDocumentView.as_view(), name="article-document"),
    path(
        "<slug:section>/<slug:slug>@<fingerprint:fingerprint>.md",
        ArticleVersionDocumentView.as_view(),
        name="article-version-document",
    ),
]

urlpatterns += i18n_patterns(
    path("", include("crawlers.urls")),
    path("", include("articles.urls")),
)
