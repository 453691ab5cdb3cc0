from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from articles.views import ArticleDocumentView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("<slug:section>/<slug:slug>.md", ArticleDocumentView.as_view(), name="article-document"),
]

urlpatterns += i18n_patterns(path("", include("articles.urls")))
