"""FindUserByPhone: an SMS gateway (its partner token, forwarded by readings) learns whose verified sign-in phone
sent an SMS; nothing about any other phone, and nobody else may ask."""

from __future__ import annotations

import uuid

import pytest
from kabinet.auth.v1 import auth_pb2 as pb

from kit.context import Caller
from kit.errors import Forbidden, NotFound
from services.auth.tests.integration.test_identity import register_phone, signed_up
from services.auth.tests.integration.test_partners import acting

pytestmark = pytest.mark.integration

GATEWAY = Caller(user_id=str(uuid.uuid4()), kind="partner", session_id="partner:k1", roles=("sms_gateway",))


def find(auth, phone: str, who: Caller = GATEWAY):
    with acting(who):
        return auth.api.FindUserByPhone(pb.FindUserByPhoneRequest(phone=phone), None)


def test_a_verified_phone_in_any_common_form_names_its_user(auth):
    user_id = auth.verifier.verify(signed_up(auth, "+79005550101").access_token).user_id
    for phone in ("+79005550101", "79005550101", "8 (900) 555-01-01"):
        found = find(auth, phone)
        assert (found.user_id, found.phone) == (user_id, "+79005550101")


@pytest.mark.parametrize("phone", ["+79005550199", "", "not a phone", "+1 555 0100"])
def test_any_other_phone_is_simply_not_found(auth, phone):
    register_phone(auth, "+79005550199")  # registered, the code never entered: not verified
    with pytest.raises(NotFound) as refused:
        find(auth, phone)
    assert refused.value.code == "user_not_found"


@pytest.mark.parametrize("who", [
    None, Caller(user_id=str(uuid.uuid4()), kind="person", session_id="s"),
    Caller(user_id=str(uuid.uuid4()), kind="partner", session_id="partner:k2", roles=("bank",)),
    Caller(user_id=str(uuid.uuid4()), kind="staff", session_id="s", roles=("admin",)),
])
def test_only_an_sms_gateway_may_ask(auth, who):
    signed_up(auth, "+79005550102")
    with pytest.raises(Forbidden) as refused:
        find(auth, "+79005550102", who)
    assert refused.value.code == "partner_only"
