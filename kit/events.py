"""Events: the envelope every fact travels in, and how to build and read one."""

from __future__ import annotations

import datetime as dt
import importlib
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from google.protobuf import any_pb2, descriptor_pool, message, message_factory

from kit.context import request_id
from kit.tracing import traceparent

# One stream per producing service; subjects are "<service>.<entity>.<fact>".
STREAMS: dict[str, str] = {
    "AUTH": "auth.>",
    "ACCOUNTS": "accounts.>",
    "READINGS": "readings.>",
    "PAYMENTS": "payments.>",
    "NOTIFY": "notify.>",
}


def stream_of(subject: str) -> str:
    return subject.split(".", 1)[0].upper()


@dataclass(frozen=True)
class Event:
    type: str  # the subject, e.g. "readings.reading.accepted"
    aggregate_id: str
    payload: message.Message
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    trace_id: str = field(default_factory=request_id)
    traceparent: str = field(default_factory=traceparent)  # W3C context of the span that raised it
    producer: str = ""


class UndecodableEvent(ValueError):
    """The bytes are not an envelope we can read: a poison message."""


def encode(event: Event, producer: str) -> bytes:
    from kabinet.events.v1 import envelope_pb2

    env = envelope_pb2.Envelope(id=event.id, type=event.type, producer=producer,
                                aggregate_id=event.aggregate_id, trace_id=event.trace_id,
                                traceparent=event.traceparent)
    env.occurred_at.FromDatetime(event.occurred_at)
    env.payload.Pack(event.payload)
    return env.SerializeToString()


def decode(data: bytes) -> Event:
    from kabinet.events.v1 import envelope_pb2

    try:
        env = envelope_pb2.Envelope.FromString(data)
        payload = _unpack(env.payload)
    except Exception as exc:  # noqa: BLE001 - anything unreadable is poison
        raise UndecodableEvent(str(exc)) from exc
    if not env.id or not env.type:
        raise UndecodableEvent("envelope without id or type")
    return Event(type=env.type, aggregate_id=env.aggregate_id, payload=payload, id=env.id,
                 occurred_at=env.occurred_at.ToDatetime(dt.UTC), trace_id=env.trace_id,
                 traceparent=env.traceparent, producer=env.producer)


def _unpack(any_msg: any_pb2.Any) -> message.Message:
    full_name = any_msg.TypeName()
    pool = descriptor_pool.Default()
    try:
        descriptor = pool.FindMessageTypeByName(full_name)
    except KeyError:
        # Convention: kabinet.<svc>.v1.<Message> lives in kabinet/<svc>/v1/<svc>_pb2.py
        package, _ = full_name.rsplit(".", 1)
        importlib.import_module(f"{package}.{package.split('.')[1]}_pb2")
        descriptor = pool.FindMessageTypeByName(full_name)
    msg = message_factory.GetMessageClass(descriptor)()
    if not any_msg.Unpack(msg):
        raise UndecodableEvent(f"cannot unpack {full_name}")
    return msg


def field_uuid(value: str, name: str) -> str:
    """A UUID field of an event payload; a malformed one makes the event poison."""
    from kit.errors import InvalidInput
    from kit.ids import is_uuid

    if not is_uuid(value):
        raise InvalidInput(f"{name}: not a UUID: {value!r}", code="malformed_event")
    return str(uuid.UUID(value))


def field_decimal(value: str, name: str) -> Decimal:
    """A decimal field of an event payload; a malformed one makes the event poison."""
    from kit.errors import InvalidInput

    try:
        return Decimal(value)
    except InvalidOperation:
        raise InvalidInput(f"{name}: not a number: {value!r}", code="malformed_event") from None
