"""What every reader page of the articles app shares with the page cache (newsroom/page_cache.py):
the sections each process keeps, when the next scheduled article comes due, and how a page says
what it shows."""

from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from newsroom.page_cache import holds_until, lists, memoised, show_keys

from .models import Article, Section


def sections(request) -> dict[str, Section]:
    """Every section by its slug, in navigation order, kept in this process until something
    every page shows changes."""
    return memoised(request, "sections", sections_with_articles)


def sections_with_articles() -> dict[str, Section]:
    """:meth:`Section.by_slug`, each section saying whether it has a published article
    (``has_articles``; scheduled ones count): the navigation leaves out those that have none.

    One query, one index probe per section. A scheduled article counts from the moment it is
    saved, not from when it comes due: what every page shows may change only with a recorded
    change (a section's first published article, or its last one going, records ``site``:
    revisions.changed_keys), and nothing is recorded when a time comes."""
    published = Article.objects.filter(section=OuterRef("pk"), status=Article.Status.PUBLISHED)
    found = Section.objects.annotate(has_articles=Exists(published))
    return {section.slug: section for section in found}


def with_sections(request, articles) -> list[Article]:
    """``articles`` (read for listing), each given its section as kept for the request; a
    section that came after the request's reading began is read."""
    by_id = {section.pk: section for section in sections(request).values()}
    articles = list(articles)
    missing = {article.section_id for article in articles} - by_id.keys()
    if missing:
        by_id.update(Section.objects.in_bulk(missing))
    for article in articles:
        article.section = by_id[article.section_id]
    return articles


def next_publication(request) -> datetime | None:
    """When the next article published for a time still to come reaches readers. Kept in this
    process until anything changes, or the time comes."""
    return memoised(
        request,
        "next publication",
        Article.objects.next_publication,
        until_any_change=True,
        holds=lambda moment: moment is None or moment > timezone.now(),
    )


class Listing:
    """A page that lists articles. Made (``Listing(request)``) before anything is listed, it
    knows when the next scheduled article comes due, so one that comes due meanwhile is either
    on the page or ends it."""

    def __init__(self, request):
        self.due = next_publication(request)

    def mark(self, response, *keys: str):
        """Name what ``response`` shows, say until when it holds, and that it is a list."""
        show_keys(response, *keys)
        holds_until(response, self.due)
        lists(response)
        return response
