"""After STEP_UP_AFTER consecutive failed sign-ins the right password is followed by a one-time
code; nobody can lock the owner out."""

from __future__ import annotations

import time

import pytest
from kabinet.auth.v1 import auth_pb2 as pb
from sqlalchemy import create_engine, func, insert, select, update

from kit.errors import InvalidInput, TooManyAttempts, Unauthenticated
from kit.migrations import upgrade
from services.auth import bootstrap
from services.auth.adapters import crypto
from services.auth.adapters.orm import codes, users
from services.auth.domain import totp
from services.auth.domain.challenges import CODE_MAX_ATTEMPTS, RESEND_COOLDOWN
from services.auth.domain.users import STEP_UP_AFTER
from services.auth.service_layer import keys, staff
from services.auth.tests.integration.conftest import MIGRATIONS, Auth, make_runtime
from services.auth.tests.integration.test_identity import PASSWORD, PHONE, login, signed_up

pytestmark = pytest.mark.integration
WRONG = "Wrong-Pass-1"


def failures(auth, **where) -> int:
    column, value = next(iter(where.items())) if where else ("phone", PHONE)
    with auth.rt.engine.connect() as conn:
        return conn.execute(select(users.c.failed_logins).where(users.c[column] == value)).scalar_one()


def set_failures(auth, count: int) -> None:
    with auth.rt.engine.begin() as conn:
        conn.execute(update(users).values(failed_logins=count))


def codes_sent(auth, destination=PHONE) -> list:
    return [e for e in auth.events("auth.code.requested") if e.destination == destination]


def step_up(auth, reply: pb.TokenPair, code: str, **kw) -> pb.TokenPair:
    return auth.api.CompleteLoginStepUp(pb.CompleteLoginStepUpRequest(
        step_up_id=reply.step_up.step_up_id, code=code, device="pytest", ip="10.0.0.1", **kw), None)


def other_than(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_the_hundredth_failure_answers_like_any_other_and_sends_nothing(auth):
    signed_up(auth)
    set_failures(auth, STEP_UP_AFTER - 1)
    sent = len(codes_sent(auth))
    answers = set()
    for identifier, password in ((PHONE, WRONG), (PHONE, WRONG), ("+79009999999", WRONG)):
        with pytest.raises(Unauthenticated) as err:
            login(auth, identifier, password)
        answers.add((err.value.code, err.value.message))
    assert answers == {("bad_credentials", "Неверный логин или пароль.")}  # under step-up, unknown: alike
    assert failures(auth) == STEP_UP_AFTER + 1
    assert len(codes_sent(auth)) == sent and not auth.events("auth.user.locked")


def test_under_step_up_the_right_password_sends_a_code_that_completes_the_sign_in(auth):
    signed_up(auth)
    set_failures(auth, STEP_UP_AFTER)
    reply = login(auth, remember=True)
    assert reply.HasField("step_up") and (reply.access_token, reply.refresh_token, reply.session_id) == ("", "", "")
    assert (reply.step_up.channel, reply.step_up.code_ttl_seconds, reply.step_up.resend_after_seconds) == \
        ("sms", 600, 60)
    sent = auth.last_code(PHONE)
    assert (sent.purpose, sent.channel, len(sent.code), sent.link, sent.ttl_seconds) == ("sign_in", "sms", 6, "", 600)
    again = login(auth)  # within the cooldown: the same challenge, nothing sent
    assert again.step_up.step_up_id == reply.step_up.step_up_id
    assert [e.code for e in codes_sent(auth) if e.purpose == "sign_in"] == [sent.code]
    assert failures(auth) == STEP_UP_AFTER  # a right password is no failure, and no success yet
    pair = step_up(auth, reply, f" {sent.code} ", remember_me=True)
    assert pair.access_token and pair.remember_me and not pair.HasField("step_up")
    assert auth.verifier.verify(pair.access_token).user_id
    assert failures(auth) == 0
    with pytest.raises(InvalidInput) as err:  # single use
        step_up(auth, reply, sent.code)
    assert err.value.code == "invalid_code"
    assert login(auth).access_token  # the run of failures is over: the password alone again


def test_wrong_codes_are_limited_and_a_resend_is_a_fresh_code(auth):
    signed_up(auth)
    set_failures(auth, STEP_UP_AFTER)
    reply = login(auth)
    sent = auth.last_code(PHONE)
    with pytest.raises(InvalidInput) as err:  # not a code: refused before it costs an attempt
        step_up(auth, reply, "x")
    assert err.value.code == "invalid_code_format"
    for _ in range(CODE_MAX_ATTEMPTS):
        with pytest.raises(InvalidInput) as err:
            step_up(auth, reply, other_than(sent.code))
        assert err.value.code == "invalid_code"
    with pytest.raises(InvalidInput):  # attempts exhausted: even the right code fails
        step_up(auth, reply, sent.code)
    assert failures(auth) == STEP_UP_AFTER  # wrong codes are limited per code, not counted as sign-ins
    with pytest.raises(TooManyAttempts) as err:
        auth.api.ResendCode(pb.ResendCodeRequest(registration_id=reply.step_up.step_up_id), None)
    assert err.value.code == "resend_too_soon"
    with auth.rt.engine.begin() as conn:  # the cooldown passes
        conn.execute(update(codes).values(last_sent_at=codes.c.last_sent_at - RESEND_COOLDOWN))
    resent = auth.api.ResendCode(pb.ResendCodeRequest(registration_id=reply.step_up.step_up_id), None)
    assert (resent.code_ttl_seconds, resent.resend_after_seconds) == (600, 60)
    fresh = auth.last_code(PHONE)
    assert fresh.purpose == "sign_in" and fresh is not sent
    assert step_up(auth, reply, fresh.code).access_token


def test_after_the_cooldown_a_new_sign_in_sends_a_new_code_and_voids_the_old(auth):
    signed_up(auth)
    set_failures(auth, STEP_UP_AFTER)
    first = login(auth)
    old = auth.last_code(PHONE)
    with auth.rt.engine.begin() as conn:
        conn.execute(update(codes).values(last_sent_at=codes.c.last_sent_at - RESEND_COOLDOWN))
    second = login(auth)
    assert second.step_up.step_up_id != first.step_up.step_up_id
    with pytest.raises(InvalidInput):
        step_up(auth, first, old.code)
    assert step_up(auth, second, auth.last_code(PHONE).code).access_token


def test_without_a_phone_the_code_goes_to_the_verified_email_without_a_link(auth):
    auth.api.Register(pb.RegisterRequest(email="anna@example.ru", password=PASSWORD, terms_accepted=True), None)
    auth.api.ConfirmLink(pb.ConfirmLinkRequest(token=auth.last_code("anna@example.ru").link.split("token=")[1]),
                         None)
    set_failures(auth, STEP_UP_AFTER)
    reply = login(auth, "anna@example.ru")
    sent = auth.last_code("anna@example.ru")
    assert (reply.step_up.channel, reply.step_up.code_ttl_seconds) == ("email", 600)
    assert (sent.purpose, sent.channel, sent.link, sent.ttl_seconds) == ("sign_in", "email", "", 600)
    assert step_up(auth, reply, sent.code).access_token


def test_a_password_change_by_recovery_voids_an_open_sign_in_code(auth):
    signed_up(auth)
    set_failures(auth, STEP_UP_AFTER)
    reply = login(auth)
    code = auth.last_code(PHONE).code
    recovery = auth.api.StartRecovery(pb.StartRecoveryRequest(identifier=PHONE), None)
    auth.api.CompleteRecovery(pb.CompleteRecoveryRequest(recovery_id=recovery.recovery_id,
                                                         code=auth.last_code(PHONE).code,
                                                         new_password="Recovered-Pass-3"), None)
    with pytest.raises(InvalidInput):
        step_up(auth, reply, code)
    assert failures(auth) == 0 and login(auth, password="Recovered-Pass-3").access_token


def test_staff_beyond_the_threshold_still_sign_in_with_password_and_totp(auth):
    created = staff.create_staff(auth.rt.uow(), bootstrap.context(auth.rt.config), login="oper1", role="operator",
                                 password="Staff-Pass-2026")
    secret = created.provisioning_uri.split("secret=")[1].split("&")[0]
    set_failures(auth, STEP_UP_AFTER - 1)
    with pytest.raises(Unauthenticated) as err:
        auth.api.StaffLogin(pb.StaffLoginRequest(login="oper1", password=WRONG, totp_code="123456"), None)
    assert err.value.code == "bad_credentials" and failures(auth, login="oper1") == STEP_UP_AFTER
    pair = auth.api.StaffLogin(pb.StaffLoginRequest(
        login="oper1", password="Staff-Pass-2026", totp_code=totp.code_at(secret, int(time.time() // 30))), None)
    assert pair.access_token and not pair.HasField("step_up") and failures(auth, login="oper1") == 0


def test_migration_turns_an_account_locked_by_the_previous_version_into_step_up(database_url_factory, nats_url):
    url = database_url_factory("auth")
    upgrade(url, MIGRATIONS, "0002")
    engine = create_engine(url)
    with engine.begin() as conn:  # locked by hand, say, with few failures counted
        conn.execute(insert(users).values(
            user_id="7f0c1a52-2d4e-4b7e-9a59-3b8f1f0f6a01", kind="person", status="active", phone=PHONE,
            password_hash=crypto.hash_password(PASSWORD), failed_logins=7, locked_at=func.now()))
    engine.dispose()
    rt = make_runtime(database_url_factory, nats_url, url=url)
    try:
        keys.ensure_signing_key(rt.uow())
        auth = Auth(rt, bootstrap.build_servicer(rt))
        assert failures(auth) == STEP_UP_AFTER
        with pytest.raises(Unauthenticated) as err:
            login(auth, password=WRONG)
        assert err.value.code == "bad_credentials"
        reply = login(auth)  # not refused: a code follows the password
        assert reply.HasField("step_up")
        assert step_up(auth, reply, auth.last_code(PHONE).code).access_token
    finally:
        rt.engine.dispose()
