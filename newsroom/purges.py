"""Purges of the CDN or proxy cache in front of the app servers, by key.

Pages carry their keys in the ``Surrogate-Key`` header; after a change commits, each address in
``PURGE_URLS`` gets a ``PURGE`` request whose ``xkey`` header names the keys it touched, which
Varnish's xkey module (deploy/varnish.vcl) turns into the removal of exactly those pages.

The purge is sent at once, before the editor's request returns, and again a second later: a page
whose render began before the change and reached the cache just after the first purge is
removed by the second (the page cache also keeps a shared cache from storing a page whose keys
changed while it was rendered). A purge that fails is tried again in the background, less and
less often, for a few minutes, and logged: until it gets through, the cache there may keep those
pages as long as ``PAGE_SHARED_MAX_AGE`` allows.
"""

import logging
import threading
import time
import urllib.request

from django.conf import settings

logger = logging.getLogger(__name__)

AGAIN_AFTER = 1.0  # seconds before the second purge
TIMEOUT = 0.5  # seconds a purge may take
RETRIES = 8  # tries after a failure, 1, 2, 4 … 128 seconds apart
HEADER_LENGTH = 4000  # characters of keys in one purge request


def purge(keys: list[str]) -> None:
    """Purge the pages carrying any of ``keys`` from every cache in ``PURGE_URLS``."""
    if not settings.PURGE_URLS or not keys:
        return
    requests = [(url, names) for url in settings.PURGE_URLS for names in _in_headers(keys)]
    for request in requests:
        _send(*request)
    # Not a daemon: a command that changed something waits the second before it exits.
    threading.Thread(target=_again, args=(requests,), name="purge").start()


def _again(requests: list) -> None:
    time.sleep(AGAIN_AFTER)
    failed = [request for request in requests if not _send(*request)]
    if failed:
        threading.Thread(target=_retry, args=(failed,), name="purge-retry", daemon=True).start()


def _retry(failed: list) -> None:
    for attempt in range(RETRIES):
        time.sleep(2**attempt)
        failed = [request for request in failed if not _send(*request)]
        if not failed:
            return
    for url, names in failed:
        logger.error("Gave up purging %s at %s: the cache there keeps those pages until they "
                     "expire (PAGE_SHARED_MAX_AGE)", names, url)  # fmt: skip


def _send(url: str, names: str) -> bool:
    request = urllib.request.Request(url, method="PURGE", headers={"xkey": names})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            response.read()
        return True
    except Exception as error:  # an unreachable cache, a refusal, a bad address
        logger.warning("Purge of %s at %s failed (%s); trying again", names, url, error)
        return False


def _in_headers(keys: list[str]) -> list[str]:
    """The keys as header values of at most HEADER_LENGTH characters (an import can touch
    thousands of articles; caches refuse very long headers)."""
    values, current = [], ""
    for key in keys:
        if current and len(current) + 1 + len(key) > HEADER_LENGTH:
            values.append(current)
            current = ""
        current = f"{current} {key}" if current else key
    return [*values, current] if current else values
