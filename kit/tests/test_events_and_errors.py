"""Envelopes round-trip; domain errors survive a trip through gRPC status details."""

import pytest
from kabinet.readings.v1 import readings_pb2

from kit.errors import InvalidInput, NotFound, TooManyAttempts
from kit.events import Event, UndecodableEvent, decode, encode, stream_of
from kit.grpc_errors import from_rpc_error, to_status


def test_envelope_round_trip():
    payload = readings_pb2.ReadingAccepted(reading_id="r1", account_id="a1")
    event = Event(type="readings.reading.accepted", aggregate_id="a1", payload=payload, trace_id="t1")
    back = decode(encode(event, "readings"))
    assert (back.id, back.type, back.producer, back.trace_id) == (event.id, event.type, "readings", "t1")
    assert back.payload == payload
    assert stream_of(back.type) == "READINGS"


def test_garbage_is_undecodable():
    with pytest.raises(UndecodableEvent):
        decode(b"\x00\x01garbage")


class FakeRpcError(Exception):
    def __init__(self, status):
        self.status = status

    def code(self):
        return self.status.code

    def trailing_metadata(self):
        return self.status.trailing_metadata

    def details(self):
        return self.status.details


@pytest.mark.parametrize("error", [
    InvalidInput("Проверьте.", code="bad", fields={"x": "плохо"}),
    NotFound(code="account_not_found"),
    TooManyAttempts(retry_after=42),
])
def test_domain_errors_cross_grpc(error):
    back = from_rpc_error(FakeRpcError(to_status(error)))
    assert type(back) is type(error)
    assert (back.code, back.message, back.fields) == (error.code, error.message, error.fields)
    assert getattr(back, "retry_after", None) == getattr(error, "retry_after", None)



def test_an_id_is_a_uuid_in_its_canonical_spelling_only():
    from kit.ids import is_uuid

    assert is_uuid("12345678-1234-5678-1234-567812345678")
    assert is_uuid("ABCDEF12-1234-5678-1234-567812345678")
    for other in ("", "nope", "12345678123456781234567812345678", "{12345678-1234-5678-1234-567812345678}",
                  "urn:uuid:12345678-1234-5678-1234-567812345678", None, 42):
        assert not is_uuid(other), other
