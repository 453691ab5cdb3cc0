"""Where the page cache keeps pages: each process's own memory (``caches["pages"]``, bounded by
``PAGE_CACHE_MB``) and, when ``REDIS_URL`` is set, Redis, shared by every app server. Both are
only stores: whether a page may be served is decided by the record of changes
(newsroom/changes.py), whichever copy it is.

A page is stored under its address (scheme, host, path and the query parameters pages read),
prefixed by the release's fingerprint: pages stored by other code, templates, translations or
settings are never served. Under an address the store keeps one copy per language or compression
the response said it varies by (``Vary``).
"""

import functools
import hashlib
import logging
import re
import sys
import time
from pathlib import Path
from typing import NamedTuple

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.utils import translation

from .backoff import Backoff
from .memory_cache import MemoryCache

logger = logging.getLogger(__name__)

PAGE_TIMEOUT = 60 * 60 * 24  # seconds a stored page is kept at most
RENDER_WAIT = 1.0  # seconds a request waits for another worker's render of the same page
RENDER_CLAIM = 10  # seconds a render claims its page: a worker that dies frees it then
POLL = 0.005  # seconds between looks while waiting
_GZIP = re.compile(r"\bgzip\b")


class StoredPage(NamedTuple):
    start: int  # the latest change when its render began
    expires: float | None  # when it stops being true by itself (a scheduled article is due)
    keys: tuple[str, ...]  # what it shows
    lists: bool  # a list of articles: see page_cache.lists()
    cache_control: str | None  # the view's own, if it set one
    headers: dict
    content: bytes

    def has_expired(self) -> bool:
        return self.expires is not None and time.time() >= self.expires


class Entry(NamedTuple):
    """What is stored under a page's address: its copies, one for each language or compression
    the response said it varies by."""

    vary: tuple[str, ...]
    copies: dict[tuple, StoredPage]

    def copy_for(self, request) -> StoredPage | None:
        variant = variant_of(request, self.vary)
        return None if variant is None else self.copies.get(variant)


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


def page_address(request) -> str:
    """The key a page is stored under (see the module's docstring)."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()
    return f"page:{release()}:{digest}"


@functools.cache
def release() -> str:
    """A fingerprint of what shapes a page besides the content: the project's own code,
    templates and translations, its pinned dependencies, the collected static files' names and
    the settings pages show. Worked out once, when the app is loaded (NewsroomConfig.ready):
    with gunicorn's preload, before the workers start, from the files they run."""
    digest = hashlib.sha256()
    shown = [
        settings.SITE_NAME,
        settings.SITE_NAME_ZH_HANS,
        settings.TIME_ZONE,
        [code for code, _name in settings.LANGUAGES],
    ]
    digest.update(repr(shown).encode())
    base = Path(settings.BASE_DIR)
    roots = [Path(config.path) for config in apps.get_app_configs()]
    roots = [
        root
        for root in roots
        if root.is_relative_to(base) and not root.is_relative_to(Path(sys.prefix))
    ]
    roots += [Path(folder) for template in settings.TEMPLATES for folder in template["DIRS"]]
    roots += [Path(folder) for folder in settings.LOCALE_PATHS]
    files = {path for root in roots for path in root.rglob("*") if path.suffix in SHAPING_FILES}
    files |= {base / "requirements.lock", Path(settings.STATIC_ROOT) / "staticfiles.json"}
    for path in sorted(files):
        if path.is_file():
            digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


SHAPING_FILES = {".py", ".html", ".xml", ".txt", ".mo"}


class Store:
    """The pages kept in this process and in Redis (see the module's docstring). A page found
    in Redis is kept in the process too.

    After Redis fails it is left alone for a while (a second, doubling up to half a minute:
    newsroom/backoff.py) rather than costing every request a timeout, and the failure is
    logged once, not per request; the pages the process keeps are still served meanwhile.
    """

    def __init__(self):
        self.backoff = Backoff()

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

    def forget_failure(self) -> None:
        """Try Redis again on the next request (the test suite starts each test so)."""
        self.backoff.worked()

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

    def keep(self, address: str, entry: Entry) -> None:
        """Store ``entry`` as it is (a copy found current again)."""
        self.local.set(address, entry, PAGE_TIMEOUT)
        if self.is_shared:
            self._call(self.shared.set, address, entry, PAGE_TIMEOUT)

    def claim(self, address: str) -> bool:
        """Claim the render of a page; False when another worker claimed it already."""
        return self._call(
            self.shared.add, f"{address}:rendering", time.time(), RENDER_CLAIM, default=True
        )

    def release(self, address: str) -> None:
        self._call(self.shared.delete, f"{address}:rendering")

    def wait_for(self, address: str, request, start: int) -> StoredPage | None:
        """The page another worker is rendering, once stored, if its render began no earlier
        than ``start`` (so it shows every change committed before this request asked).
        ``None`` when that render ends without storing it, or takes longer than
        ``RENDER_WAIT``."""
        claim = f"{address}:rendering"
        deadline = time.monotonic() + RENDER_WAIT
        while time.monotonic() < deadline:
            time.sleep(POLL)
            found = self._call(self.shared.get_many, [address, claim], default={})
            page = rendered_since(found.get(address), request, start)
            if page is not None:
                self.local.set(address, found[address], PAGE_TIMEOUT)
                return page
            if claim not in found:
                return None
        return None

    def rendered_since(self, address: str, request, start: int) -> StoredPage | None:
        """The page stored at ``address``, if its render began no earlier than ``start``."""
        return rendered_since(self._call(self.shared.get, address), request, start)

    def _call(self, operation, *args, default=None):
        if not self.backoff.is_ready():
            return default
        try:
            result = operation(*args)
        except Exception as error:  # whatever the backend raises when it cannot be reached
            self._failed(error)
            return default
        if self.backoff.worked():
            logger.warning("The page cache answers again.")
        return result

    def _failed(self, error: Exception) -> None:
        if self.backoff.failed():
            logger.error(
                "The page cache cannot be reached (%s: %s): pages are rendered without it, and "
                "it is tried again in %.0f s, then less and less often.",
                type(error).__name__,
                error,
                self.backoff.wait,
            )


def rendered_since(entry: Entry | None, request, start: int) -> StoredPage | None:
    page = entry and entry.copy_for(request)
    if page is not None and page.start >= start and not page.has_expired():
        return page
    return None


store = Store()
