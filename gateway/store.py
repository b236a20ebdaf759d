"""The gateway's shared state: rate-limit counters, captcha answers, failed sign-ins and
browser sessions. Redis (KABINET_REDIS_URL), so every gunicorn worker and every
replica sees the same state; `memory://` is a single-process stand-in for unit tests
(and for a dev gateway started without Redis, with a warning)."""

from __future__ import annotations

import logging
import math
import threading
import time

log = logging.getLogger("gateway.store")


class MemoryStore:
    """The subset of the redis-py API the gateway uses, in one process's memory."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[bytes, float | None]] = {}
        self._lock = threading.Lock()

    def _live(self, key: str):
        item = self._data.get(key)
        if item and item[1] is not None and item[1] <= time.monotonic():
            del self._data[key]
            return None
        return item

    def get(self, key: str) -> bytes | None:
        with self._lock:
            item = self._live(key)
            return item[0] if item else None

    def set(self, key: str, value, ex: int | None = None, nx: bool = False, px: int | None = None):
        with self._lock:
            if nx and self._live(key):
                return None
            ttl = px / 1000 if px else ex
            self._data[key] = (value if isinstance(value, bytes) else str(value).encode(),
                               time.monotonic() + ttl if ttl else None)
            return True

    def getdel(self, key: str) -> bytes | None:
        with self._lock:
            item = self._live(key)
            self._data.pop(key, None)
            return item[0] if item else None

    def delete(self, *keys: str) -> int:
        with self._lock:
            return sum(self._data.pop(k, None) is not None for k in keys)

    def incr_with_ttl(self, key: str, ttl: int) -> int:
        with self._lock:
            item = self._live(key)
            value = int(item[0]) + 1 if item else 1
            self._data[key] = (str(value).encode(), time.monotonic() + ttl)
            return value

    def ttl(self, key: str) -> int:
        with self._lock:
            item = self._live(key)
            if not item:
                return -2
            return -1 if item[1] is None else max(math.ceil(item[1] - time.monotonic()), 0)


class RedisStore:
    """Redis through redis-py; the connection pool is created lazily in each worker."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._client = None
        self._lock = threading.Lock()

    @property
    def client(self):
        if self._client is None:
            with self._lock:
                if self._client is None:
                    import redis

                    self._client = redis.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=2,
                                                        health_check_interval=30)
        return self._client

    def get(self, key: str):
        return self.client.get(key)

    def set(self, key: str, value, ex: int | None = None, nx: bool = False, px: int | None = None):
        return self.client.set(key, value, ex=ex, nx=nx, px=px)

    def getdel(self, key: str):
        return self.client.getdel(key)

    def delete(self, *keys: str) -> int:
        return self.client.delete(*keys)

    def incr_with_ttl(self, key: str, ttl: int) -> int:
        """Count one more and keep the key for `ttl` seconds after the latest count."""
        pipe = self.client.pipeline()
        pipe.incr(key)
        pipe.expire(key, ttl)
        return int(pipe.execute()[0])

    def ttl(self, key: str) -> int:
        """Seconds left, rounded up (-2: no key, -1: no expiry)."""
        left = int(self.client.pttl(key))
        return left if left < 0 else math.ceil(left / 1000)


def open_store(url: str) -> tuple[MemoryStore | RedisStore, str]:
    """(the key-value store, the storage URI for the `limits` rate limiter)."""
    if url and not url.startswith("memory://"):
        return RedisStore(url), url
    log.warning("no KABINET_REDIS_URL: rate limits, captcha and browser sessions are kept per process; "
                "correct only with a single gateway worker")
    return MemoryStore(), "memory://"
