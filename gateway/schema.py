"""Marshmallow, the gateway's way: input schemas check shape only, output schemas dump service replies.

Shape is types, required fields and size caps. Anything a business person could
change (a format of a number, a closed list, a limit) is checked by the owning
service, whose error reaches the client unchanged (see problems.py). Output
schemas read protobuf replies attribute by attribute, so each public shape has
one source: its `*Out` schema, which is also what the OpenAPI document shows.
"""

from __future__ import annotations

import functools
import json
from decimal import Decimal
from urllib.parse import quote

from flask import current_app, request
from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.exceptions import UnsupportedMediaType

from gateway import boundary

RU = {"required": "Обязательное поле.", "null": "Поле не может быть пустым.",
      "invalid": "Неверное значение.", "invalid_uuid": "Неверный идентификатор.",
      "too_large": "Слишком большое число.", "invalid_utf8": "Неверная строка."}

# Generous caps: they bound the work a request can cause, they are not rules.
SHORT = 64        # ids, codes, tokens' handles
NAME = 256        # names, logins, numbers, e-mails
TEXT = 4000       # descriptions and comments
SECRET = 1024     # passwords (hashing cost is bounded by this)


def capped(max: int, min: int = 0) -> validate.Length:  # noqa: A002
    message = f"Не больше {max} символов." if not min else f"От {min} до {max} символов."
    return validate.Length(min=min, max=max, error=message)


def field(kind, **kw):
    """A field with Russian error messages."""
    kw.setdefault("error_messages", RU)
    return kind(**kw)


def text(max: int = NAME, **kw) -> fields.String:  # noqa: A002
    """A text field capped at `max` characters."""
    return field(fields.String, validate=capped(max), **kw)


def one_of(vocabulary, **kw) -> fields.String:
    """A term of a closed vocabulary (kabinet_vocabulary): documented, checked by the owning service."""
    metadata = {"enum": list(vocabulary.codes), **kw.pop("metadata", {})}
    return field(fields.String, validate=capped(SHORT), metadata=metadata, **kw)


class StrictSchema(Schema):
    """An input schema: unknown fields are refused."""

    error_messages = {"unknown": "Неизвестное поле.", "type": "Ожидается JSON-объект."}

    class Meta:
        unknown = "raise"


@functools.cache
def instance(schema: type[Schema]) -> Schema:
    """One instance per schema class: binding a schema's fields costs more than loading a body, and an
    instance holds no state between loads and dumps (marshmallow's maintainers: reuse them)."""
    return schema()


def load(schema: type[Schema], data) -> dict:
    if not isinstance(data, dict):
        raise ValidationError({"_": ["Ожидается JSON-объект."]})
    return instance(schema).load(data)


def body(schema: type[Schema], *, optional: bool = False) -> dict:
    """The request's JSON body, through the input boundary, loaded by `schema` (an absent body is {} when
    `optional`; a body that is not JSON is refused as such)."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return load(schema, {} if optional else None)
    if not request.is_json:
        raise UnsupportedMediaType()
    return load(schema, boundary.read_json(raw))


FORM = "application/x-www-form-urlencoded"


def form_or_body(schema: type[Schema]) -> dict:
    """A provider's callback: form fields (SMSC's default) or a JSON body, through the input boundary."""
    if request.mimetype == FORM:
        return load(schema, boundary.clean(request.form.to_dict()))
    return body(schema)


def query(schema: type[Schema]) -> dict:
    """The request's query string, through the input boundary, loaded by `schema`."""
    return load(schema, boundary.query())


def path_id(value: str) -> str:
    """An id from the path as the service gets it (anything unknown is the service's NOT_FOUND)."""
    return value[:SHORT]


PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(reply, mimetype: str, fallback: str):
    """A service's file reply (content, content_type, filename) as a download."""
    response = current_app.response_class(reply.content, mimetype=reply.content_type or mimetype)
    name = reply.filename or fallback
    # RFC 6266: an ASCII name for old clients and the real (Cyrillic) one as filename*: headers are Latin-1
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_").replace("\\", "_")
    response.headers["Content-Disposition"] = (f'attachment; filename="{ascii_name}"; '
                                               f"filename*=UTF-8''{quote(name, safe='')}")
    return response


def dump(schema: type[Schema], obj) -> dict:
    """The public JSON of a reply: the one place a shape is produced."""
    return instance(schema).dump(obj)


# --- output fields for protobuf replies ---

class Scalar(fields.String):
    """A form field, or a JSON string or integer (SMSC's JSON sends ids, codes and times as numbers)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        return super()._deserialize(value, attr, data, **kwargs)


def scalar(cap: int = SHORT, **kw) -> Scalar:
    return Scalar(validate=capped(cap), error_messages=RU, **kw)


class OrNone(fields.String):
    """A proto3 string where "" means "not set": null in JSON."""

    def _serialize(self, value, attr, obj, **kw):
        return super()._serialize(value or None, attr, obj, **kw)


class IntOrNone(fields.Integer):
    """A proto3 integer where 0 means "not known": null in JSON."""

    def _serialize(self, value, attr, obj, **kw):
        return super()._serialize(value or None, attr, obj, **kw)


class Timestamp(fields.String):
    """A google.protobuf.Timestamp as ISO 8601 UTC ("…Z"); null when the message does not set it."""

    def _serialize(self, value, attr, obj, **kw):
        if value is None or not obj.HasField(self.attribute or attr):
            return None
        return value.ToDatetime().isoformat() + "Z"


class ZoneValues(fields.Dict):
    """Repeated ZoneValue {zone, value} as {"zone": "value"}."""

    def __init__(self, **kw) -> None:
        super().__init__(keys=fields.String(), values=fields.String(), **kw)

    def _serialize(self, value, attr, obj, **kw):
        return {v.zone: v.value for v in value} if value is not None else None


class JsonText(fields.Dict):
    """A JSON object carried as text in a message ("" = null)."""

    def _serialize(self, value, attr, obj, **kw):
        return json.loads(value) if value else None


class Scaled(fields.String):
    """An integer in small units as a decimal string of big ones (e.g. 1/100 kopeck -> rubles)."""

    def __init__(self, divisor: int, **kw) -> None:
        super().__init__(**kw)
        self.divisor = divisor

    def _serialize(self, value, attr, obj, **kw):
        return None if value is None else f"{Decimal(value) / self.divisor:f}"


class Inline(fields.Nested):
    """A nested JSON object made from fields of the parent message itself (dotted attributes allowed)."""

    def get_value(self, obj, attr, accessor=None, default=None):
        return obj
