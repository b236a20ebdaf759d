"""auth.user.signed_in: every customer sign-in is told once, in its transaction, with whether the device is new;
staff sign-ins are not (social sign-in: test_staff_and_social.py)."""

from __future__ import annotations

import time

import pytest
from kabinet.auth.v1 import auth_pb2 as pb

from kit.errors import Unauthenticated
from services.auth import bootstrap
from services.auth.domain import totp
from services.auth.domain.users import STEP_UP_AFTER
from services.auth.service_layer import staff
from services.auth.tests.integration.test_identity import PHONE, login, signed_up
from services.auth.tests.integration.test_staff_and_social import secret_of
from services.auth.tests.integration.test_step_up import set_failures, step_up

pytestmark = pytest.mark.integration
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def signed_in(auth) -> list:
    return auth.events("auth.user.signed_in")


def test_each_password_sign_in_is_told_and_a_device_is_new_only_the_first_time(auth):
    # the first session of all is no news (nobody else could have signed in before): not a new device
    pair = signed_up(auth)  # device "pytest"
    login(auth, device="pytest", ip="10.0.0.2")
    login(auth, device=FIREFOX, ip="192.0.2.7")
    login(auth, device=FIREFOX, ip="192.0.2.8")
    user_id = auth.verifier.verify(pair.access_token).user_id
    told = [(e.user_id, e.method, e.device, e.ip, e.new_device) for e in signed_in(auth)]
    assert told == [(user_id, "password", "pytest", "10.0.0.1", False),
                    (user_id, "password", "pytest", "10.0.0.2", False),
                    (user_id, "password", FIREFOX, "192.0.2.7", True),
                    (user_id, "password", FIREFOX, "192.0.2.8", False)]
    assert all(e.at.endswith("+00:00") for e in signed_in(auth))


def test_a_device_is_per_user_and_failures_tell_nothing(auth):
    signed_up(auth)
    signed_up(auth, phone="+79005556677")
    login(auth, PHONE, device=FIREFOX)
    login(auth, "+79005556677", device=FIREFOX)  # Firefox is known to the first user, new to the second
    with pytest.raises(Unauthenticated):  # a wrong password: no sign-in, nothing told
        login(auth, PHONE, "Wrong-Pass-1")
    assert [e.new_device for e in signed_in(auth)] == [False, False, True, True]


def test_a_step_up_sign_in_is_told_as_a_code_sign_in_once_the_code_is_right(auth):
    signed_up(auth)
    set_failures(auth, STEP_UP_AFTER)
    reply = login(auth, device=FIREFOX)
    assert len(signed_in(auth)) == 1  # the password alone signs in nobody under step-up
    step_up(auth, reply, auth.last_code(PHONE).code)
    last = signed_in(auth)[-1]
    assert (len(signed_in(auth)), last.method, last.device, last.new_device) == (2, "code", "pytest", False)


def test_staff_sign_ins_are_not_told(auth):
    created = staff.create_staff(auth.rt.uow(), bootstrap.context(auth.rt.config), login="oper9", role="operator",
                                 password="Staff-Pass-2026")
    code = totp.code_at(secret_of(created.provisioning_uri), int(time.time() // 30))
    auth.api.StaffLogin(pb.StaffLoginRequest(login="oper9", password="Staff-Pass-2026", totp_code=code), None)
    assert signed_in(auth) == []
