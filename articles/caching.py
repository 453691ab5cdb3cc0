"""Whole reader pages, cached in the shared cache and invalidated the moment content changes.

Every cached page is stored under the site's *content generation*, a number kept in the shared
cache (Redis when ``REDIS_URL`` is set). Anything that changes what readers see (an article
saved, a section changed, the crawler policy changed) moves the generation on after its
transaction commits, so every app server stops serving the old pages at once. A scheduled
article needs no event: the generation also records when the next scheduled article comes due,
and pages cached before that moment are not served after it.

Only anonymous GET and HEAD requests for reader pages are cached. Editors (anyone with a session)
and previews (``Cache-Control: private``) never are, and the language is part of every reader URL,
so no reader gets a page cached for another language.
"""

import hashlib
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

GENERATION_KEY = "pages:generation"  # a counter, moved on atomically
SINCE_KEY = "pages:since"  # when the generation began: the pages' Last-Modified
UNTIL_KEY = "pages:until"  # when the next scheduled article comes due, if one does
PAGE_TIMEOUT = 60 * 60 * 24  # a day at most; a new generation makes them unreachable sooner
# Headers worth keeping with a cached page.
KEPT_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Vary",
    "Surrogate-Key",
    "Cache-Control",
    "ETag",
    "Last-Modified",
    "tdm-reservation",
    "tdm-policy",
    "X-Robots-Tag",
)


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
    stored = cache.get_many([GENERATION_KEY, SINCE_KEY, UNTIL_KEY])
    until = stored.get(UNTIL_KEY)
    if GENERATION_KEY not in stored or (until is not None and timezone.now() >= until):
        return _start_generation()
    return stored[GENERATION_KEY], stored.get(SINCE_KEY) or timezone.now()


def _start_generation() -> tuple[int, datetime]:
    now = timezone.now().replace(microsecond=0)
    cache.add(GENERATION_KEY, 0, None)
    number = cache.incr(GENERATION_KEY)
    cache.set_many({SINCE_KEY: now, UNTIL_KEY: _next_scheduled_time()}, None)
    return number, now


def content_changed() -> None:
    """Call when something readers see changed; takes effect when the transaction commits, on
    every app server at once."""
    transaction.on_commit(_start_generation)


def _page_key(request, generation: int) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"page:{generation}:{digest}"


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
    """Serve and store whole reader pages (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # A signed-in person's pages are theirs alone: no shared cache may keep them.
                patch_cache_control(response, private=True)
            return response
        generation, since = current_generation()
        key = _page_key(request, generation)
        stored = cache.get(key)
        if stored is not None:
            response = HttpResponse(stored["content"], status=200)
            for name, value in stored["headers"].items():
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _cacheable_response(response):
            self._prepare(response, since)
            headers = {name: response[name] for name in KEPT_HEADERS if name in response}
            cache.set(key, {"content": response.content, "headers": headers}, PAGE_TIMEOUT)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _prepare(response, since) -> None:
        response["ETag"] = f'"{hashlib.sha1(response.content).hexdigest()}"'
        response["Last-Modified"] = http_date(since.timestamp())
        if "Cache-Control" not in response:
            patch_cache_control(
                response,
                public=True,
                max_age=settings.PAGE_MAX_AGE,
                s_maxage=settings.PAGE_SHARED_MAX_AGE,
                stale_while_revalidate=settings.PAGE_STALE_WHILE_REVALIDATE,
            )
