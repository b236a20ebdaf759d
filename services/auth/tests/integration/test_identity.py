"""Registration, confirmation, sign-in, sessions, recovery and profile against real PostgreSQL (the step-up
after many failed sign-ins: test_step_up.py)."""

from __future__ import annotations

import pytest
from kabinet.auth.v1 import auth_pb2 as pb
from sqlalchemy import update

from kit.errors import Conflict, InvalidInput, TooManyAttempts, Unauthenticated
from services.auth.adapters.orm import codes, users
from services.auth.domain.challenges import CODE_MAX_ATTEMPTS, RESEND_COOLDOWN
from services.auth.domain.sessions import ACCESS_TTL_SECONDS

pytestmark = pytest.mark.integration
PASSWORD = "Kabinet-Test-7x"
PHONE = "+79001112233"


def register_phone(auth, phone=PHONE, password=PASSWORD, **kw):
    reply = auth.api.Register(pb.RegisterRequest(phone=phone, password=password, terms_accepted=True,
                                                 marketing_consent=True, **kw), None)
    code = auth.last_code(phone)
    return reply, code


def signed_up(auth, phone=PHONE, password=PASSWORD, **kw):
    reply, sent = register_phone(auth, phone, password, **kw)
    auth.api.ConfirmContact(pb.ConfirmContactRequest(registration_id=reply.registration_id, code=sent.code), None)
    return login(auth, phone, password)


def login(auth, identifier=PHONE, password=PASSWORD, remember=False, device="pytest", ip="10.0.0.1"):
    return auth.api.Login(pb.LoginRequest(identifier=identifier, password=password, remember_me=remember,
                                          device=device, ip=ip), None)


def test_phone_registration_confirms_with_the_sms_code_and_signs_in(auth):
    reply, sent = register_phone(auth, login="ivanov")
    assert sent.channel == "sms" and sent.purpose == "registration" and len(sent.code) == 6
    assert reply.code_ttl_seconds == 600 and reply.resend_after_seconds == 60 and reply.channel == "sms"
    with pytest.raises(Unauthenticated) as err:
        login(auth)
    assert err.value.code == "not_confirmed"  # the right password, not confirmed yet
    with pytest.raises(InvalidInput):
        auth.api.ConfirmContact(pb.ConfirmContactRequest(registration_id=reply.registration_id, code="000000"
                                                         if sent.code != "000000" else "111111"), None)
    done = auth.api.ConfirmContact(pb.ConfirmContactRequest(registration_id=reply.registration_id,
                                                            code=sent.code), None)
    assert not done.onboarding_required and not done.login_taken
    for identifier in (PHONE, "8 (900) 111-22-33", "IVANOV"):
        pair = login(auth, identifier)
        assert pair.kind == "person" and pair.access_expires_in == 300
    subjects = [e.DESCRIPTOR.name for e in auth.events()]
    assert {"UserRegistered", "UserActivated", "ContactVerified", "CodeRequested"} <= set(subjects)
    with pytest.raises(InvalidInput):  # single use
        auth.api.ConfirmContact(pb.ConfirmContactRequest(registration_id=reply.registration_id,
                                                         code=sent.code), None)


def test_codes_are_hashed_limited_and_resent_after_a_cooldown(auth):
    reply, sent = register_phone(auth)
    with auth.rt.engine.connect() as conn:
        stored = conn.execute(codes.select()).mappings().one()
    assert sent.code not in stored["code_hash"]
    with pytest.raises(TooManyAttempts) as err:
        auth.api.ResendCode(pb.ResendCodeRequest(registration_id=reply.registration_id), None)
    assert err.value.code == "resend_too_soon" and 0 < err.value.retry_after <= 60
    with pytest.raises(InvalidInput) as err:  # not a code at all: refused before it costs an attempt
        auth.api.ConfirmContact(pb.ConfirmContactRequest(registration_id=reply.registration_id, code="x"), None)
    assert err.value.code == "invalid_code_format" and err.value.fields == {"code": "Код состоит из цифр."}
    wrong = "000000" if sent.code != "000000" else "111111"
    for _ in range(CODE_MAX_ATTEMPTS):
        with pytest.raises(InvalidInput) as err:
            auth.api.ConfirmContact(pb.ConfirmContactRequest(registration_id=reply.registration_id, code=wrong), None)
        assert err.value.code == "invalid_code"
    with pytest.raises(InvalidInput):  # attempts exhausted: even the right code fails
        auth.api.ConfirmContact(pb.ConfirmContactRequest(registration_id=reply.registration_id, code=sent.code), None)
    with auth.rt.engine.begin() as conn:  # the cooldown passes
        conn.execute(update(codes).values(last_sent_at=codes.c.last_sent_at - RESEND_COOLDOWN))
    auth.api.ResendCode(pb.ResendCodeRequest(registration_id=reply.registration_id), None)
    fresh = auth.last_code(PHONE)
    assert fresh.code != "" and fresh is not sent
    auth.api.ConfirmContact(pb.ConfirmContactRequest(registration_id=reply.registration_id, code=fresh.code), None)
    login(auth)


def test_registration_of_a_known_contact_answers_the_same_and_tells_the_owner(auth):
    signed_up(auth)
    again, notice = register_phone(auth, password="Other-Pass-99")
    fresh, _ = register_phone(auth, phone="+79005556677")
    assert (again.code_ttl_seconds, again.resend_after_seconds, again.channel) == \
        (fresh.code_ttl_seconds, fresh.resend_after_seconds, fresh.channel)
    assert notice.purpose == "already_registered" and notice.code == ""
    login(auth)  # the owner's password is untouched


def test_email_registration_of_an_organization_by_link_then_onboarding(auth):
    email = "Org@Example.RU"
    reply = auth.api.Register(pb.RegisterRequest(email=email, password=PASSWORD, terms_accepted=True, kind="organization"),
                              None)
    sent = auth.last_code("org@example.ru")
    assert reply.channel == "email" and reply.code_ttl_seconds == 86400
    assert sent.link.startswith("http://127.0.0.1:8080/auth/confirm?token=") and sent.code
    token = sent.link.split("token=")[1]
    done = auth.api.ConfirmLink(pb.ConfirmLinkRequest(token=token), None)
    assert done.purpose == "registration" and done.onboarding_required
    with pytest.raises(InvalidInput):
        auth.api.ConfirmLink(pb.ConfirmLinkRequest(token=token), None)
    pair = login(auth, email)
    assert pair.onboarding_required and auth.verifier.verify(pair.access_token).onboarding_required
    profile = auth.call(pair.access_token, "UpdateProfile", pb.UpdateProfileRequest(
        surname="Иванова", first_name="Анна", contact_phone="8 900 000 00 09"))
    assert not profile.onboarding_required and profile.contact_phone == "+79000000009"
    refreshed = auth.api.Refresh(pb.RefreshRequest(refresh_token=pair.refresh_token), None)
    assert not auth.verifier.verify(refreshed.access_token).onboarding_required
    with pytest.raises(InvalidInput):
        auth.api.Register(pb.RegisterRequest(phone=PHONE, password=PASSWORD, terms_accepted=True, kind="organization"),
                          None)


def test_a_taken_login_does_not_reveal_itself_at_registration(auth):
    signed_up(auth, login="petrov")
    reply, sent = register_phone(auth, phone="+79007778899", login="petrov")
    done = auth.api.ConfirmContact(pb.ConfirmContactRequest(registration_id=reply.registration_id, code=sent.code),
                                   None)
    assert done.login_taken
    pair = login(auth, "+79007778899")
    profile = auth.call(pair.access_token, "GetProfile", pb.GetProfileRequest())
    assert profile.login == ""
    with pytest.raises(Conflict) as err:
        auth.call(pair.access_token, "UpdateProfile", pb.UpdateProfileRequest(login="petrov"))
    assert err.value.code == "login_taken"
    auth.call(pair.access_token, "UpdateProfile", pb.UpdateProfileRequest(login="petrov2"))
    with pytest.raises(Conflict) as err:
        auth.call(pair.access_token, "UpdateProfile", pb.UpdateProfileRequest(login="petrov3"))
    assert err.value.code == "login_immutable"


def test_unknown_identifier_and_wrong_password_answer_alike(auth):
    signed_up(auth)
    errors = []
    for identifier, password in ((PHONE, "Wrong-Pass-1"), ("+79009999999", "Wrong-Pass-1"),
                                 ("nobody@example.ru", PASSWORD), ("nobody", PASSWORD)):
        with pytest.raises(Unauthenticated) as err:
            login(auth, identifier, password)
        errors.append((err.value.code, err.value.message))
    assert len(set(errors)) == 1 and errors[0][0] == "bad_credentials"


def test_every_sign_in_opens_a_new_session_listed_with_device_and_ip(auth):
    first = signed_up(auth)
    second = login(auth, remember=True, device="Firefox", ip="10.0.0.2")
    assert first.session_id != second.session_id
    assert second.remember_me and second.refresh_expires_in == 30 * 86400
    assert not first.remember_me and first.refresh_expires_in == 12 * 3600
    listed = auth.call(second.access_token, "ListSessions", pb.ListSessionsRequest()).sessions
    assert {s.session_id for s in listed} == {first.session_id, second.session_id}
    mine = next(s for s in listed if s.current)
    assert (mine.device, mine.ip, mine.session_id) == ("Firefox", "10.0.0.2", second.session_id)
    auth.call(second.access_token, "RevokeSession", pb.RevokeSessionRequest(session_id=first.session_id))
    with pytest.raises(Unauthenticated):
        auth.api.Refresh(pb.RefreshRequest(refresh_token=first.refresh_token), None)
    with pytest.raises(Unauthenticated):  # inside auth a revoked session stops at once
        auth.call(first.access_token, "GetProfile", pb.GetProfileRequest())
    assert auth.call(second.access_token, "LogoutAll", pb.LogoutAllRequest()).sessions_ended == 1
    with pytest.raises(Unauthenticated):
        auth.api.Refresh(pb.RefreshRequest(refresh_token=second.refresh_token), None)


def test_refresh_rotates_and_reuse_revokes_the_family(auth):
    pair = signed_up(auth)
    rotated = auth.api.Refresh(pb.RefreshRequest(refresh_token=pair.refresh_token, ip="10.9.9.9"), None)
    assert rotated.refresh_token != pair.refresh_token and rotated.session_id == pair.session_id
    with pytest.raises(Unauthenticated) as err:
        auth.api.Refresh(pb.RefreshRequest(refresh_token=pair.refresh_token), None)
    assert err.value.code == "refresh_reused"
    with pytest.raises(Unauthenticated) as err:
        auth.api.Refresh(pb.RefreshRequest(refresh_token=rotated.refresh_token), None)
    assert err.value.code == "session_expired"


def test_change_password_needs_the_old_one_and_can_end_other_sessions(auth):
    other = signed_up(auth)
    mine = login(auth)
    with pytest.raises(InvalidInput) as err:
        auth.call(mine.access_token, "ChangePassword", pb.ChangePasswordRequest(
            old_password="Wrong-Pass-1", new_password="Brand-New-Pass-5", end_other_sessions=True))
    assert err.value.code == "bad_password"
    with pytest.raises(InvalidInput) as err:
        auth.call(mine.access_token, "ChangePassword", pb.ChangePasswordRequest(
            old_password=PASSWORD, new_password="Password123", end_other_sessions=True))
    assert err.value.code == "common_password"
    reply = auth.call(mine.access_token, "ChangePassword", pb.ChangePasswordRequest(
        old_password=PASSWORD, new_password="Brand-New-Pass-5", end_other_sessions=True))
    assert reply.sessions_ended == 1
    with pytest.raises(Unauthenticated):
        auth.api.Refresh(pb.RefreshRequest(refresh_token=other.refresh_token), None)
    auth.api.Refresh(pb.RefreshRequest(refresh_token=mine.refresh_token), None)
    login(auth, password="Brand-New-Pass-5")
    changed = auth.events("auth.password.changed")
    assert changed[-1].reason == "change" and changed[-1].sessions_ended == 1


def test_recovery_by_sms_code_ends_all_sessions_and_is_single_use(auth):
    pair = signed_up(auth)
    known = auth.api.StartRecovery(pb.StartRecoveryRequest(identifier=PHONE), None)
    unknown = auth.api.StartRecovery(pb.StartRecoveryRequest(identifier="+79000000077"), None)
    assert (known.code_ttl_seconds, known.channel) == (unknown.code_ttl_seconds, unknown.channel) == (1800, "sms")
    with pytest.raises(TooManyAttempts):  # the decoy keeps the same cooldown as the real one
        auth.api.ResendCode(pb.ResendCodeRequest(registration_id=unknown.recovery_id), None)
    sent = auth.last_code(PHONE)
    assert sent.purpose == "recovery"
    with pytest.raises(InvalidInput) as err:
        auth.api.CompleteRecovery(pb.CompleteRecoveryRequest(recovery_id=known.recovery_id, code=sent.code,
                                                             new_password="short"), None)
    assert err.value.code == "weak_password" and "new_password" in err.value.fields
    auth.api.CompleteRecovery(pb.CompleteRecoveryRequest(recovery_id=known.recovery_id, code=sent.code,
                                                         new_password="Recovered-Pass-3"), None)
    with pytest.raises(Unauthenticated):
        auth.api.Refresh(pb.RefreshRequest(refresh_token=pair.refresh_token), None)
    with pytest.raises(InvalidInput):
        auth.api.CompleteRecovery(pb.CompleteRecoveryRequest(recovery_id=known.recovery_id, code=sent.code,
                                                             new_password="Another-Pass-4"), None)
    login(auth, password="Recovered-Pass-3")
    with pytest.raises(InvalidInput):
        auth.api.CompleteRecovery(pb.CompleteRecoveryRequest(recovery_id=unknown.recovery_id, code="123456",
                                                             new_password="Another-Pass-4"), None)


def test_recovery_by_email_link(auth):
    auth.api.Register(pb.RegisterRequest(email="anna@example.ru", password=PASSWORD, terms_accepted=True), None)
    auth.api.ConfirmLink(pb.ConfirmLinkRequest(token=auth.last_code("anna@example.ru").link.split("token=")[1]),
                         None)
    reply = auth.api.StartRecovery(pb.StartRecoveryRequest(identifier="anna@example.ru"), None)
    sent = auth.last_code("anna@example.ru")
    assert reply.channel == "email" and sent.link.startswith("http://127.0.0.1:8080/auth/recovery?token=")
    with pytest.raises(InvalidInput):  # a recovery link does not confirm anything else
        auth.api.ConfirmLink(pb.ConfirmLinkRequest(token=sent.link.split("token=")[1]), None)
    auth.api.CompleteRecovery(pb.CompleteRecoveryRequest(link_token=sent.link.split("token=")[1],
                                                         new_password="Linked-Pass-88"), None)
    login(auth, "anna@example.ru", "Linked-Pass-88")


def test_a_success_resets_the_consecutive_failures(auth):
    signed_up(auth)
    for _ in range(3):
        with pytest.raises(Unauthenticated):
            login(auth, password="Wrong-Pass-1")
    login(auth)
    with auth.rt.engine.connect() as conn:
        assert conn.execute(users.select()).mappings().one()["failed_logins"] == 0


def test_replies_name_the_sessions_they_ended_and_how_long_their_tokens_verify(auth):
    first = signed_up(auth)
    second, third, fourth = login(auth), login(auth), login(auth)

    def ended(reply):
        assert reply.access_ttl_seconds == ACCESS_TTL_SECONDS == 300
        return sorted(reply.ended_session_ids)

    reply = auth.call(second.access_token, "RevokeSession", pb.RevokeSessionRequest(session_id=first.session_id))
    assert ended(reply) == [first.session_id]
    reply = auth.call(second.access_token, "RevokeSession", pb.RevokeSessionRequest(session_id=first.session_id))
    assert ended(reply) == []  # over already
    assert ended(auth.api.Logout(pb.LogoutRequest(refresh_token=fourth.refresh_token), None)) == [fourth.session_id]
    assert ended(auth.api.Logout(pb.LogoutRequest(refresh_token=fourth.refresh_token), None)) == []
    reply = auth.call(third.access_token, "Logout", pb.LogoutRequest())  # the caller's own session
    assert ended(reply) == [third.session_id]
    others = [login(auth).session_id for _ in range(2)]
    reply = auth.call(second.access_token, "ChangePassword", pb.ChangePasswordRequest(
        old_password=PASSWORD, new_password="Brand-New-Pass-5", end_other_sessions=True))
    assert ended(reply) == sorted(others) and reply.sessions_ended == 2
    reply = auth.call(second.access_token, "ChangePassword", pb.ChangePasswordRequest(
        old_password="Brand-New-Pass-5", new_password="Brand-New-Pass-6", end_other_sessions=False))
    assert ended(reply) == [] and reply.sessions_ended == 0
    fifth = login(auth, password="Brand-New-Pass-6")
    reply = auth.call(fifth.access_token, "LogoutAll", pb.LogoutAllRequest())
    assert ended(reply) == sorted([second.session_id, fifth.session_id]) and reply.sessions_ended == 2
    live = sorted(login(auth, password="Brand-New-Pass-6").session_id for _ in range(2))
    recovery = auth.api.StartRecovery(pb.StartRecoveryRequest(identifier=PHONE), None)
    reply = auth.api.CompleteRecovery(pb.CompleteRecoveryRequest(
        recovery_id=recovery.recovery_id, code=auth.last_code(PHONE).code, new_password="Recovered-Pass-3"), None)
    assert ended(reply) == live


def test_contact_change_is_verified_before_it_replaces_the_old_one(auth):
    pair = signed_up(auth)
    started = auth.call(pair.access_token, "StartContactChange", pb.StartContactChangeRequest(
        channel="email", value="New@Example.ru", password=PASSWORD))
    profile = auth.call(pair.access_token, "GetProfile", pb.GetProfileRequest())
    assert profile.email == "" and profile.pending_email == "new@example.ru"
    with pytest.raises(TooManyAttempts):
        auth.call(pair.access_token, "ResendEmailConfirmation", pb.ResendEmailConfirmationRequest())
    sent = auth.last_code("new@example.ru")
    profile = auth.call(pair.access_token, "ConfirmContactChange", pb.ConfirmContactChangeRequest(
        change_id=started.change_id, code=sent.code))
    assert profile.email == "new@example.ru" and profile.email_verified and profile.pending_email == ""
    # a new phone replaces the old one, which is told
    started = auth.call(pair.access_token, "StartContactChange", pb.StartContactChangeRequest(
        channel="sms", value="+79001110000", password=PASSWORD))
    auth.call(pair.access_token, "ConfirmContactChange", pb.ConfirmContactChangeRequest(
        change_id=started.change_id, code=auth.last_code("+79001110000").code))
    assert auth.last_code(PHONE).purpose == "contact_changed"
    login(auth, "+79001110000")
    verified = auth.events("auth.contact.verified")[-1]
    assert (verified.destination, verified.previous) == ("+79001110000", PHONE)


def test_a_contact_of_someone_else_fails_only_after_its_code(auth):
    signed_up(auth, phone="+79002223344")
    pair = signed_up(auth)
    started = auth.call(pair.access_token, "StartContactChange", pb.StartContactChangeRequest(
        channel="sms", value="+79002223344", password=PASSWORD))
    with pytest.raises(Conflict) as err:
        auth.call(pair.access_token, "ConfirmContactChange", pb.ConfirmContactChangeRequest(
            change_id=started.change_id, code=auth.last_code("+79002223344").code))
    assert err.value.code == "contact_taken"


def test_password_rules_for_live_ticks(auth):
    rules = auth.api.GetPasswordRules(pb.GetPasswordRulesRequest(), None)
    assert [r.code for r in rules.rules] == ["latin_only", "min_length", "upper", "lower", "digit", "no_spaces"]
    assert rules.min_length == 8 and rules.max_length >= 64 and rules.rules[0].title


@pytest.mark.parametrize("challenge_id", [
    "nope", "12345678123456781234567812345678", "{12345678-1234-5678-1234-567812345678}",
    "urn:uuid:12345678-1234-5678-1234-567812345678",
])
def test_an_id_in_an_unusual_spelling_is_simply_unknown(auth, challenge_id):
    reply = auth.api.ResendCode(pb.ResendCodeRequest(registration_id=challenge_id), None)
    assert reply.resend_after_seconds == 60
    with pytest.raises(InvalidInput) as err:
        auth.api.ConfirmContact(pb.ConfirmContactRequest(registration_id=challenge_id, code="123456"), None)
    assert err.value.code == "invalid_code"


def test_registration_needs_the_terms_and_records_the_version_in_force(auth):
    from services.auth.domain.registration import TERMS_VERSION

    with pytest.raises(InvalidInput) as err:
        auth.api.Register(pb.RegisterRequest(phone=PHONE, password=PASSWORD), None)
    assert err.value.code == "terms_not_accepted" and list(err.value.fields) == ["terms_accepted"]
    pair = signed_up(auth)
    assert auth.call(pair.access_token, "GetProfile", pb.GetProfileRequest()).terms_version == TERMS_VERSION
