"""Reader pages: the front page, section pages, article pages, earlier versions, article
documents and previews. Old addresses of moved articles and sections answer with a 301."""

from collections import Counter

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.utils.translation import get_language
from django.views.generic import DetailView, ListView, View

from newsroom.page_cache import read_query, show_keys

from . import search
from .metadata import show_in_languages
from .models import ARCHIVE, LATEST, Article, Section, SectionAlias
from .pagination import IndexPaginator
from .previews import render_revision, revision_for_token
from .reader_pages import Listing, sections, with_sections
from .related import related_to


class CachedPage:
    """Mixed into reader views: names what the page shows (``page_keys()``) in its
    ``Surrogate-Key`` header, so the page cache and CDNs know which changes end it. A page that
    lists articles (``lists_articles``) says so, and that it holds only until the next
    scheduled article comes due."""

    lists_articles = False
    # Reader pages are read: any other method is answered 405 before a view looks at it.
    http_method_names = ["get", "head"]

    def dispatch(self, request, *args, **kwargs):
        listing = Listing(request) if self.lists_articles else None
        response = super().dispatch(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        read_query(response, **self.query_read(response))
        if listing is not None:
            return listing.mark(response, *self.page_keys())
        show_keys(response, *self.page_keys())
        return response

    def page_keys(self) -> list[str]:
        return []

    def query_read(self, response) -> dict:
        """The query parameters the page read: the page number of a list after its first."""
        shown = getattr(response, "context_data", None) or {}
        number = shown["page_obj"].number if shown.get("page_obj") else 1
        return {"page": number if number > 1 else None}


def permanent_redirect(request, url: str) -> HttpResponsePermanentRedirect:
    """A 301 to ``url`` with the query the reader sent (campaign tags included)."""
    query = getattr(request, "query_as_sent", request.META.get("QUERY_STRING"))
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


def published_article(request, section_slug: str, slug: str) -> Article:
    """The published article at a reader address, its section the one kept for the request."""
    section = sections(request).get(section_slug)
    if section is None:
        raise Http404("No such section.")
    try:
        # get(), not first(): no order to keep, so the database goes straight to the one row
        # the section and slug name (first() orders by date and may walk the listing index).
        article = (
            Article.objects.published()
            .without_search_terms()
            .select_related("image")
            .get(section=section, slug=slug)
        )
    except Article.DoesNotExist:
        raise Http404("No such article.") from None
    article.section = section
    return article


class MovedArticleRedirect(View):
    """Mixed into article views: a 404 at an address the article used to have becomes a 301
    to the same view at its new address."""

    http_method_names = ["get", "head"]

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except Http404:
            moved = Article.objects.published().moved_from(kwargs["section"], kwargs["slug"])
            if moved is None:
                raise
            return permanent_redirect(request, self.moved_url(moved))

    def moved_url(self, article: Article) -> str:
        return article.get_absolute_url()


class FrontPageView(CachedPage, ListView):
    """The latest articles, then the newest few of each section in the navigation that the
    latest do not show already: a reader meets each article once."""

    template_name = "articles/front_page.html"
    context_object_name = "articles"
    lists_articles = True

    def get_queryset(self):
        limit = settings.FRONT_PAGE_ARTICLES
        return self.shown().for_listing().latest_first()[:limit]

    @staticmethod
    def shown():
        """Hidden sections stay off the front page."""
        return Article.objects.published().filter(section__is_visible=True)

    def get_context_data(self, **kwargs):
        self.sections = Section.visible_among(sections(self.request).values())
        context = super().get_context_data(**kwargs)
        latest = with_sections(self.request, context["articles"])
        blocks = section_blocks(self.request, self.sections, latest)
        context.update(articles=latest, sections=blocks)
        self.shown_articles = [*latest, *(article for _s, listed in blocks for article in listed)]
        return context

    def page_keys(self):
        return [
            LATEST,
            *(section.page_key for section in self.sections),
            *shown_keys(self.shown_articles),
        ]


def section_blocks(request, shown_sections, latest) -> list[tuple[Section, list[Article]]]:
    """Each of ``shown_sections`` with its newest ``FRONT_PAGE_PER_SECTION`` articles that
    ``latest`` does not show; a section with none left is left out.

    What ``latest`` shows of a section is that section's newest articles (both lists are newest
    first), so reading as many more of each section as ``latest`` holds of it is enough, in the
    same queries as reading ``FRONT_PAGE_PER_SECTION`` of each alone."""
    per_section = settings.FRONT_PAGE_PER_SECTION
    in_latest = Counter(article.section_id for article in latest)
    wanted = {section: per_section + in_latest[section.pk] for section in shown_sections}
    newest = Article.objects.published().for_listing().latest_per_section(wanted)
    shown = {article.pk for article in latest}
    by_section = {section.pk: [] for section in shown_sections}
    for article in sorted(newest, key=lambda a: (a.published_at, a.pk), reverse=True):
        kept = by_section[article.section_id]
        if article.pk not in shown and len(kept) < per_section:
            kept.append(article)
    return [
        (section, with_sections(request, by_section[section.pk]))
        for section in shown_sections
        if by_section[section.pk]
    ]


class ArticlesPage(CachedPage, ListView):
    """A page of articles, newest first, 20 a page, never counted (a section's, a person's, a
    topic's). Bad ``?page=`` values are 404s (ListView's own rule); an address the page had
    before (``moved_to``) answers with a 301 to the one it has now."""

    context_object_name = "articles"
    paginate_by = settings.ARTICLES_PER_PAGE
    paginator_class = IndexPaginator
    lists_articles = True

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            moved = self.moved_to(**kwargs)
            if moved is None:
                raise
            return permanent_redirect(request, moved.get_absolute_url())

    def moved_to(self, **kwargs):
        """What the page at these URL arguments is about now, if it moved (else ``None``)."""
        return None


class SectionView(ArticlesPage):
    """A section's articles."""

    template_name = "articles/section.html"

    def moved_to(self, section):
        moved = SectionAlias.objects.select_related("section").filter(slug=section).first()
        return moved.section if moved else None

    def get_queryset(self):
        self.section = sections(self.request).get(self.kwargs["section"])
        if self.section is None:
            raise Http404("No such section.")
        return Article.objects.published().in_section(self.section).for_listing().latest_first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(section=self.section, **kwargs)
        for article in context["articles"]:
            article.section = self.section  # every one is in it: no join to read it again
        self.shown_articles = context["articles"]
        return context

    def page_keys(self):
        return [self.section.page_key, *shown_keys(self.shown_articles)]


def shown_keys(articles, *, whole: bool = False) -> list[str]:
    """The keys of what ``articles`` show on a page: each one's card (or, ``whole``, all of
    it), its lead image (whose crop follows the focal point the desk sets) and the people of
    its byline."""
    keys = []
    for article in articles:
        keys.append(article.page_key if whole else article.card_key)
        if article.image_id:
            keys.append(article.image.page_key)
        keys += [line.person.page_key for line in article.byline]
    return keys


class ArticleView(CachedPage, MovedArticleRedirect, DetailView):
    template_name = "articles/article.html"
    context_object_name = "article"

    def get_object(self, queryset=None):
        article = published_article(self.request, self.kwargs["section"], self.kwargs["slug"])
        show_in_languages(self.request, article)
        return article

    def page_keys(self):
        topics = [topic.page_key for topic in self.object.topics]
        related = [a.card_key for a in self.related]
        return [*shown_keys([self.object], whole=True), *topics, *related]

    def get_context_data(self, **kwargs):
        article = self.object
        self.related = related_to(self.request, article, get_language())
        return super().get_context_data(
            related=self.related,
            versions=article.versions_for_reader(get_language()),
            document_url=article.get_document_url(),
            # Only a corrected article has earlier public versions.
            earlier_versions=(
                article.revisions.earlier_public_versions(article.fingerprint)
                if article.revised_at
                else []
            ),
            **kwargs,
        )


class ArticleVersionView(CachedPage, MovedArticleRedirect, DetailView):
    """An earlier published text of an article, with a banner pointing to the current one."""

    template_name = "articles/article.html"
    context_object_name = "article"

    def get_object(self, queryset=None):
        self.current = published_article(self.request, self.kwargs["section"], self.kwargs["slug"])
        self.revision = earlier_version(self.current, self.kwargs["fingerprint"])
        return self.revision.as_article(self.current)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            versions=self.object.versions_for_reader(get_language()),
            document_url=self.current.get_version_document_url(self.revision.fingerprint),
            version_of=self.current,
            **kwargs,
        )

    def moved_url(self, article: Article) -> str:
        return article.get_version_url(self.kwargs["fingerprint"])

    def page_keys(self):
        # The version's own byline and topics, by their names today.
        shown = [*(line.person for line in self.object.byline), *self.object.topics]
        return [self.current.page_key, *(row.page_key for row in shown)]


def earlier_version(article: Article, fingerprint: str):
    """The revision that published ``fingerprint``, if readers ever saw it; else 404."""
    if fingerprint == article.fingerprint:
        raise Http404("This is the current version.")
    for revision in article.revisions.earlier_public_versions(article.fingerprint):
        if revision.fingerprint == fingerprint:
            return article.revisions.get(pk=revision.pk)
    raise Http404("No such version of this article.")


class ArticleDocumentView(MovedArticleRedirect):
    """The article document, byte for byte what the footer's fingerprint hashes."""

    def get(self, request, section, slug):
        article = published_article(request, section, slug)
        response = markdown_response(article.published_document())
        show_keys(response, article.page_key)
        return response

    def moved_url(self, article: Article) -> str:
        return article.get_document_url()


class ArticleVersionDocumentView(MovedArticleRedirect):
    """An earlier version's document; it hashes to the fingerprint in its address."""

    def get(self, request, section, slug, fingerprint):
        article = published_article(request, section, slug)
        response = markdown_response(earlier_version(article, fingerprint).document_bytes())
        show_keys(response, article.page_key)
        return response

    def moved_url(self, article: Article) -> str:
        return article.get_version_document_url(self.kwargs["fingerprint"])


def markdown_response(data: bytes) -> HttpResponse:
    return HttpResponse(data, content_type="text/markdown; charset=utf-8")


class PreviewView(View):
    """A revision seen through a signed, expiring preview link (no account needed)."""

    http_method_names = ["get", "head"]

    def get(self, request, token):
        revision = revision_for_token(token)
        if revision is None:
            raise Http404("This preview link is not valid or has expired.")
        return render_revision(request, revision.article, revision, get_language())


class SearchView(CachedPage, ListView):
    """``/<lang>/search/?q=…``: published articles in either language, best match first."""

    template_name = "articles/search.html"
    context_object_name = "results"
    paginate_by = 10
    lists_articles = True

    def page_keys(self):
        return [ARCHIVE]

    def query_read(self, response) -> dict:
        return {**super().query_read(response), "q": self.query or None}

    def get_queryset(self):
        """The ranked ids of every match: the page's own rows are read afterwards."""
        self.query = " ".join(self.request.GET.get("q", "").split())[: search.MAX_QUERY_LENGTH]
        self.found = search.search(Article.objects.published(), self.query)
        return self.found.ids

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.query, **kwargs)
        ids = context["results"]
        rows = Article.objects.published().for_reading().in_bulk(ids)
        language = get_language()
        context["results"] = [
            search_result(rows[pk], language, self.found.terms) for pk in ids if pk in rows
        ]
        context["more_matches"] = self.found.more
        return context


def search_result(article: Article, language: str, terms: list[str]) -> dict:
    """An article as the results list shows it: its title and a highlighted passage, in the
    language that matched (the reader's first)."""
    shown = None
    for code, version in article.versions_for_reader(language):
        title = search.highlight(version.title, terms)
        passage = search.excerpt(" ".join([version.summary, article.body_text(code)]), terms)
        candidate = {"article": article, "language": code, "title": title, "passage": passage}
        if search.has_match(title) or search.has_match(passage):
            return candidate
        shown = shown or candidate
    return shown
