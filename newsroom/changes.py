"""What changed, recorded in the database in the change's own transaction.

Every reader page carries *keys* naming what it shows, in its ``Surrogate-Key`` header:
``site`` for what every page shows (the sections, the navigation, the crawler policy), and the
apps' own keys such as ``article-12`` (an article) or ``section-3`` (the list of a section's
articles). A change takes the next number of the site's change counter and writes it against
every key it touched, inside the transaction that makes the change. So the record commits
exactly when the change does: it cannot be lost, seen early or seen late, whichever process made
the change (the desk, an import, a shell, another server). Once the transaction has committed,
the keys are also purged from the CDN in front of the site (newsroom/purges.py).

The page cache (newsroom/page_cache.py) reads the counter before it renders a page, and serves a
stored page only while none of its keys has a later change.

A change is recorded once per transaction when it is made inside :func:`batch` (an import, a
section renamed with all its articles): whatever it touched costs one number, one write per key
and one purge.
"""

import threading
import time
from collections.abc import Iterable
from contextlib import contextmanager, nullcontext
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest

from . import purges
from .models import ChangeCounter, PageKey

SITE = "site"  # what every page shows

_batches = threading.local()


class Reading(NamedTuple):
    """The change record as one query saw it."""

    number: int  # the latest change: every change up to it has committed
    site: int  # the last change to what every page shows
    latest: int  # the last change to any of the keys asked about (0: none ever changed)


def read(keys: Iterable[str] = ()) -> Reading:
    """The latest change, the last change to the site, and the last change to any of ``keys``,
    in one query (it runs for every reader request the page cache answers)."""
    keys = list(keys)
    counter, page_key = ChangeCounter._meta.db_table, PageKey._meta.db_table
    latest = "NULL"
    if keys:
        placeholders = ", ".join(["%s"] * len(keys))
        latest = f"(SELECT MAX(changed) FROM {page_key} WHERE name IN ({placeholders}))"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT number FROM {counter} WHERE id = 1), "
            f"(SELECT changed FROM {page_key} WHERE name = %s), {latest}",
            [SITE, *keys],
        )
        number, site, last = cursor.fetchone()
    return Reading(number or 0, site or 0, last or 0)


def changed(*keys: str) -> None:
    """Record that what pages carrying ``keys`` show has changed: now, in the current
    transaction, or when the :func:`batch` this runs in ends."""
    if not keys:
        return
    stack = getattr(_batches, "stack", None)
    if stack:
        stack[-1].update(keys)
    else:
        _record(set(keys))


@contextmanager
def batch():
    """One transaction whose changes are recorded together when it ends."""
    stack = _batches.__dict__.setdefault("stack", [])
    with transaction.atomic():
        stack.append(set())
        try:
            yield
        finally:
            keys = stack.pop()
        if stack:  # inside another batch: that one records them
            stack[-1].update(keys)
        elif keys:
            _record(keys)


def _record(keys: set[str]) -> None:
    # The next number, and at least the time in microseconds: numbers never come back, even
    # after the database is restored from a backup (see purge_pages).
    following = Greatest(F("number") + 1, Value(time.time_ns() // 1000))
    with transaction.atomic():
        # The counter first, then the keys in one order: concurrent changes wait for each other
        # here, never in a cycle.
        if not ChangeCounter.objects.filter(pk=1).update(number=following):
            ChangeCounter.objects.get_or_create(pk=1)  # a database emptied without migrating
            ChangeCounter.objects.filter(pk=1).update(number=following)
        number = ChangeCounter.objects.values_list("number", flat=True).get(pk=1)
        PageKey.objects.bulk_create(
            [PageKey(name=name, changed=number) for name in sorted(keys)],
            update_conflicts=True,
            unique_fields=["name"],
            update_fields=["changed"],
        )
        transaction.on_commit(lambda: purges.purge(sorted(keys)))


class RecordedOnce:
    """Mixed into a ModelAdmin: whatever one form or action of the admin changes is recorded
    as one change when the request is done (a form saves the row, then its relations)."""

    def changeform_view(self, request, *args, **kwargs):
        with _batch_for(request):
            return super().changeform_view(request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        with _batch_for(request):
            return super().changelist_view(request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        with _batch_for(request):
            return super().delete_view(request, *args, **kwargs)


def _batch_for(request):
    # Only a POST changes anything; reading the desk takes no transaction.
    return batch() if request.method == "POST" else nullcontext()
