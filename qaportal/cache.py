"""A Redis cache that degrades to this process's memory while Redis is unreachable.

Everything the register caches can be recomputed (page counts, summary tables, throttle counters),
so an outage of Redis must cost speed, never a page. After a failure the backend stops trying Redis
for ``RETRY_SECONDS`` (a connection attempt costs up to the socket timeout) and serves the local
memory cache meanwhile; then it tries Redis again.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0, "retry_on_timeout": False}


def _tried_on_redis_first(name: str) -> Callable[..., Any]:
    """The cache operation ``name``: on Redis while it answers, else on the local memory."""

    def operation(self: "FallbackRedisCache", *args, **kwargs):
        return self._call(name, *args, **kwargs)

    operation.__name__ = name
    return operation


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params}
        options = {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._fallback = LocMemCache(f"fallback-{server}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._down_until = 0.0

    @property
    def degraded(self) -> bool:
        return time.monotonic() < self._down_until

    def _call(self, name: str, *args, **kwargs):
        if not self.degraded:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except UNREACHABLE as error:
                logger.warning("Redis cache unreachable (%s); using local memory for %s s", error, self.retry_seconds)
                self._down_until = time.monotonic() + self.retry_seconds
        return getattr(self._fallback, name)(*args, **kwargs)

    add = _tried_on_redis_first("add")
    get = _tried_on_redis_first("get")
    set = _tried_on_redis_first("set")
    touch = _tried_on_redis_first("touch")
    delete = _tried_on_redis_first("delete")
    get_many = _tried_on_redis_first("get_many")
    has_key = _tried_on_redis_first("has_key")
    incr = _tried_on_redis_first("incr")
    set_many = _tried_on_redis_first("set_many")
    delete_many = _tried_on_redis_first("delete_many")
    clear = _tried_on_redis_first("clear")
