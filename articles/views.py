"""Reader pages: the front page, section pages, article pages and article documents."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.views.generic import DetailView, ListView, View

from .models import Article, Section


class FrontPageView(ListView):
    template_name = "articles/front_page.html"
    context_object_name = "articles"

    def get_queryset(self):
        limit = settings.FRONT_PAGE_ARTICLES
        return Article.objects.published().for_listing().latest_first()[:limit]


class SectionView(ListView):
    """A section's articles, newest first. Bad ``?page=`` values are 404s (ListView's own rule)."""

    template_name = "articles/section.html"
    context_object_name = "articles"
    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["section"])
        return Article.objects.published().in_section(self.section).for_listing().latest_first()

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class ArticleView(DetailView):
    template_name = "articles/article.html"
    context_object_name = "article"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Article.objects.published().select_related("section"),
            section__slug=self.kwargs["section"],
            slug=self.kwargs["slug"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            versions=self.object.versions_for_reader(get_language()), **kwargs
        )


class ArticleDocumentView(View):
    """The article document, byte for byte what the footer's fingerprint hashes."""

    def get(self, request, section, slug):
        article = get_object_or_404(
            Article.objects.published().select_related("section"),
            section__slug=section,
            slug=slug,
        )
        return HttpResponse(article.document_bytes(), content_type="text/markdown; charset=utf-8")
