"""Django's Redis cache backend, keeping one Redis client per connection pool.

Django builds a new ``redis.Redis`` client for every cache call; building one costs more than
the round trip of a page-cache hit. Clients are thread-safe and hold nothing but their pool, so
one per pool is kept and reused.
"""

from django.core.cache.backends import redis


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


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients
