"""A person's page and a topic's page: who or what it is, then their articles across sections,
newest first, paginated as sections are, with a feed (articles/feeds.py)."""

from django.http import Http404

from .models import Article
from .reader_pages import with_sections
from .views import ArticlesPage, shown_keys


class NamedPageView(ArticlesPage):
    """The page of a ``model`` row (a Person or a Topic) found by its slug."""

    model = None
    template_name = "articles/named_page.html"

    def moved_to(self, slug):
        return self.model.moved_from(slug)

    def named(self):
        return self.model.objects.filter(slug=self.kwargs["slug"]).first()

    def get_queryset(self):
        self.shown = self.named()
        if self.shown is None:
            raise Http404("No such page.")
        return Article.objects.published().latest_about(self.shown)

    def get_paginator(self, queryset, per_page, **kwargs):
        # The page's ids come from the person's (or topic's) own index; their rows by id alone.
        rows = Article.objects.published().for_listing()
        return super().get_paginator(queryset, per_page, rows=rows, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(named=self.shown, **kwargs)
        context["articles"] = with_sections(self.request, context["articles"])
        self.shown_articles = context["articles"]
        return context

    def page_keys(self):
        photo = getattr(self.shown, "photo", None)  # a person's, which the library may change
        keys = [self.shown.page_key, self.shown.list_key, *([photo.page_key] if photo else [])]
        return [*keys, *shown_keys(self.shown_articles)]
