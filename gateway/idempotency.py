"""Idempotency keys of retried requests: the header's shape. The owning service keeps the key
with the result and answers a retry with the first result."""

from __future__ import annotations

import re

from flask import request

from kit.errors import InvalidInput

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{8,128}$")
IDEMPOTENCY_PARAM = {"name": "Idempotency-Key", "in": "header", "required": False,
                     "schema": {"type": "string", "pattern": IDEMPOTENCY_KEY.pattern},
                     "description": "Retries with the same key have one effect."}


def idempotency_key() -> str:
    key = request.headers.get("Idempotency-Key", "")
    if key and not IDEMPOTENCY_KEY.match(key):
        raise InvalidInput("Неверный заголовок Idempotency-Key.", code="invalid_idempotency_key",
                           fields={"Idempotency-Key": "От 8 до 128 латинских букв, цифр, «-» и «_»."})
    return key
