"""What a simulator received, and the small HTTP API every simulator shares.

`Mailbox` keeps messages in memory and appends them to a JSON-lines file, so a restarted
simulator (the launcher keeps its data dir) still shows them. `Faults` is the queue of failures
a test asked for. `AdminHandler` serves:

    GET    /_sim/health                      200 "ok"
    GET    /_sim/messages?to=<dest>&limit=N  {"messages": [...]} newest first
    DELETE /_sim/messages                    forget everything
    POST   /_sim/fail   {..., "times": N}    the next N requests fail as described (simulator-specific)
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

KEEP = 10_000


def normalized(destination: str) -> str:
    """A phone compares by its digits ("+7 900…", "7900…" and " 7900…" are one number); an e-mail
    address case-insensitively."""
    destination = destination.strip()
    if "@" in destination:
        return destination.lower()
    return "".join(ch for ch in destination if ch.isdigit())


class Mailbox:
    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else None
        self._lock = threading.Lock()
        self._messages: deque[dict] = deque(maxlen=KEEP)
        if self.path and self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    self._messages.append(json.loads(line))

    def add(self, *, message_id: str, channel: str, destination: str, subject: str, body: str, **more) -> dict:
        """`more`: what a simulator keeps besides (the SMTP one: the mail's headers and its HTML part)."""
        record = {"message_id": message_id, "channel": channel, "destination": destination, "subject": subject,
                  "body": body, "received_at": dt.datetime.now(dt.UTC).isoformat(), **more}
        with self._lock:
            self._messages.append(record)
            if self.path:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with open(self.path, "a", encoding="utf-8") as f:
                    f.write(json.dumps(record, ensure_ascii=False) + "\n")
        return record

    def list(self, to: str = "", limit: int = 50) -> list[dict]:
        want = normalized(to)
        with self._lock:
            found = [m for m in reversed(self._messages) if not want or normalized(m["destination"]) == want]
        return found[:max(limit, 1)]

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
            if self.path and self.path.exists():
                self.path.unlink()


class Faults:
    """Failures to answer with, in order; each stays for its `times` requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[dict] = deque()

    def add(self, fault: dict) -> None:
        times = int(fault.pop("times", 1))
        with self._lock:
            self._queue.extend(dict(fault) for _ in range(max(times, 0)))

    def take(self) -> dict | None:
        with self._lock:
            return self._queue.popleft() if self._queue else None

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()


class AdminHandler(BaseHTTPRequestHandler):
    """The shared /_sim API; a simulator subclasses it (or uses it as is) with `mailbox` and `faults` set."""

    mailbox: Mailbox
    faults: Faults
    server_version = "kabinet-simulator"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if not self.admin("GET"):
            self.reply(404, "not found\n")

    def do_POST(self) -> None:
        if not self.admin("POST"):
            self.reply(404, "not found\n")

    def do_DELETE(self) -> None:
        if not self.admin("DELETE"):
            self.reply(404, "not found\n")

    def admin(self, method: str) -> bool:
        """Serve /_sim/...; False if the path is not one of them."""
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if (method, url.path) == ("GET", "/_sim/health"):
            self.reply(200, "ok\n")
        elif (method, url.path) == ("GET", "/_sim/messages"):
            limit = int(query.get("limit", "50") or 50)
            self.reply_json(200, {"messages": self.mailbox.list(query.get("to", ""), limit)})
        elif (method, url.path) == ("DELETE", "/_sim/messages"):
            self.mailbox.clear()
            self.faults.clear()
            self.reply_json(200, {"ok": True})
        elif (method, url.path) == ("POST", "/_sim/fail"):
            try:
                fault = json.loads(self.body() or b"{}")
                if not isinstance(fault, dict):
                    raise ValueError("an object, please")
            except ValueError as exc:
                self.reply_json(400, {"error": str(exc)})
                return True
            self.faults.add(fault)
            self.reply_json(200, {"ok": True})
        else:
            return False
        return True

    def body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def reply(self, status: int, text: str, content_type: str = "text/plain; charset=utf-8") -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def reply_json(self, status: int, value: object) -> None:
        self.reply(status, json.dumps(value, ensure_ascii=False), "application/json; charset=utf-8")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # The path only: a GET send.php carries the password and the text (a code) in its query.
        print(f"{self.address_string()} {self.command} {urlsplit(self.path).path} {code}", flush=True)
