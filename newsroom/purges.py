"""Purges of the CDN or proxy cache in front of the app servers, by key.

Pages carry their keys in the ``Surrogate-Key`` header; after a change commits, each address in
``PURGE_URLS`` gets a ``PURGE`` request whose ``xkey`` header names the keys it touched, which
Varnish's xkey module (deploy/varnish.vcl) turns into the removal of exactly those pages.

The purge is sent twice: at once, and again a second later. A page whose render began before
the change and reached the cache just after the first purge is removed by the second; the page
cache also refuses to let a shared cache keep a page whose keys changed while it was rendered.
"""

import logging
import threading
import urllib.request

from django.conf import settings

logger = logging.getLogger(__name__)

AGAIN_AFTER = 1.0  # seconds before the second purge
TIMEOUT = 2.0  # seconds a purge may take
HEADER_LENGTH = 4000  # characters of keys in one purge request


def purge(keys: list[str]) -> None:
    """Purge the pages carrying any of ``keys`` from every cache in ``PURGE_URLS``."""
    if not settings.PURGE_URLS or not keys:
        return
    send(keys)
    # Not a daemon: a command that changed something waits the second before it exits.
    threading.Timer(AGAIN_AFTER, send, args=(keys,)).start()


def send(keys: list[str]) -> None:
    for url in settings.PURGE_URLS:
        for names in _in_headers(keys):
            request = urllib.request.Request(url, method="PURGE", headers={"xkey": names})
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                    response.read()
            except OSError as error:
                logger.warning(
                    "Purge of %s at %s failed (%s): the cache there may keep those pages until "
                    "they expire (PAGE_SHARED_MAX_AGE)",
                    names,
                    url,
                    error,
                )


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
