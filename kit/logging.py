"""JSON-lines logging with the request id of the call being served and the trace id of its span."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys

from kit.context import request_id
from kit.tracing import log_fields


class JsonFormatter(logging.Formatter):
    def __init__(self, process_name: str) -> None:
        super().__init__()
        self.process_name = process_name

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "process": self.process_name,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        rid = request_id()
        if rid:
            entry["request_id"] = rid
        entry.update(log_fields())  # trace_id, span_id of the current span
        for key, value in record.__dict__.items():
            if key.startswith("ctx_"):
                entry[key[4:]] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(process_name: str, level: str = "INFO") -> None:
    """Route every logger to stdout as JSON lines. Call once, in a process's main."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(process_name))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("nats", "asyncio", "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel("WARNING")


def ctx(**fields: object) -> dict:
    """Extra fields for one log line: log.info("...", extra=ctx(account_id=...))."""
    return {f"ctx_{k}": v for k, v in fields.items()}
