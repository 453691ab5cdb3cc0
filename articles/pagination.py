"""Pagination that stays fast deep into a long section.

A page is found in two steps: the ids of its rows, then those rows by id. A section page takes
its ids from the section's whole order, read once per content generation on each app server
(ids only, from the ``article_section_listing`` index: 15,000 of them are 120 KB), so page 500
costs what page 1 does. Elsewhere the ids are read from the index alone, skipping entries
there: cheap next to skipping whole rows, as a plain ``OFFSET`` on the article table does, but
still growing with depth. URLs keep their ``?page=N``.
"""

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property


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


class IndexPaginator(Paginator):
    """Pages read in two steps. ``ids``, if given, is every id of ``object_list`` in its order
    (kept by the caller), and pages are cut from it."""

    def __init__(self, object_list, per_page, *args, ids=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.ids = ids

    @cached_property
    def count(self):
        return len(self.ids) if self.ids is not None else super().count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if self.ids is None:
            return Page(rows_between(self.object_list, bottom, top), number, self)
        return Page(rows_of(self.object_list, self.ids[bottom:top]), number, self)
