"""The input boundary: every JSON body and query string passes here before any schema sees it.

- JSON is parsed strictly (UTF-8, no NaN/Infinity) and at most MAX_DEPTH levels deep: a body
  nested a thousand levels is a clear 422, never a RecursionError.
- Text is clean: no NUL or other control characters (tab, line feed and carriage return
  allowed), no lone surrogates (which no database or protobuf string can hold). A bad
  string is refused with the path of its field.
- Digits written in any script (fullwidth １２３, Arabic-Indic ٣ …) become ASCII 0-9, once,
  here: every service parses numbers, codes and account numbers from plain ASCII digits,
  so "１２３" can never mean one thing to one parser and another to the next.
"""

from __future__ import annotations

import json
import re
import unicodedata

from flask import request

from kit.errors import InvalidInput

MAX_DEPTH = 32
# C0 controls but \t \n \r, DEL, C1 controls, and lone surrogates (from "\ud800" escapes)
_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_DIGIT = re.compile(r"\d")


def _constant(name: str):
    raise ValueError(f"{name} is not JSON")


def read_json(raw: bytes):
    """The parsed, checked and normalised JSON of a body; InvalidInput (422) when it is not."""
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_constant)
    except RecursionError:
        raise _too_deep() from None
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("Тело запроса — не JSON в кодировке UTF-8.", code="invalid_json",
                           fields={"_": "Ожидается JSON-объект."}) from None
    return clean(data)


def clean(data, path: str = ""):
    """Check depth and text of a parsed JSON value and return it with ASCII digits."""
    return _clean(data, path, 0)


def _clean(value, path: str, depth: int):
    if depth > MAX_DEPTH:
        raise _too_deep()
    if isinstance(value, str):
        return text(value, path or "_")
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            name = text(key, path or "_")
            out[name] = _clean(item, f"{path}.{name}" if path else name, depth + 1)
        return out
    if isinstance(value, list):
        return [_clean(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value)]
    return value


def text(value: str, field: str) -> str:
    """One string from outside: refused if it holds control characters or broken Unicode; digits made ASCII."""
    if _BAD.search(value):
        raise InvalidInput("Текст содержит недопустимые символы.", code="invalid_text",
                           fields={field: "Уберите управляющие символы и неверные символы Юникода."})
    if value.isascii():
        return value
    return _DIGIT.sub(lambda m: str(unicodedata.decimal(m.group(), m.group())), value)


def query() -> dict[str, str]:
    """The query string as a dict of checked, normalised strings (the first value of each name)."""
    return {text(name, "_"): text(value, name) for name, value in request.args.items()}


def _too_deep() -> InvalidInput:
    return InvalidInput(f"Слишком глубокая вложенность JSON (не больше {MAX_DEPTH} уровней).", code="json_too_deep",
                        fields={"_": "Слишком глубокая вложенность."})


def init_app(app) -> None:
    @app.before_request
    def clean_query():
        """Every query string, whether or not a schema reads it, is checked before a view runs."""
        for name, value in request.args.items(multi=True):
            text(name, "_")
            text(value, name)
