"""A cache in the process's own memory, bounded in bytes.

Django's local-memory cache is bounded by its number of entries, which says nothing about memory
when entries range from a list item of a few hundred bytes to a page of a megabyte. This one
keeps every value pickled, as Django's does, and when the total passes ``MAX_BYTES`` it drops
the least recently used first. A value larger than the whole budget is not kept at all.

A value of more than a kilobyte pickled (a page, a long list item) is kept compressed with
Zstandard, against a dictionary made of the first two page-sized values the store kept. Pages
have most of their markup in common (the head, the navigation, the footer, the words around a
byline and a date), so each one takes little more than what is its own: at 100,000 articles, an
article page (14.5 KB of HTML) is kept in about 1.3 KB with its headers, against about 5 KB
compressed alone, so 12 MB holds about 9,000 of them. Reading one back, which a stored page
costs on every request, takes about 15 µs, and storing one about 0.1 ms: zlib, with the same
dictionary and pages as small, took more than twice as long to read one and half as long again
to store one. (Each thread's compressor keeps working memory of its own, outside ``MAX_BYTES``:
about a megabyte after compressing a sitemap.)

Configured like any cache backend::

    {"BACKEND": "newsroom.memory_cache.MemoryCache", "OPTIONS": {"MAX_BYTES": 16 * 2**20}}
"""

import pickle
import threading
import time
from collections import OrderedDict

import zstandard
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

COMPRESSED_ABOVE = 1024  # bytes, pickled
# Pages 15 % smaller than at Zstandard's default level, 3, as small as zlib made them, read as
# fast; storing takes twice as long (0.1 ms), and happens once a render, not once a request.
LEVEL = 6
# The dictionary: the first DICTIONARY_PARTS values the store keeps of 4 to 16 KB pickled (an
# article page, say, in each language), whole. Pages of one kind share their markup; the start
# of a longer page (a front page's navigation and its first stories) would make a worse one.
DICTIONARY_PART, DICTIONARY_PARTS = 16 * 1024, 2
# A compressed value starts with one of these, then the Zstandard frame. (A pickle of protocol
# 2 or later starts with its PROTO opcode, 0x80.)
_ALONE, _WITH_DICTIONARY = b"z", b"d"
_caches: dict[str, "_Store"] = {}  # by LOCATION, shared by the instances Django makes per thread
_caches_lock = threading.Lock()


class _Store:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.entries: OrderedDict[str, tuple[float | None, bytes]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()
        # Chosen once, never changed: the values compressed with it rely on it.
        self.dictionary: zstandard.ZstdCompressionDict | None = None
        self.parts: list[bytes] = []
        self.codecs = _Codecs()

    def pack(self, value) -> bytes:
        """``value`` as the store keeps it: pickled, and compressed if that is large."""
        pickled = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        if len(pickled) <= COMPRESSED_ABOVE:
            return pickled
        if self.dictionary is None:
            self._learn(pickled)
            return _ALONE + self.codecs.alone[0].compress(pickled)
        return _WITH_DICTIONARY + self._with_dictionary()[0].compress(pickled)

    def unpack(self, kept: bytes):
        """The value ``pack`` kept."""
        if kept[0] == pickle.PROTO[0]:
            return pickle.loads(kept)
        codecs = self.codecs.alone if kept[:1] == _ALONE else self._with_dictionary()
        return pickle.loads(codecs[1].decompress(memoryview(kept)[1:]))

    def _with_dictionary(self):
        codecs = self.codecs
        if codecs.with_dictionary is None:
            codecs.with_dictionary = (
                zstandard.ZstdCompressor(level=LEVEL, dict_data=self.dictionary),
                zstandard.ZstdDecompressor(dict_data=self.dictionary),
            )
        return codecs.with_dictionary

    def _learn(self, pickled: bytes) -> None:
        with self.lock:
            if self.dictionary is None and DICTIONARY_PART // 4 <= len(pickled) <= DICTIONARY_PART:
                self.parts.append(pickled)
                if len(self.parts) == DICTIONARY_PARTS:
                    dictionary = zstandard.ZstdCompressionDict(
                        b"".join(self.parts), dict_type=zstandard.DICT_TYPE_RAWCONTENT
                    )
                    dictionary.precompute_compress(level=LEVEL)
                    # Ready to decompress with too (made on first use otherwise, unguarded).
                    zstandard.ZstdDecompressor(dict_data=dictionary).decompress(
                        zstandard.ZstdCompressor(dict_data=dictionary).compress(b"")
                    )
                    self.dictionary, self.parts = dictionary, []


class _Codecs(threading.local):
    """Each thread's Zstandard compressor and decompressor, alone and with the store's
    dictionary: one serves one thread at a time, and making one costs more than using it."""

    def __init__(self):
        self.alone = zstandard.ZstdCompressor(level=LEVEL), zstandard.ZstdDecompressor()
        self.with_dictionary = None  # made once the dictionary is chosen


class MemoryCache(BaseCache):
    def __init__(self, location, params):
        super().__init__(params)
        max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", 16 * 2**20))
        with _caches_lock:
            if location not in _caches:
                _caches[location] = _Store(max_bytes)
            self._store = _caches[location]

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
