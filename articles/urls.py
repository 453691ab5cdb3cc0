"""Reader URLs inside a language prefix: ``/<lang>/``, ``/<lang>/<section>/``, articles, their
earlier versions (``@<fingerprint>``) and preview links."""

from django.urls import path, register_converter

from people.models import Person
from people.views import AuthorView
from topics.models import Topic
from topics.views import TopicView

from . import feeds, views


class FingerprintConverter:
    """40 lowercase hex digits: a Git blob id."""

    regex = "[0-9a-f]{40}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FingerprintConverter, "fingerprint")

app_name = "articles"

urlpatterns = [
    path("", views.FrontPageView.as_view(), name="front-page"),
    path("preview/<str:token>/", views.PreviewView.as_view(), name="preview"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("authors/<slug:slug>/", AuthorView.as_view(), name="author"),
    path("authors/<slug:slug>/feed/", feeds.NamedFeed(model=Person), name="author-feed"),
    path("topics/<slug:slug>/", TopicView.as_view(), name="topic"),
    path("topics/<slug:slug>/feed/", feeds.NamedFeed(model=Topic), name="topic-feed"),
    path("<slug:section>/feed/", feeds.SectionFeed(), name="section-feed"),
    path("<slug:section>/", views.SectionView.as_view(), name="section"),
    path("<slug:section>/<slug:slug>/", views.ArticleView.as_view(), name="article"),
    path(
        "<slug:section>/<slug:slug>/@<fingerprint:fingerprint>/",
        views.ArticleVersionView.as_view(),
        name="article-version",
    ),
]
