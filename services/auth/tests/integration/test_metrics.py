"""Registrations and sign-ins are counted where auth answers them: success, step-up, failure."""

from __future__ import annotations

import pytest
from kabinet.auth.v1 import auth_pb2 as pb
from prometheus_client import REGISTRY

from kit.errors import InvalidInput, Unauthenticated
from services.auth.domain.users import STEP_UP_AFTER
from services.auth.tests.integration.test_identity import login, register_phone
from services.auth.tests.integration.test_step_up import WRONG, codes_sent, set_failures, step_up

pytestmark = pytest.mark.integration


def counts() -> dict[tuple, float]:
    return {(s.name, *s.labels.values()): s.value for m in REGISTRY.collect()
            if m.name in ("kabinet_auth_registrations", "kabinet_auth_sign_ins")
            for s in m.samples if s.name.endswith("_total")}


def moved(before: dict, after: dict) -> dict[tuple, float]:
    return {key: after[key] - before.get(key, 0.0) for key in after if after[key] != before.get(key, 0.0)}


def test_registration_and_sign_in_outcomes_are_counted(auth):
    before = counts()
    reply, sent = register_phone(auth)
    with pytest.raises(InvalidInput):
        auth.api.ConfirmContact(pb.ConfirmContactRequest(registration_id=reply.registration_id,
                                                         code="000000" if sent.code != "000000" else "111111"), None)
    auth.api.ConfirmContact(pb.ConfirmContactRequest(registration_id=reply.registration_id, code=sent.code), None)
    login(auth)
    with pytest.raises(Unauthenticated):
        login(auth, password=WRONG)
    set_failures(auth, STEP_UP_AFTER)
    challenge = login(auth)
    assert challenge.step_up.step_up_id
    step_up(auth, challenge, codes_sent(auth)[-1].code)

    assert moved(before, counts()) == {
        ("kabinet_auth_registrations_total", "start", "success"): 1,
        ("kabinet_auth_registrations_total", "confirm", "failure"): 1,
        ("kabinet_auth_registrations_total", "confirm", "success"): 1,
        ("kabinet_auth_sign_ins_total", "password", "success"): 1,
        ("kabinet_auth_sign_ins_total", "password", "failure"): 1,
        ("kabinet_auth_sign_ins_total", "password", "step_up"): 1,
        ("kabinet_auth_sign_ins_total", "step_up_code", "success"): 1,
    }
