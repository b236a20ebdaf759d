"""Idempotency keys: a client may retry any mutating request with the same `Idempotency-Key` header and
gets the first answer again instead of a second effect. The rule lives here, once, for every route.

- The first request with a key runs; its answer (a 2xx or a definite 4xx) is kept for KEEP_SECONDS
  (25 hours: "at least 24" with a margin) in the shared store, per caller (the signed-in user, or the
  client address for anonymous routes) and key.
- A retry with the same method, path and body (JSON compared by content, not by spelling) gets that
  answer again, marked `Idempotent-Replayed: true`.
- The same key with a different request is refused: 422 `idempotency_key_reused`. A retry while the
  first is still running: 409 `idempotency_in_progress` with Retry-After.
- Answers that are not results (401/403: sign in again; 429: try later; 5xx) are not kept: a retry runs.
  Answers that start a session (Set-Cookie) are never kept. Multipart uploads are not covered.
- A worker that dies mid-request leaves its "running" mark behind: a retry that reaches a worker of the
  same host sees the owner is gone and runs at once; elsewhere the mark lapses after RUNNING_SECONDS.

Services that write durably with a key of their own (readings keeps the key with the reading) stay the
backstop if the store is lost.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket

from flask import Flask, current_app, g, request

from kit.errors import Conflict, InvalidInput

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{8,128}$")
IDEMPOTENCY_PARAM = {"name": "Idempotency-Key", "in": "header", "required": False,
                     "schema": {"type": "string", "pattern": IDEMPOTENCY_KEY.pattern},
                     "description": "Retries with the same key and the same request get the first answer "
                                    "(header Idempotent-Replayed: true) for 24 hours; the same key with another "
                                    "request is 422 idempotency_key_reused."}
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEEP_SECONDS = 25 * 3600
RUNNING_SECONDS = 35        # gunicorn's worker timeout (30 s) and a margin: no request runs longer
NOT_RESULTS = {401, 403, 408, 429}
MAX_KEPT_BYTES = 256 * 1024


def idempotency_key() -> str:
    """The request's Idempotency-Key ("" when absent); a malformed one is refused."""
    key = request.headers.get("Idempotency-Key", "")
    if key and not IDEMPOTENCY_KEY.match(key):
        raise InvalidInput("Неверный заголовок Idempotency-Key.", code="invalid_idempotency_key",
                           fields={"Idempotency-Key": "От 8 до 128 латинских букв, цифр, «-» и «_»."})
    return key


def _owner_died(owner: str) -> bool:
    """True when the process that marked a request as running is on this host and no longer exists."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _fingerprint() -> str:
    raw = request.get_data(cache=True)
    try:
        canonical = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode() if raw else b""
    except (ValueError, RecursionError):
        canonical = raw  # not JSON: the boundary refuses it; compare the bytes
    digest = hashlib.sha256(f"{request.method}\0{request.path}\0".encode())
    digest.update(canonical)
    return digest.hexdigest()


def _record_key(key: str) -> str:
    caller = g.get("caller")
    scope = f"u:{caller.user_id}" if caller is not None else f"ip:{request.remote_addr}"
    return "gw:idem:" + hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()


def init_app(app: Flask) -> None:
    """Register after security.init_app: the caller must be known when the key is looked up."""

    @app.before_request
    def replay_or_run():
        if request.method not in UNSAFE or request.mimetype == "multipart/form-data":
            return None
        key = idempotency_key()
        if not key:
            return None
        store = current_app.extensions["kabinet.store"]
        record_key, fingerprint = _record_key(key), _fingerprint()
        running = json.dumps({"fp": fingerprint, "owner": f"{socket.gethostname()}:{os.getpid()}"})
        if store.set(record_key, running, ex=RUNNING_SECONDS, nx=True):
            g.idempotency = (record_key, fingerprint)
            return None
        kept = json.loads(store.get(record_key) or b"{}")
        if "status" not in kept and kept.get("fp") == fingerprint and _owner_died(kept.get("owner", "")):
            store.delete(record_key)  # its worker was killed mid-request: run the retry now
            if store.set(record_key, running, ex=RUNNING_SECONDS, nx=True):
                g.idempotency = (record_key, fingerprint)
                return None
            kept = json.loads(store.get(record_key) or b"{}")
        if kept.get("fp") != fingerprint:
            raise InvalidInput("Этот ключ Idempotency-Key уже использован для другого запроса. Для нового "
                               "запроса нужен новый ключ.", code="idempotency_key_reused",
                               fields={"Idempotency-Key": "Ключ уже использован для другого запроса."})
        if "status" not in kept:
            error = Conflict("Запрос с этим ключом ещё выполняется. Повторите чуть позже.",
                             code="idempotency_in_progress")
            error.retry_after = 1
            raise error
        response = current_app.response_class(kept["body"], status=kept["status"], mimetype=kept["type"])
        if kept.get("location"):
            response.headers["Location"] = kept["location"]
        response.headers["Idempotent-Replayed"] = "true"
        return response

    @app.after_request
    def keep_the_answer(response):
        started = g.pop("idempotency", None)
        if started is None:
            return response
        record_key, fingerprint = started
        store = current_app.extensions["kabinet.store"]
        status = response.status_code
        if (status >= 500 or status in NOT_RESULTS or "Set-Cookie" in response.headers
                or response.is_streamed or (response.content_length or 0) > MAX_KEPT_BYTES):
            store.delete(record_key)
            return response
        store.set(record_key, json.dumps({
            "fp": fingerprint, "status": status, "type": response.mimetype,
            "body": response.get_data(as_text=True), "location": response.headers.get("Location", "")}),
            ex=KEEP_SECONDS)
        return response
