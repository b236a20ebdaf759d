"""Every domain event leaves as the auth.proto message of the same name and fields."""

import dataclasses
import typing

from kabinet.auth.v1 import auth_pb2

from services.auth.adapters.events import outbound
from services.auth.domain import events


def test_each_domain_event_is_its_contract_message():
    for cls in typing.get_args(events.AuthEvent):
        names = {f.name for f in dataclasses.fields(cls)}
        assert names == set(getattr(auth_pb2, cls.__name__).DESCRIPTOR.fields_by_name), cls.__name__


def test_an_event_goes_out_under_its_subject_keyed_by_the_user():
    event = outbound(events.PasswordChanged(user_id="u1", reason="recovery", sessions_ended=2))
    assert (event.type, event.aggregate_id, event.payload.sessions_ended) == ("auth.password.changed", "u1", 2)
