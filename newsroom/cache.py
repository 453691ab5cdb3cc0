"""Django's Redis cache backend, keeping one Redis client per connection pool, and able to keep a
few values in the process until Redis says they changed.

Django builds a new ``redis.Redis`` client for every cache call; building one costs more than
the round trip of a page-cache hit. Clients are thread-safe and hold nothing but their pool, so
one per pool is kept and reused.

:meth:`RedisCache.get_many_tracked` reads through a connection of the process's own with Redis's
client tracking on (RESP3): Redis sends that connection a message the moment any key it read is
changed or deleted, by anyone, and until such a message comes the values read last are served
without a round trip. Checking for a message is a non-blocking poll of the socket.
"""

import contextlib
import logging
import os
import threading

import redis as redis_py
from django.core.cache.backends import redis

logger = logging.getLogger(__name__)


class ReusedClients(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client

    def tracked_reads(self) -> "TrackedReads":
        """Reads kept until they change, on the server writes go to (where changes happen)."""
        timeouts = {
            name: value
            for name, value in self._pool_options.items()
            if name in ("socket_connect_timeout", "socket_timeout")
        }
        return TrackedReads(self._servers[0], self._serializer.loads, timeouts)


class TrackedReads:
    """Values of a few keys, read from the first (writable) Redis server and kept until Redis
    reports a change to one of them. A forked worker opens its own connection (the parent's
    would deliver its messages to whichever process read first)."""

    def __init__(self, url: str, loads, options: dict):
        self._url, self._loads, self._options = url, loads, options
        self._lock = threading.Lock()
        self._client = None
        self._pid = None
        self._kept: dict[tuple, dict] = {}
        self.available = True  # False on a Redis without client tracking (before 6)

    def get_many(self, keys: list[str]) -> dict:
        with self._lock:
            client = self._connection()
            self._take_messages(client)
            if self._client is None:  # the connection broke: read on a new one
                client = self._connection()
            kept = self._kept.get(tuple(keys))
            if kept is None:
                try:
                    values = client.mget(keys)
                except Exception:
                    self._close()
                    raise
                kept = {
                    key: self._loads(v)
                    for key, v in zip(keys, values, strict=True)
                    if v is not None
                }
                # A change reported while the values were on their way was made before they
                # were read (Redis sends the message first), so they are current: keep them.
                self._kept[tuple(keys)] = kept
            return kept

    def forget(self) -> None:
        """Read again next time (this process has just changed the values itself)."""
        with self._lock:
            self._kept.clear()

    def _connection(self):
        if self._client is not None and self._pid == os.getpid():
            return self._client
        self._client, self._kept = None, {}
        client = redis_py.Redis.from_url(
            self._url, protocol=3, single_connection_client=True, **self._options
        )
        try:
            client.execute_command("CLIENT", "TRACKING", "ON")
        except redis_py.ResponseError:
            client.close()
            self.available = False
            raise
        # Every message on this connection that is not a reply says a key read through it
        # changed (or the database was emptied): whatever was kept is out of date. (redis-py
        # registers its own client-side cache's handler the same way; that cache needs Redis
        # 7.4, Debian's is 7.0.)
        client.connection._parser.set_invalidation_push_handler(lambda _m: self._kept.clear())
        self._client, self._pid = client, os.getpid()
        return client

    def _take_messages(self, client) -> None:
        try:
            while client.connection.can_read(timeout=0):
                client.connection.read_response(push_request=True)
        except Exception:
            # A broken connection may have lost messages: keep nothing, connect again.
            logger.warning("Redis tracking connection lost; reconnecting", exc_info=True)
            self._close()

    def _close(self) -> None:
        client, self._client, self._kept = self._client, None, {}
        if client is not None:
            with contextlib.suppress(Exception):  # it may be broken already
                client.close()


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients
        self._tracked = None

    def get_many_tracked(self, keys, version=None) -> dict:
        """:meth:`get_many` of a few small keys read on nearly every request, answered from
        this process's last reading until Redis reports that one of them changed."""
        if self._tracked is None:
            self._tracked = self._cache.tracked_reads()
        if not self._tracked.available:
            return self.get_many(keys, version=version)
        made = {self.make_and_validate_key(key, version=version): key for key in keys}
        try:
            stored = self._tracked.get_many(list(made))
        except redis_py.ResponseError:
            if self._tracked.available:
                raise
            logger.warning("This Redis has no client tracking: shared values are read each time")
            return self.get_many(keys, version=version)
        return {made[key]: value for key, value in stored.items()}

    def forget_tracked(self) -> None:
        if self._tracked is not None:
            self._tracked.forget()
