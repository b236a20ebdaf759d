"""HTTP notifications as YooKassa sends them: `POST <notification URL>` with
`{"type": "notification", "event": "payment.succeeded", "object": {…the payment…}}`, repeated after each
delay in `retry_delays` until the receiver answers 200 (YooKassa keeps trying for 24 hours; the delays are
short here so that tests can watch). Every notification is logged with its attempts, and can be sent again
later, any number of times and in any order (`replay`), as the real one does after a network hiccup.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import requests

TIMEOUT = 5  # seconds the receiver has to answer one attempt


class Notifier:
    def __init__(self, url: Callable[[], str | None], retry_delays: Callable[[], list[float]]) -> None:
        self.url, self.retry_delays = url, retry_delays
        self._lock = threading.Lock()
        self._log: list[dict] = []

    def __call__(self, event: str, obj: dict) -> None:
        """Log the notification and deliver it in the background."""
        with self._lock:
            record = {"id": len(self._log) + 1, "event": event, "object_id": obj["id"], "attempts": [],
                      "delivered": False, "body": {"type": "notification", "event": event, "object": obj}}
            self._log.append(record)
        threading.Thread(target=self._deliver, args=(record,), daemon=True).start()

    def log(self) -> list[dict]:
        with self._lock:
            return [dict(r, attempts=list(r["attempts"])) for r in self._log]

    def replay(self, ids: list[int], times: int = 1) -> list[dict]:
        """Send the logged notifications `ids` again, in that order, `times` rounds; one attempt each, now."""
        with self._lock:
            by_id = {r["id"]: r for r in self._log}
            records = [by_id[i] for i in ids if i in by_id]
        return [{"id": r["id"], "event": r["event"], "status": self._attempt(r)}
                for _ in range(max(times, 0)) for r in records]

    def _deliver(self, record: dict) -> None:
        for delay in [0.0, *self.retry_delays()]:
            time.sleep(delay)
            if self._attempt(record) == 200:
                with self._lock:
                    record["delivered"] = True
                return

    def _attempt(self, record: dict) -> int | str:
        url = self.url()
        if not url:
            status: int | str = "no notification URL"
        else:
            try:
                status = requests.post(url, json=record["body"], timeout=TIMEOUT,
                                       headers={"User-Agent": "YooKassa simulator"}).status_code
            except requests.RequestException as exc:
                status = type(exc).__name__
        with self._lock:
            record["attempts"].append({"at": time.time(), "status": status})
        return status
