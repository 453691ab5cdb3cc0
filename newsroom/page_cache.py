"""Whole reader pages, stored and served again only while nothing they show has changed.

A page is stored (in Redis when ``REDIS_URL`` is set, shared by every app server, and in each
process's own memory) with its keys (its ``Surrogate-Key`` header: what it shows, see
newsroom/changes.py) and the number of the site's latest change when its render began. Before a
stored page is served, the record of changes is read (newsroom/changes.py: the database, or on
PostgreSQL the process's copy of it, which the database keeps current) for the last change to
any of its keys; if that came later, the page is rendered again. Every change is recorded in the
database in its own transaction, so a change committed by anyone reaches every worker of every
server, whichever copy of a page it holds and whoever made the change.

Around that:

- Only anonymous GET and HEAD requests for reader pages are answered and stored, and only pages
  that name what they show; signed-in people's pages are marked private. Query parameters
  reader pages do not read (``READER_QUERY_PARAMETERS``) are dropped before the page is
  rendered, so ``?utm_source=…`` gets the same page and the same stored copy.
- A response that varies (``Vary``) by language or by compression is stored once per language or
  compression it was made for; one that varies by anything else is not stored.
- When a page has to be rendered, one worker renders it while the others asking for it wait for
  that render (at most ``RENDER_WAIT``) instead of rendering it too.
- A page that lists articles says until when it holds (``Expires``: when the next scheduled
  article comes due); it is not served after that.
- Each process keeps the pages it serves in its own memory too (``PAGE_CACHE_MB``), so most
  are served without asking Redis. If Redis cannot be reached, the processes go on with the
  pages they keep and render the others; Redis is left alone for a while (one second, doubling
  up to half a minute) and the failure is logged once.
- ``PAGE_CACHE=off`` stores nothing (for measuring renders); everything else is the same.
"""

import functools
import hashlib
import logging
import re
import time
from pathlib import Path
from typing import NamedTuple

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpResponse, QueryDict
from django.utils import translation
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe

from . import changes
from .memory_cache import MemoryCache

logger = logging.getLogger(__name__)

PAGE_TIMEOUT = 60 * 60 * 24  # seconds a stored page is kept at most
RENDER_WAIT = 1.0  # seconds a request waits for another worker's render of the same page
RENDER_CLAIM = 10  # seconds a render claims its page: a worker that dies frees it then
POLL = 0.005  # seconds between looks while waiting
# Headers that belong to one response, never replayed from the store.
UNKEPT_HEADERS = {"set-cookie", "x-page-cache", "cache-control"}
_GZIP = re.compile(r"\bgzip\b")


class StoredPage(NamedTuple):
    start: int  # the latest change when its render began
    rendered_at: int  # when it was rendered (its Last-Modified)
    expires: float | None  # when it stops being true by itself (a scheduled article is due)
    keys: tuple[str, ...]
    cache_control: str | None  # the view's own, if it set one
    headers: dict
    content: bytes


class Entry(NamedTuple):
    """What is stored under a page's address: its copies, one for each language or compression
    the response said it varies by."""

    vary: tuple[str, ...]
    copies: dict[tuple, StoredPage]


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
        page = entry and copy_for(request, entry)
        reading = changes.read(page.keys if page else ())
        if page is not None and is_current(page, reading.latest):
            return serve(request, page, "hit")
        request.page_render = Render(reading.number, reading.site)
        if not settings.PAGE_CACHE:
            return self.render(request, address, reading, state="off")
        if not store.claim(address):
            # Another worker is rendering this page: wait for its copy.
            page = store.wait_for(address, request, reading.number)
            if page is not None:
                return serve(request, page, "hit")
            return self.render(request, address, reading)
        try:
            # Another worker may have stored it between the look above and the claim.
            page = store.rendered_since(address, request, reading.number)
            if page is not None:
                return serve(request, page, "hit")
            return self.render(request, address, reading)
        finally:
            store.release(address)

    def render(self, request, address: str, reading: changes.Reading, state="miss"):
        response = self.get_response(request)
        vary = vary_headers(response)
        variant = variant_of(request, vary)
        # A page that names nothing it shows could never be known to have changed.
        named = response.get("Surrogate-Key", "").split()
        if not named or not is_storable(response) or variant is None:
            return response
        keys = tuple(dict.fromkeys([changes.SITE, *named]))
        response["Surrogate-Key"] = " ".join(keys)
        if not response.has_header("ETag"):
            set_response_etag(response)
        rendered_at = int(time.time())
        response["Last-Modified"] = http_date(rendered_at)
        expires = parse_http_date_safe(response.get("Expires", ""))
        page = StoredPage(
            start=reading.number,
            rendered_at=rendered_at,
            expires=expires,
            keys=keys,
            cache_control=response.get("Cache-Control"),
            headers={
                name: value
                for name, value in response.items()
                if name.lower() not in UNKEPT_HEADERS
            },
            content=response.content,
        )
        if changes.read(keys).latest > reading.number:
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
        if name in settings.READER_QUERY_PARAMETERS:
            kept.setlist(name, request.GET.getlist(name))
    request.META["QUERY_STRING"] = kept.urlencode()
    request.GET = QueryDict(request.META["QUERY_STRING"])


def page_address(request) -> str:
    """The key a page is stored under: its absolute address, under the release's fingerprint
    (pages stored by other templates, code or settings are never served)."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()
    return f"page:{release()}:{digest}"


@functools.cache
def release() -> str:
    """A fingerprint of what shapes a page besides the content: the project's code, templates
    and translations, the collected static files' names and the settings pages show."""
    digest = hashlib.sha256()
    shown = [settings.SITE_NAME, settings.TIME_ZONE, [code for code, _name in settings.LANGUAGES]]
    digest.update(repr(shown).encode())
    base = Path(settings.BASE_DIR)
    roots = [Path(config.path) for config in apps.get_app_configs()]
    roots = [root for root in roots if root.is_relative_to(base)]
    roots += [Path(folder) for template in settings.TEMPLATES for folder in template["DIRS"]]
    roots += [Path(folder) for folder in settings.LOCALE_PATHS]
    files = {path for root in roots for path in root.rglob("*") if path.suffix in SHAPING_FILES}
    files.add(Path(settings.STATIC_ROOT) / "staticfiles.json")
    for path in sorted(files):
        if path.is_file():
            digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


SHAPING_FILES = {".py", ".html", ".xml", ".txt", ".mo", ".json"}


def copy_for(request, entry: Entry) -> StoredPage | None:
    variant = variant_of(request, entry.vary)
    return None if variant is None else entry.copies.get(variant)


def vary_headers(response) -> tuple[str, ...]:
    return tuple(
        header.strip().lower() for header in response.get("Vary", "").split(",") if header.strip()
    )


def variant_of(request, vary: tuple[str, ...]) -> tuple | None:
    """What the request asks for of the headers a page varies by, as the page was made for it:
    the language the site chose from ``Accept-Language``, whether it takes gzip. ``None`` for a
    page that varies by something else (a cookie, the browser): such pages are not stored."""
    values = []
    for header in vary:
        if header == "accept-language":
            values.append(translation.get_language_from_request(request))
        elif header == "accept-encoding":
            accepted = request.META.get("HTTP_ACCEPT_ENCODING", "")
            values.append("gzip" if _GZIP.search(accepted) else "")
        else:
            return None
    return tuple(values)


def is_current(page: StoredPage, latest_change: int) -> bool:
    """Nothing the page shows changed since its render began, and it has not expired."""
    return latest_change <= page.start and (page.expires is None or time.time() < page.expires)


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
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=page.rendered_at, response=response
    )


_memo: dict = {}  # key → (the site's last change, value), this process's own
MEMO_SIZE = 1000  # entries; emptied when full (keys are few: per language and section)


def memoised(request, key, compute, *, until_any_change=False, holds=None):
    """``compute()``, kept in this process until what every page shows changes (the ``site``
    key), or until anything changes (``until_any_change``), and while ``holds(value)`` if
    given. Requests outside the page cache (editors, previews) always compute: they must see
    the database as it is."""
    render = getattr(request, "page_render", None)
    if render is None:
        return compute()
    since = render.start if until_any_change else render.site
    found = _memo.get(key)
    if found is not None and found[0] == since and (holds is None or holds(found[1])):
        return found[1]
    value = compute()
    if len(_memo) >= MEMO_SIZE:
        _memo.clear()
    _memo[key] = (since, value)
    return value


def show_keys(response, *keys: str) -> None:
    """Name what a page shows, in the ``Surrogate-Key`` header the page cache and CDNs read."""
    response["Surrogate-Key"] = " ".join(keys)


def holds_until(response, moment) -> None:
    """Say when a page stops being true by itself (a scheduled article comes due)."""
    if moment is not None:
        response["Expires"] = http_date(moment.timestamp())


class Store:
    """Where pages are kept: this process's own memory (``caches["pages"]``, bounded by
    ``PAGE_CACHE_MB``), and Redis shared by every app server when ``REDIS_URL`` is set. A page
    found in Redis is kept in the process too. Both are only stores: whether a page may be
    served is decided by the record of changes, whichever copy it is.

    After Redis fails it is left alone for a while (``BACKOFF``, doubling up to
    ``BACKOFF_MAX``) rather than costing every request a timeout, and the failure is logged
    once, not per request; the pages the process keeps are still served meanwhile.
    """

    BACKOFF, BACKOFF_MAX = 1.0, 30.0

    def __init__(self):
        self.down_until = 0.0
        self.backoff = 0.0

    @property
    def local(self):
        return caches["pages"]

    @property
    def shared(self):
        """Redis, or (without it) the process's own memory again: then every claim and wait
        is within the process."""
        return cache

    @property
    def is_shared(self) -> bool:
        return not isinstance(self.shared, MemoryCache)

    def is_available(self) -> bool:
        return time.time() >= self.down_until

    def get(self, address: str) -> Entry | None:
        entry = self.local.get(address)
        if entry is None and self.is_shared:
            entry = self._call(self.shared.get, address)
            if entry is not None:
                self.local.set(address, entry, PAGE_TIMEOUT)
        return entry

    def put(self, address: str, page: StoredPage, vary: tuple[str, ...], variant: tuple) -> None:
        entry = None
        if vary:  # keep the other variants stored there
            found = self.get(address)
            if found is not None and found.vary == vary:
                entry = found
        entry = entry or Entry(vary, {})
        entry.copies[variant] = page
        self.local.set(address, entry, PAGE_TIMEOUT)
        if self.is_shared:
            self._call(self.shared.set, address, entry, PAGE_TIMEOUT)

    def claim(self, address: str) -> bool:
        """Claim the render of a page; False when another worker claimed it already."""
        return self._call(self.shared.add, f"{address}:rendering", 1, RENDER_CLAIM, default=True)

    def release(self, address: str) -> None:
        self._call(self.shared.delete, f"{address}:rendering")

    def wait_for(self, address: str, request, start: int) -> StoredPage | None:
        """The page another worker is rendering, once stored, if it began no earlier than
        ``start`` (so it shows every change committed before this request asked). ``None``
        when that render ends without storing it, or takes longer than ``RENDER_WAIT``."""
        claim = f"{address}:rendering"
        deadline = time.monotonic() + RENDER_WAIT
        while time.monotonic() < deadline:
            time.sleep(POLL)
            found = self._call(self.shared.get_many, [address, claim], default={})
            page = _rendered_since(found.get(address), request, start)
            if page is not None:
                self.local.set(address, found[address], PAGE_TIMEOUT)
                return page
            if claim not in found:
                return None
        return None

    def rendered_since(self, address: str, request, start: int) -> StoredPage | None:
        """The page stored at ``address``, if its render began no earlier than ``start``."""
        return _rendered_since(self._call(self.shared.get, address), request, start)

    def _call(self, operation, *args, default=None):
        if not self.is_available():
            return default
        try:
            result = operation(*args)
        except Exception as error:  # whatever the backend raises when it cannot be reached
            self._failed(error)
            return default
        if self.backoff:
            logger.warning("The page cache answers again.")
            self.backoff = 0.0
        return result

    def _failed(self, error: Exception) -> None:
        first = not self.backoff
        self.backoff = min(self.BACKOFF_MAX, self.backoff * 2 or self.BACKOFF)
        self.down_until = time.time() + self.backoff
        if first:
            logger.error(
                "The page cache cannot be reached (%s: %s): pages are rendered without it, and "
                "it is tried again in %.0f s, then less and less often.",
                type(error).__name__,
                error,
                self.backoff,
            )


def _rendered_since(entry: Entry | None, request, start: int) -> StoredPage | None:
    page = entry and copy_for(request, entry)
    if page is not None and page.start >= start and is_current(page, 0):
        return page
    return None


store = Store()
