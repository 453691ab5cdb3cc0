"""Pagination that stays fast deep into a long section.

A page of a section is found in two steps: the ids of its rows, read from the index alone
(``article_section_listing`` covers the filter, the order and the id), then those rows. Skipping
ten thousand index entries is cheap; skipping ten thousand full rows, as a plain ``OFFSET`` on
the article table does, is not. URLs keep their ``?page=N``.
"""

from django.core.paginator import Page, Paginator


def rows_between(queryset, bottom: int, top: int) -> list:
    """``list(queryset[bottom:top])``, the two-step way (see the module's docstring). Rows are
    model instances, or dicts with a ``"pk"`` from a ``values()`` queryset."""
    ids = list(queryset.values_list("pk", flat=True)[bottom:top])
    rows = {
        row["pk"] if isinstance(row, dict) else row.pk: row
        for row in queryset.filter(pk__in=ids).order_by()
    }
    return [rows[pk] for pk in ids if pk in rows]


class IndexPaginator(Paginator):
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return Page(rows_between(self.object_list, bottom, bottom + self.per_page), number, self)
