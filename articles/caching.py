"""Whole reader pages, cached in the shared cache and invalidated the moment content changes.

Every cached page is stored under the site's *content generation*, a number kept in the shared
cache (Redis when ``REDIS_URL`` is set). Anything that changes what readers see (an article
saved, a section changed, the crawler policy changed) moves the generation on after its
transaction commits, so every app server stops serving the old pages at once. A scheduled
article needs no event: the generation also records when the next scheduled article comes due,
and pages cached before that moment are not served after it.

Each process reads the generation through Redis's client tracking (newsroom/cache.py): Redis
tells it the moment the generation changes, so while nothing changed it needs no round trip to
know the generation, and the pages it has served are answered from its own copies
(``PAGE_COPIES_MB``). A page it has no copy of is read from the shared cache.

A cached page is answered by :class:`CachedPagesApplication`, the WSGI application in front of
Django, when the request is a reader's plain GET; otherwise by :class:`PageCacheMiddleware`, which
also stores pages as they leave the site.

Within a generation, each app server also keeps what every page repeats (the section
navigation, the crawler policy) in its own memory (:func:`memoised`): the generation in the shared
cache says when that is out of date, so no server keeps showing an old one.

Only anonymous GET and HEAD requests for reader pages are cached. Editors (anyone with a session)
and previews (``Cache-Control: private``) never are, and the language is part of every reader URL,
so no reader gets a page cached for another language.
"""

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.http.cookie import parse_cookie
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"  # a counter, moved on atomically
SINCE_KEY = "pages:since"  # when the generation began: the pages' Last-Modified
UNTIL_KEY = "pages:until"  # when the next scheduled article comes due, if one does
PAGE_FORMAT = 4  # (generation, Last-Modified, content, headers)
PAGE_TIMEOUT = 60 * 60 * 24  # a day at most; a new generation makes them unreachable sooner
# Headers that belong to one response, never replayed from the cache.
UNKEPT_HEADERS = {"set-cookie", "x-page-cache"}
LOOKUP_ENVIRON_KEY = "newsroom.page_cache_lookup"


def _next_scheduled_time() -> datetime | None:
    from .models import Article

    return (
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )


class Generation(NamedTuple):
    number: int
    since: datetime  # when it began: the pages' Last-Modified


def _generation_in(stored: dict) -> Generation:
    """The generation pages are cached under now, from what was read of the shared cache."""
    until = stored.get(UNTIL_KEY)
    if GENERATION_KEY not in stored or (until is not None and timezone.now() >= until):
        return _start_generation()
    return Generation(stored[GENERATION_KEY], stored.get(SINCE_KEY) or timezone.now())


def _start_generation() -> Generation:
    now = timezone.now().replace(microsecond=0)
    # A counter that starts again (the shared cache emptied or restarted) starts above every
    # number it gave before, so nothing kept under an old generation can come back to life.
    cache.add(GENERATION_KEY, time.time_ns() // 1000, None)
    number = cache.incr(GENERATION_KEY)
    until = _next_scheduled_time()
    cache.set_many({SINCE_KEY: now, UNTIL_KEY: until}, None)
    forget = getattr(cache, "forget_tracked", None)
    if forget is not None:
        forget()  # this process reads the new generation at once, not when Redis's message comes
    return Generation(number, now)


def content_changed() -> None:
    """Call when something readers see changed; takes effect when the transaction commits, on
    every app server at once."""
    transaction.on_commit(_announce_change)


def _announce_change() -> None:
    try:
        _start_generation()
    except Exception:  # the change is saved; only the shared cache could not be told
        logger.exception(
            "The shared cache is unreachable: pages cached before this change may be served "
            "until the next one"
        )


_memo: dict = {}  # key → (generation, value), this process's own
MEMO_SIZE = 1000  # entries; emptied when full (keys are few: per language and section)


def memoised(request, key, compute):
    """``compute()``, kept in this process while the site's content generation is the one
    ``request`` is served under. Requests outside the page cache (editors, previews) always
    compute: they must see the database as it is."""
    generation = getattr(request, "content_generation", None)
    if generation is None:
        return compute()
    found = _memo.get(key)
    if found is not None and found[0] == generation:
        return found[1]
    value = compute()
    if len(_memo) >= MEMO_SIZE:
        _memo.clear()
    _memo[key] = (generation, value)
    return value


def sections(request) -> dict:
    """Every section by its slug, in navigation order, as kept for the request's content
    generation: the navigation, the front page and every section and article page use it."""
    from .models import Section

    return memoised(request, "sections", Section.by_slug)


def _page_key(meta) -> str:
    """The key of the page a request asks for, made of the request's own WSGI values (what
    Django builds the request's scheme, host and full path from), so the WSGI front and the
    middleware find the same page. The stored form's version is part of the key: a release that
    stores pages differently never reads what the one before it stored."""
    proxy_header = (settings.SECURE_PROXY_SSL_HEADER or ("",))[0]
    parts = [
        meta.get("wsgi.url_scheme", ""),
        meta.get(proxy_header, "") if proxy_header else "",
        meta.get("HTTP_X_FORWARDED_HOST", "") if settings.USE_X_FORWARDED_HOST else "",
        meta.get("HTTP_HOST", ""),
        meta.get("SERVER_NAME", ""),
        str(meta.get("SERVER_PORT", "")),
        meta.get("SCRIPT_NAME", ""),
        meta.get("PATH_INFO", ""),
        meta.get("QUERY_STRING", ""),
    ]
    digest = hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
    return f"page:{PAGE_FORMAT}:{digest}"


class Lookup(NamedTuple):
    """What the page cache holds for a request: the generation pages are cached under now, the
    page's key, and the page if one is stored (its Last-Modified time, content and headers)."""

    generation: Generation
    key: str
    page: tuple[int, bytes, dict] | None


def look_up(meta) -> Lookup:
    """The page cache's answer for a request, from its WSGI values. The generation comes from
    this process's tracked reading (no round trip while nothing changed, see newsroom/cache.py),
    the page from this process's copies, else from the shared cache (one round trip)."""
    generation = current_generation()
    key = _page_key(meta)
    page = _copies.get(key, generation.number)
    if page is None:
        page = cache.get(key)
        if page is None or page[0] != generation.number:
            return Lookup(generation, key, None)
        _copies.put(key, page)
    _generation, modified, content, headers = page
    return Lookup(generation, key, (modified, content, headers))


def _look_up_or_none(meta) -> Lookup | None:
    """:func:`look_up`, or ``None`` when the shared cache cannot be reached."""
    try:
        return look_up(meta)
    except Exception:
        logger.exception("Page cache lookup failed")
        return None


def current_generation() -> Generation:
    read = getattr(cache, "get_many_tracked", cache.get_many)
    return _generation_in(read([GENERATION_KEY, SINCE_KEY, UNTIL_KEY]))


class _PageCopies:
    """Pages of the current generation this process has served from the shared cache, kept in
    its own memory up to ``PAGE_COPIES_MB``, least recently used first out. A page is copied
    when it is asked for again, not when it is rendered: addresses asked for once (a query
    string of its own) never push out the ones readers keep asking for. Only a page of the
    generation asked for is ever returned; a new generation empties them."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pages: OrderedDict[str, tuple] = OrderedDict()
        self._generation = None
        self._size = 0

    def get(self, key: str, generation: int) -> tuple | None:
        with self._lock:
            if generation != self._generation:
                self._empty(generation)
                return None
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: str, page: tuple) -> None:
        size, limit = len(page[2]), settings.PAGE_COPIES_MB * 1024 * 1024
        with self._lock:
            if page[0] != self._generation:
                self._empty(page[0])
            if size > limit or key in self._pages:
                return
            while self._pages and self._size + size > limit:
                _key, oldest = self._pages.popitem(last=False)
                self._size -= len(oldest[2])
            self._pages[key] = page
            self._size += size

    def _empty(self, generation) -> None:
        self._pages.clear()
        self._generation, self._size = generation, 0


_copies = _PageCopies()


def _cacheable_request(meta) -> bool:
    """A reader's GET or HEAD of a reader page, from the request's WSGI values (a Django
    request's ``META``): what the page cache may answer and store."""
    return (
        meta.get("REQUEST_METHOD") in ("GET", "HEAD")
        and not meta.get("PATH_INFO", "").startswith(("/admin/", settings.STATIC_URL))
        and settings.SESSION_COOKIE_NAME not in parse_cookie(meta.get("HTTP_COOKIE", ""))
    )


def _cacheable_response(response) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in control
        and "no-store" not in control
        and "no-cache" not in control
    )


class PageCacheMiddleware:
    """Serve and store whole reader pages (see the module's docstring).

    It comes first in ``MIDDLEWARE``: a page is stored as it finally left the site, with every
    header the other middleware added, and a hit is answered before any other middleware runs.
    A request the WSGI front already looked up is not looked up again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request.META):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # A signed-in person's pages are theirs alone: no shared cache may keep them.
                patch_cache_control(response, private=True)
            return response
        if LOOKUP_ENVIRON_KEY in request.META:  # the WSGI front looked it up already
            found = request.META.pop(LOOKUP_ENVIRON_KEY)
        else:
            found = _look_up_or_none(request.META)
        if found is None:
            # The shared cache is unreachable: readers still get the page, rendered afresh
            # (nothing kept for a generation) and not stored.
            response = self.get_response(request)
            response["X-Page-Cache"] = "unavailable"
            return response
        if found.page is not None:
            modified, content, headers = found.page
            response = HttpResponse(content, headers=headers)
            response["X-Page-Cache"] = "hit"
            return _conditional(request, response, modified)
        # Read before rendering: a change while the page is rendered makes it a miss next time.
        generation = found.generation
        request.content_generation = generation.number
        response = self.get_response(request)
        if not _cacheable_response(response):
            return response
        modified = int(generation.since.timestamp())
        self._prepare(response, modified)
        headers = {
            name: value for name, value in response.items() if name.lower() not in UNKEPT_HEADERS
        }
        page = (generation.number, modified, response.content, headers)
        try:
            cache.set(found.key, page, PAGE_TIMEOUT)
        except Exception:
            logger.exception("Page cache store failed")
        response["X-Page-Cache"] = "miss"
        return _conditional(request, response, modified)

    @staticmethod
    def _prepare(response, modified: int) -> None:
        if not response.has_header("ETag"):
            set_response_etag(response)
        response["Last-Modified"] = http_date(modified)
        if "Cache-Control" not in response:
            patch_cache_control(
                response,
                public=True,
                max_age=settings.PAGE_MAX_AGE,
                s_maxage=settings.PAGE_SHARED_MAX_AGE,
                stale_while_revalidate=settings.PAGE_STALE_WHILE_REVALIDATE,
            )


def _conditional(request, response, modified: int):
    """``304 Not Modified`` when the reader already has this page."""
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=modified, response=response
    )


class CachedPagesApplication:
    """The WSGI application in front of Django: a reader's plain GET of a cached page is
    answered here, from the same entry and with the same headers as the middleware would give,
    without building a Django request. Everything else (signed-in people, conditional requests,
    misses) goes on to Django, where :class:`PageCacheMiddleware` does the rest."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        # Revalidations go on to Django, whose conditional-request handling answers them.
        revalidation = "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ
        if _cacheable_request(environ) and not revalidation:
            found = _look_up_or_none(environ)
            if found is not None and found.page is not None:
                _modified, content, headers = found.page
                start_response("200 OK", [*headers.items(), ("X-Page-Cache", "hit")])
                # HEAD: the headers alone (Content-Length still says what a GET would get).
                return [b"" if environ["REQUEST_METHOD"] == "HEAD" else content]
            environ[LOOKUP_ENVIRON_KEY] = found  # a miss or a failure: no second look
        return self.application(environ, start_response)
