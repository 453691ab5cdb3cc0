"""Reader URLs inside a language prefix: ``/<lang>/``, ``/<lang>/<section>/``, and articles."""

from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.FrontPageView.as_view(), name="front-page"),
    path("<slug:section>/", views.SectionView.as_view(), name="section"),
    path("<slug:section>/<slug:slug>/", views.ArticleView.as_view(), name="article"),
]
