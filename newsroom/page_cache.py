"""Whole reader pages, stored and served again only while nothing they show has changed.

A page is stored (newsroom/page_store.py: each process's own memory, and Redis when
``REDIS_URL`` is set) with its keys (its ``Surrogate-Key`` header: what it shows, see
newsroom/changes.py) and the number of the site's latest change when its render began. Before a
stored page is served, the record of changes is read (the database, or on PostgreSQL the
process's copy of it, which the database keeps current) for the last change to any of its keys;
if that came later, the page is rendered again.

Around that:

- Only anonymous GET and HEAD requests for reader pages are answered and stored, and only pages
  that name what they show; signed-in people's pages are marked private. Query parameters
  reader pages do not read (``READER_QUERY_PARAMETERS``) are dropped before the page is
  rendered, so ``?utm_source=…`` gets the same page and the same stored copy; spaces in the
  others are tidied (``?q=+ferry+`` is ``?q=ferry``). A page is stored only for the query it
  says it read, as its own links write it (``read_query``: ``?page=2``, none for a first page),
  so another spelling (``?page=002``, ``?page=3`` on an article) is answered but not stored.
- A response that varies (``Vary``) by language or by compression is stored once per language or
  compression it was made for; one that varies by anything else is not stored.
- When a page has to be rendered, one worker renders it while the others asking for it wait for
  that render (at most a second) instead of rendering it too. A page that lists articles (not
  one that shows an article, its text and its fingerprint) is served as it was meanwhile, for
  at most ``LISTS_LAG`` after the change.
- A page that lists articles says until when it holds (``Expires``: when the next scheduled
  article comes due); it is not served after that.
- ``PAGE_CACHE=off`` stores nothing (for measuring renders); everything else is the same.
"""

import time
from typing import NamedTuple

from django.conf import settings
from django.http import HttpResponse, QueryDict
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

from . import changes
from .page_store import StoredPage, page_address, store, variant_of

# While one worker renders a list again after a change, the others may serve it as it was
# before, for at most this many seconds after the change.
LISTS_LAG = 1.0
# Headers that belong to one response, never replayed from the store.
UNKEPT_HEADERS = {"set-cookie", "x-page-cache", "cache-control"}


class Render(NamedTuple):
    """What a render of a page began from (``request.page_render``)."""

    start: int
    site: int


class PageCacheMiddleware:
    """Serve and store whole reader pages (see the module's docstring).

    It comes first in ``MIDDLEWARE``: a page is stored as it finally left the site, with every
    header the other middleware added, and a stored page is served before any of them runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_reader_request(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # A signed-in person's pages are theirs alone: no shared cache may keep them.
                patch_cache_control(response, private=True)
            return response
        keep_reader_parameters(request)
        address = page_address(request)
        entry = store.get(address) if settings.PAGE_CACHE else None
        page = entry and entry.copy_for(request)
        reading = changes.read(page.keys if page else ())
        if page is not None and is_current(page, reading):
            return serve(request, page, "hit")
        if page is not None and page.start < reading.since:
            # Stored before this process began keeping its copy of the record (a restart, a
            # new server): the database decides, once.
            page = proven_current(request, address, entry, page, reading)
            if page is not None:
                return serve(request, page, "hit")
        request.page_render = Render(reading.number, reading.site)
        if not settings.PAGE_CACHE:
            return self.render(request, address, reading, state="off")
        if not store.claim(address):
            # Another worker is rendering this page: a list may be served as it was, for a
            # moment; anything else waits for that render.
            if page is not None and page.lists and changed_lately(reading.last_change):
                return serve(request, page, "previous")
            page = store.wait_for(address, request, reading.number)
            if page is not None and shows_every_known_change(page):
                return serve(request, page, "hit")
            return self.render(request, address, reading)
        try:
            # Another worker may have stored it between the look above and the claim.
            page = store.rendered_since(address, request, reading.number)
            if page is not None and shows_every_known_change(page):
                return serve(request, page, "hit")
            return self.render(request, address, reading)
        finally:
            store.release(address)

    def render(self, request, address: str, reading: changes.Reading, state="miss"):
        response = self.get_response(request)
        vary = tuple(
            header.strip().lower()
            for header in response.get("Vary", "").split(",")
            if header.strip()
        )
        variant = variant_of(request, vary)
        # A page that names nothing it shows could never be known to have changed.
        named = response.get("Surrogate-Key", "").split()
        if not named or not is_storable(response) or variant is None:
            return response
        if request.META.get("QUERY_STRING", "") != getattr(response, "query_read", ""):
            return response  # another spelling (?page=002, ?page=3 on an article): not stored
        keys = tuple(dict.fromkeys([changes.SITE, *named]))
        response["Surrogate-Key"] = " ".join(keys)
        if not response.has_header("ETag"):
            set_response_etag(response)
        page = StoredPage(
            start=reading.number,
            expires=parse_http_date_safe(response.get("Expires", "")),
            keys=keys,
            lists=getattr(response, "lists_articles", False),
            cache_control=response.get("Cache-Control"),
            headers={
                name: value
                for name, value in response.items()
                if name.lower() not in UNKEPT_HEADERS
            },
            content=response.content,
        )
        if changes.read(keys).last_change > reading.number:
            # Something it shows changed while it was rendered: this reader may have it (they
            # asked before the change), nobody else.
            patch_cache_control(response, private=True, no_cache=True)
            response["X-Page-Cache"] = state
            return response
        if state == "miss":
            store.put(address, page, vary, variant)
        return serve(request, page, state, response=response)


def is_reader_request(request) -> bool:
    """A reader's GET or HEAD of a reader page: what the page cache may answer and store."""
    return (
        request.method in ("GET", "HEAD")
        and not request.path_info.startswith(("/admin/", settings.STATIC_URL))
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def keep_reader_parameters(request) -> None:
    """Drop the query parameters no reader page reads (``?utm_source=…``, ``?fbclid=…``): the
    page is rendered and stored as if they were not there. A redirect may pass them on
    (``request.query_as_sent``)."""
    request.query_as_sent = request.META.get("QUERY_STRING", "")
    if not request.query_as_sent:
        return
    kept = QueryDict(mutable=True)
    for name in sorted(request.GET):
        # Words and numbers: runs of spaces are one, and ?q= or ?q=+ asks for nothing.
        values = [" ".join(value.split()) for value in request.GET.getlist(name)]
        values = [value for value in values if value]
        if name in settings.READER_QUERY_PARAMETERS and values:
            kept.setlist(name, values)
    request.META["QUERY_STRING"] = kept.urlencode()
    request.GET = QueryDict(request.META["QUERY_STRING"])


def is_current(page: StoredPage, reading: changes.Reading) -> bool:
    """Nothing the page shows changed since its render began, and it has not expired. A page
    begun after the latest change this reading knows of is not trusted either: the record went
    back (a restored database) or this process has not heard of a change yet."""
    return reading.last_change <= page.start <= reading.number and not page.has_expired()


def shows_every_known_change(page: StoredPage) -> bool:
    """No change this process knows of to what ``page`` shows came after its render began. A
    copy another worker stored began after the latest change this process has heard of; on
    PostgreSQL, a change this process made itself is known before its notification comes back,
    and a copy rendered before it must not be served here meanwhile."""
    return changes.read(page.keys).last_change <= page.start


def proven_current(request, address, entry, page, reading) -> StoredPage | None:
    """``page`` if the database says nothing it shows changed since its render began, stored
    again as current up to the latest change ``reading`` knows of (no change to its keys came
    in between, so it is); else ``None``."""
    if not is_current(page, changes.read_database(page.keys)):
        return None
    page = page._replace(start=reading.number)
    entry.copies[variant_of(request, entry.vary)] = page
    store.keep(address, entry)
    return page


def changed_lately(number: int) -> bool:
    """The change numbered ``number`` was made less than ``LISTS_LAG`` ago. (A change's number
    is at least the time it was made, in microseconds: newsroom/changes.py.)"""
    return time.time() - number / 1_000_000 <= LISTS_LAG


def is_storable(response) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in control
        and "no-store" not in control
        and "no-cache" not in control
    )


def serve(request, page: StoredPage, state: str, response=None):
    """``page`` as the answer to ``request`` (``response`` if it was just rendered), with how
    long caches may keep it, or ``304 Not Modified`` when the reader has it already."""
    if response is None:
        response = HttpResponse(page.content, headers=page.headers)
    if page.cache_control:
        response["Cache-Control"] = page.cache_control
    else:
        shared, browser = settings.PAGE_SHARED_MAX_AGE, settings.PAGE_MAX_AGE
        if page.expires is not None:
            left = max(0, int(page.expires - time.time()))
            shared, browser = min(shared, left), min(browser, left)
        patch_cache_control(response, public=True, max_age=browser, s_maxage=shared)
    response["X-Page-Cache"] = state
    if not any(header in request.META for header in CONDITIONAL_HEADERS):
        return response  # (most requests: nothing to compare, nor a date to read)
    return get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
        response=response,
    )


# What makes a request conditional (RFC 9110, section 13.1), as Django reads them.
CONDITIONAL_HEADERS = (
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)


_kept: dict = {}  # key → (the change it holds until, value), this process's own
KEPT_ENTRIES = 1000  # emptied when full (keys are few: per language and section)


def memoised(request, key, compute, *, until_any_change=False, holds=None):
    """``compute()``, kept in this process until what every page shows changes (the ``site``
    key), or until anything changes (``until_any_change``), and while ``holds(value)`` if
    given. Requests outside the page cache (editors, previews) always compute: they must see
    the database as it is."""
    render = getattr(request, "page_render", None)
    if render is None:
        return compute()
    since = render.start if until_any_change else render.site
    found = _kept.get(key)
    if found is not None and found[0] == since and (holds is None or holds(found[1])):
        return found[1]
    value = compute()
    if len(_kept) >= KEPT_ENTRIES:
        _kept.clear()
    _kept[key] = (since, value)
    return value


def forget_kept() -> None:
    """Forget what :func:`memoised` keeps (the test suite starts each test so)."""
    _kept.clear()


def show_keys(response, *keys: str) -> None:
    """Name what a page shows, in the ``Surrogate-Key`` header the page cache and CDNs read."""
    response["Surrogate-Key"] = " ".join(keys)


def read_query(response, **parameters) -> None:
    """Say which query parameters the page read, as its own links write them (``page=2``; ``None``
    for one at its default, such as the first page). The page is stored only for a request that
    sent exactly those: every other spelling is answered, never given a stored copy of its own."""
    query = QueryDict(mutable=True)
    for name in sorted(parameters):
        if parameters[name] is not None:
            query[name] = str(parameters[name])
    response.query_read = query.urlencode()


def holds_until(response, moment) -> None:
    """Say when a page stops being true by itself (a scheduled article comes due)."""
    if moment is not None:
        response["Expires"] = http_date(moment.timestamp())


def lists(response) -> None:
    """Mark a page that lists articles (titles, summaries, dates) rather than showing one with
    its text and fingerprint: while a worker renders it again after a change, the others may
    serve it as it was, for at most ``LISTS_LAG`` after the change."""
    response.lists_articles = True
