"""Whole reader pages, cached in the shared cache and invalidated the moment content changes.

Every cached page is stored under the site's *content generation*, a number kept in the shared
cache (Redis when ``REDIS_URL`` is set). Anything that changes what readers see (an article
saved, a section changed, the crawler policy changed) moves the generation on after its
transaction commits, so every app server stops serving the old pages at once. A scheduled
article needs no event: the generation also records when the next scheduled article comes due,
and pages cached before that moment are not served after it.

Within a generation, each app server also keeps what every page repeats (the section
navigation, the crawler policy) in its own memory (:func:`memoised`): the generation in the shared
cache says when that is out of date, so no server keeps showing an old one.

Only anonymous GET and HEAD requests for reader pages are cached. Editors (anyone with a session)
and previews (``Cache-Control: private``) never are, and the language is part of every reader URL,
so no reader gets a page cached for another language.
"""

import hashlib
import time
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date

GENERATION_KEY = "pages:generation"  # a counter, moved on atomically
SINCE_KEY = "pages:since"  # when the generation began: the pages' Last-Modified
UNTIL_KEY = "pages:until"  # when the next scheduled article comes due, if one does
PAGE_FORMAT = 2  # (generation, Last-Modified, content, headers)
PAGE_TIMEOUT = 60 * 60 * 24  # a day at most; a new generation makes them unreachable sooner
# Headers that belong to one response, never replayed from the cache.
UNKEPT_HEADERS = {"set-cookie", "x-page-cache"}


def _next_scheduled_time() -> datetime | None:
    from .models import Article

    return (
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )


def current_generation() -> tuple[int, datetime]:
    """The generation pages are cached under now, and when it began."""
    return _generation_in(cache.get_many([GENERATION_KEY, SINCE_KEY, UNTIL_KEY]))


def _generation_in(stored: dict) -> tuple[int, datetime]:
    until = stored.get(UNTIL_KEY)
    if GENERATION_KEY not in stored or (until is not None and timezone.now() >= until):
        return _start_generation()
    return stored[GENERATION_KEY], stored.get(SINCE_KEY) or timezone.now()


def _start_generation() -> tuple[int, datetime]:
    now = timezone.now().replace(microsecond=0)
    # A counter that starts again (the shared cache emptied or restarted) starts above every
    # number it gave before, so nothing kept under an old generation can come back to life.
    cache.add(GENERATION_KEY, time.time_ns() // 1000, None)
    number = cache.incr(GENERATION_KEY)
    cache.set_many({SINCE_KEY: now, UNTIL_KEY: _next_scheduled_time()}, None)
    return number, now


def content_changed() -> None:
    """Call when something readers see changed; takes effect when the transaction commits, on
    every app server at once."""
    transaction.on_commit(_start_generation)


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


def _page_key(request) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    # The stored form's version is part of the key: a release that stores pages differently
    # never reads what the one before it stored.
    return f"page:{PAGE_FORMAT}:{hashlib.sha256(address.encode()).hexdigest()}"


def _cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(("/admin/", settings.STATIC_URL))
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
    header the other middleware added, and a hit is answered from one round trip to the shared
    cache (the generation and the page together) before any other middleware runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # A signed-in person's pages are theirs alone: no shared cache may keep them.
                patch_cache_control(response, private=True)
            return response
        key = _page_key(request)
        stored = cache.get_many([GENERATION_KEY, SINCE_KEY, UNTIL_KEY, key])
        generation, since = _generation_in(stored)
        request.content_generation = generation
        page = stored.get(key)
        if page is not None and page[0] == generation:
            _generation, modified, content, headers = page
            response = HttpResponse(content, headers=headers)
            response["X-Page-Cache"] = "hit"
            return _conditional(request, response, modified)
        response = self.get_response(request)
        if not _cacheable_response(response):
            return response
        modified = int(since.timestamp())
        self._prepare(response, modified)
        headers = {
            name: value for name, value in response.items() if name.lower() not in UNKEPT_HEADERS
        }
        cache.set(key, (generation, modified, response.content, headers), PAGE_TIMEOUT)
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
