"""What changed, recorded in the database in the change's own transaction.

Every reader page carries *keys* naming what it shows, in its ``Surrogate-Key`` header:
``site`` for what every page shows (the sections, the navigation, the crawler policy), and the
apps' own keys such as ``article-12`` (an article, shown whole), ``card-12`` (what a list shows
of it) or ``section-3`` (the list of a section's articles). A change takes the next number of
the site's change counter and writes it against every key it touched, inside the transaction
that makes the change. So the record commits exactly when the change does: it cannot be lost or
half-written, whichever process made the change (the desk, an import, a shell, another server).
Once the transaction has committed, the keys are also purged from the CDN in front of the site
(newsroom/purges.py). A change's number is at least the time it was made, in microseconds, so
numbers never come back, even after the database is restored from a backup.

The page cache (newsroom/page_cache.py) reads the record before it renders a page, and serves a
stored page only while none of its keys has a later change. Where it reads it:

- On SQLite, the database itself, on every request: it is a file on the same machine, and a
  change is seen by the very next request of every worker.
- On PostgreSQL, each process's own copy (:class:`KnownChanges`), so serving a stored page costs
  no query. The process that makes a change knows it at once; PostgreSQL notifies every other
  listening process as the change commits (LISTEN and NOTIFY: in commit order, only for changes
  that committed), which they read before their next request. Each process also asks the
  database for the latest change number at least once a second and catches up if it is behind,
  so a notification lost with a dropped connection, or still on its way, delays a change by a
  second at most. Behind a connection pooler that cannot LISTEN, ``DATABASE_LISTEN_URL`` names
  the database itself; ``PAGE_CACHE_LISTENS=off`` asks the database on every request instead.

A change is recorded once per transaction when it is made inside :func:`batch` (an import, a
section renamed with all its articles): whatever it touched costs one number, one write per key,
one notification and one purge.
"""

import logging
import os
import select
import threading
import time
from collections.abc import Iterable
from contextlib import contextmanager, nullcontext, suppress
from typing import NamedTuple

import dj_database_url
from django.conf import settings
from django.db import connection, transaction
from django.db.models import BigIntegerField, F, Value
from django.db.models.functions import Greatest

from . import purges
from .backoff import Backoff
from .models import ChangeCounter, PageKey

logger = logging.getLogger(__name__)

SITE = "site"  # what every page shows
CHANNEL = "newsroom_changes"  # PostgreSQL's notification channel
NOTIFICATION_LENGTH = 7900  # PostgreSQL takes up to 8000 bytes: longer lists are read instead

_batches = threading.local()


class Reading(NamedTuple):
    """The record of changes as one reading saw it."""

    number: int  # the latest change: every change up to it has committed
    site: int  # the last change to what every page shows
    last_change: int  # the last change to any of the keys asked about (0: none ever changed)
    since: int = 0  # what was read knows of no change before this (KnownChanges.since)


def read(keys: Iterable[str] = ()) -> Reading:
    """The latest change, the last change to the site and the last change to any of ``keys``:
    from this process's copy on PostgreSQL, else from the database (see the module's
    docstring)."""
    if connection.vendor == "postgresql" and settings.PAGE_CACHE_LISTENS:
        reading = known_changes.read(keys)
        if reading is not None:
            return reading
    return read_database(keys)


def read_database(keys: Iterable[str] = ()) -> Reading:
    """:func:`read`, asking the database (one query)."""
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
    now = Value(time.time_ns() // 1000, output_field=BigIntegerField())
    following = Greatest(F("number") + 1, now)
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
        if connection.vendor == "postgresql":
            # Sent by PostgreSQL when (and only if) the transaction commits.
            message = " ".join([str(number), *sorted(keys)])
            if len(message.encode()) > NOTIFICATION_LENGTH:
                message = str(number)  # too many keys to name: listeners read them instead
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, message])
        transaction.on_commit(lambda: _committed(number, sorted(keys)), robust=True)


def _committed(number: int, keys: list[str]) -> None:
    if connection.vendor == "postgresql":
        known_changes.made(number, keys)
    purges.purge(keys)


class KnownChanges:
    """This process's copy of the record of changes, on PostgreSQL (see the module's docstring).

    It knows every change up to ``known``; ``last`` holds, for the changes after ``since`` (when
    the copy started, or last started afresh), the number of each key's last change. A key it
    has no number for counts as changed at ``since``: a page rendered before then is rendered
    again rather than trusted.
    """

    CHECK_EVERY = 1.0  # seconds between asking the database for the latest change number
    MOST_KEYS = 100_000  # keys kept before starting afresh
    RETRY = 1.0  # seconds before listening again after a failure (doubling, up to 30)

    def __init__(self):
        self._lock = threading.Lock()
        self._pid = None
        self._listener = None
        self._started = False
        self.known = self.since = 0
        self.last: dict[str, int] = {}
        self.checked = 0.0
        self._retry = Backoff(first=self.RETRY)

    def read(self, keys: Iterable[str]) -> Reading | None:
        """Like :func:`read_database`; ``None`` when the copy cannot be kept current now (no
        listening connection): then the database must be asked."""
        with self._lock:
            if not self._retry.is_ready():
                return None
            try:
                self._keep_current()
            except Exception as error:  # the listening connection broke, or could not be made
                self._failed(error)
                return None
            last = max((self.last.get(key, self.since) for key in keys), default=0)
            return Reading(self.known, self.last.get(SITE, self.since), last, self.since)

    def made(self, number: int, keys: Iterable[str]) -> None:
        """This process committed change ``number``: its pages are stale here at once, not
        when the notification comes back. (``known`` waits for the notification: changes
        before this one may not have been heard of yet.)"""
        with self._lock:
            if self._started:
                for key in keys:
                    self.last[key] = max(self.last.get(key, self.since), number)

    def close(self) -> None:
        with self._lock:
            self._close()

    def _keep_current(self) -> None:
        if self._listener is None or self._pid != os.getpid():
            self._listen()
        # Nothing to read unless the connection has something to say (a notification, or
        # that the server closed it): a look at its socket costs a few microseconds, psycopg's
        # look at it ten times as much. What arrived with the reply to LISTEN, before the first
        # look, is also in the database, read after it (_listen).
        notifications = []
        if _has_something_to_read(self._listener):
            # Read them all first: the connection is busy while its notifications are read.
            # (Looked at twice: a connection the server closed is reported only on the second.)
            notifications = [
                *self._listener.notifies(timeout=0),
                *self._listener.notifies(timeout=0),
            ]
        for notification in notifications:
            number, *keys = notification.payload.split()
            if keys:
                self._learn(int(number), [(key, int(number)) for key in keys])
            else:  # too many keys to name: read them
                self._catch_up()
        elapsed = time.time() - self.checked
        if not 0 <= elapsed < self.CHECK_EVERY:  # (a clock set back checks at once)
            self._check()

    def _listen(self) -> None:
        """Open this process's listening connection (a forked worker opens its own)."""
        import psycopg

        self._close()
        listener = psycopg.connect(**listening_address(), autocommit=True, connect_timeout=5)
        listener.execute(f"LISTEN {CHANNEL}")
        self._listener, self._pid = listener, os.getpid()
        if not self._started:  # every page stored before now is rendered again
            self.known = self.since = self._latest_number()
            self.checked, self._started = time.time(), True
        else:  # listening again: what was said meanwhile is in the database
            self._catch_up()
        if self._retry.worked():
            logger.warning("Listening for changes again: stored pages are served without a query.")

    def _check(self) -> None:
        """Ask the database. Behind means a notification went missing (or is on its way):
        catch up from the database, and listen again in case the connection was dropped
        without a word."""
        if self._latest_number() > self.known:
            self._catch_up()
            self._listen()
        self.checked = time.time()

    def _catch_up(self) -> None:
        # On the app's own connection, as _latest_number (the listening one may be dead).
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT name, changed FROM {PageKey._meta.db_table} WHERE changed > %s",
                [self.known],
            )
            changed = cursor.fetchall()
        self._learn(max((number for _key, number in changed), default=self.known), changed)

    def _learn(self, number: int, changed) -> None:
        if len(self.last) + len(changed) > self.MOST_KEYS:
            self.last, self.since = {}, max(number, self.known)
        for key, changed_at in changed:
            self.last[key] = max(self.last.get(key, self.since), changed_at)
        self.known = max(self.known, number)

    def _latest_number(self) -> int:
        # The app's own connection (pooled, health-checked), not the listening one, which may
        # be the one that was dropped without a word: a query on it would wait for ever.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT number FROM {ChangeCounter._meta.db_table} WHERE id = 1")
            row = cursor.fetchone()
        return row[0] if row else 0

    def _failed(self, error: Exception) -> None:
        self._close()
        if self._retry.failed():
            logger.error(
                "Cannot listen for changes (%s: %s): the database is asked on every request "
                "until listening works again.",
                type(error).__name__,
                error,
            )

    def _close(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with suppress(Exception):  # it may be broken already
                listener.close()


def _has_something_to_read(listener) -> bool:
    """Whether the listening connection's socket has data waiting, or was closed. (``poll``,
    not ``select``: a process with a thousand files open may give the socket a number ``select``
    cannot take.)"""
    poller = select.poll()
    poller.register(listener.fileno(), select.POLLIN)
    return bool(poller.poll(0))


def listening_address() -> dict:
    """Where to listen: the database the app uses, or ``DATABASE_LISTEN_URL`` (the database
    itself, past a pooler that cannot LISTEN)."""
    database = (
        dj_database_url.parse(settings.DATABASE_LISTEN_URL)
        if settings.DATABASE_LISTEN_URL
        else connection.settings_dict
    )
    address = {
        "dbname": database["NAME"],
        "user": database["USER"],
        "password": database["PASSWORD"],
        "host": database["HOST"],
        "port": database["PORT"],
    }
    options = {
        name: value
        for name, value in database.get("OPTIONS", {}).items()
        if name not in ("pool", "server_side_binding", "prepare_threshold")
    }
    return {**{name: value for name, value in address.items() if value}, **options}


known_changes = KnownChanges()


class RecordedOnce:
    """Mixed into a ModelAdmin: whatever one form of the admin changes (the row, then its
    relations) or deletes is recorded as one change when the request is done. Actions on many
    rows record each row's change as it commits: they do not hold every row at once."""

    def changeform_view(self, request, *args, **kwargs):
        with _batch_for(request):
            return super().changeform_view(request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        with _batch_for(request):
            return super().delete_view(request, *args, **kwargs)


def _batch_for(request):
    # Only a POST changes anything; reading the desk takes no transaction.
    return batch() if request.method == "POST" else nullcontext()
