"""A small circuit breaker for calls to an outside provider (a card acquirer, an SMS gateway, …).

Closed: calls go through; `failure_threshold` failures in a row open it. Open: calls are refused at once
(`allow()` is False) until `reset_after` seconds have passed — or until the time the provider named (its
technical break's `Retry-After`). Then one trial call is let through (half-open): a success closes the
breaker, a failure opens it again. Thread-safe; one breaker per process and provider (each replica learns
on its own — a few calls of each, never a flood).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


class CircuitBreaker:
    def __init__(self, name: str, *, failure_threshold: int = 5, reset_after: float = 30.0,
                 max_open: float = 600.0, clock: Callable[[], float] = time.monotonic) -> None:
        if failure_threshold < 1 or reset_after <= 0:
            raise ValueError("failure_threshold ≥ 1 and reset_after > 0")
        self.name = name
        self.failure_threshold = failure_threshold
        self.reset_after = reset_after
        self.max_open = max_open
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._open_until: float | None = None
        self._trial_running = False

    @property
    def state(self) -> str:
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._open_until is None:
            return CLOSED
        return OPEN if self._clock() < self._open_until else HALF_OPEN

    def open_for(self) -> float:
        """Seconds until a trial call is allowed (0 when closed or half-open)."""
        with self._lock:
            return max(0.0, self._open_until - self._clock()) if self._open_until is not None else 0.0

    def allow(self) -> bool:
        """May a call go out now? In half-open state only one trial at a time."""
        with self._lock:
            state = self._state()
            if state == CLOSED:
                return True
            if state == OPEN or self._trial_running:
                return False
            self._trial_running = True
            return True

    def success(self) -> None:
        with self._lock:
            self._failures = 0
            self._open_until = None
            self._trial_running = False

    def failure(self, retry_after: float | None = None) -> None:
        """A failed call. `retry_after` (seconds, the provider's own word) opens the breaker at once for
        that long (at most `max_open`); otherwise it opens after `failure_threshold` failures in a row,
        or at once after a failed trial."""
        with self._lock:
            trial, self._trial_running = self._trial_running, False
            self._failures += 1
            if retry_after is not None and retry_after > 0:
                self._open_until = self._clock() + min(retry_after, self.max_open)
            elif trial or self._failures >= self.failure_threshold:
                self._open_until = self._clock() + self.reset_after
