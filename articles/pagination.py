"""Pagination that stays fast deep into a long section, and never counts.

A page is found in two steps: the ids of its rows, read from the index alone (skipping index
entries is cheap next to skipping whole rows, as a plain ``OFFSET`` on the article table does),
then those rows by id. A section page is never counted either: it reads one id more than it
shows to know whether an older page follows, so its cost does not grow with the archive. URLs
keep their ``?page=N``.
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import Http404


def rows_between(queryset, bottom: int, top: int) -> list:
    """``list(queryset[bottom:top])``, the two-step way (see the module's docstring). Rows are
    model instances, or dicts with a ``"pk"`` from a ``values()`` queryset."""
    return rows_of(queryset, list(queryset.values_list("pk", flat=True)[bottom:top]))


def rows_of(queryset, ids) -> list:
    """The rows of ``queryset`` with these ids, in the ids' order."""
    rows = {
        row["pk"] if isinstance(row, dict) else row.pk: row
        for row in queryset.filter(pk__in=list(ids)).order_by()
    }
    return [rows[pk] for pk in ids if pk in rows]


# No section has this many pages; a larger number would overflow the database's integers.
MOST_PAGES = 10**6


def page_asked(request, name: str = "page") -> int | None:
    """The page number in ``?page=`` (or ``?<name>=``), as the site's own links write it, when
    it names a page after the first: ``None`` for none, the first, or anything else."""
    value = request.GET.get(name, "")
    if not (value.isascii() and value.isdigit() and len(value) <= len(str(MOST_PAGES))):
        return None
    return int(value) if 1 < int(value) <= MOST_PAGES else None


class IndexPage(Page):
    def __init__(self, object_list, number, paginator, *, has_next: bool):
        super().__init__(object_list, number, paginator)
        self.is_followed = has_next

    def has_next(self) -> bool:
        return self.is_followed


class IndexPaginator(Paginator):
    """Pages read in two steps and never counted (see the module's docstring). The rows are
    read from ``rows`` (by default the list itself) by their ids alone: a person's page finds
    its ids by walking their byline index, and need not join the bylines again to read them."""

    def __init__(self, object_list, per_page, *args, rows=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.rows = object_list if rows is None else rows

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("That page number is not an integer") from error
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        if number > MOST_PAGES:
            raise EmptyPage("That page contains no results")
        return number

    @property
    def num_pages(self):
        # ``?page=last`` would need a count of the whole section: not offered.
        raise Http404("Pages are numbered from the newest; there is no last page to jump to.")

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(
            self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page + 1]
        )
        if not ids and number > 1:
            raise EmptyPage("That page contains no results")
        rows = rows_of(self.rows, ids[: self.per_page])
        return IndexPage(rows, number, self, has_next=len(ids) > self.per_page)
