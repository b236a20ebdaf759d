"""Staff with a mandatory TOTP, and social sign-in against the OpenID Connect simulator."""

from __future__ import annotations

import threading
import time
import urllib.parse

import pytest
import requests
from kabinet.auth.v1 import auth_pb2 as pb
from sqlalchemy import update
from werkzeug.serving import make_server

from kit.errors import Conflict, InvalidInput, Unauthenticated
from services.auth import bootstrap
from services.auth.adapters import crypto
from services.auth.adapters.orm import users
from services.auth.domain import totp
from services.auth.service_layer import keys, staff
from services.auth.tests.integration.conftest import Auth, make_runtime
from services.auth.tests.integration.test_identity import login, signed_up
from simulators.oidc.app import SimConfig, create_app

pytestmark = pytest.mark.integration
CALLBACK = "http://127.0.0.1:8080/api/v1/auth/social/sim/callback"


def secret_of(uri: str) -> str:
    return urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0]


def test_staff_sign_in_needs_password_and_a_fresh_totp_code(auth):
    created = staff.create_staff(auth.rt.uow(), bootstrap.context(auth.rt.config), login="oper1", role="operator",
                                 password="Staff-Pass-2026")
    assert created.provisioning_uri.startswith("otpauth://totp/Kabinet%3Aoper1?secret=")
    code = totp.code_at(secret_of(created.provisioning_uri), int(time.time() // 30))
    for malformed in ("", "12345", "12345a"):
        with pytest.raises(InvalidInput) as err:  # the format says nothing about the account
            auth.api.StaffLogin(pb.StaffLoginRequest(login="oper1", password="Staff-Pass-2026", totp_code=malformed),
                                None)
        assert err.value.code == "invalid_totp_format" and "totp_code" in err.value.fields
    for bad in (dict(totp_code="000000" if code != "000000" else "111111"),
                dict(password="Wrong-Pass-1", totp_code=code), dict(login="nobody", totp_code=code)):
        request = {"login": "oper1", "password": "Staff-Pass-2026", "totp_code": code} | bad
        with pytest.raises(Unauthenticated) as err:
            auth.api.StaffLogin(pb.StaffLoginRequest(**request), None)
        assert err.value.code == "bad_credentials"
    pair = auth.api.StaffLogin(pb.StaffLoginRequest(login="oper1", password="Staff-Pass-2026", totp_code=code), None)
    caller = auth.verifier.verify(pair.access_token)
    assert (caller.kind, caller.roles, pair.remember_me) == ("staff", ("operator",), False)
    assert pair.refresh_expires_in == 8 * 3600
    with pytest.raises(Unauthenticated):  # a TOTP code works once
        auth.api.StaffLogin(pb.StaffLoginRequest(login="oper1", password="Staff-Pass-2026", totp_code=code), None)
    with pytest.raises(Unauthenticated):  # staff never sign in as customers
        login(auth, "oper1", "Staff-Pass-2026")
    with pytest.raises(Conflict):
        staff.create_staff(auth.rt.uow(), bootstrap.context(auth.rt.config), login="oper1", role="admin",
                           password="Staff-Pass-2026")


def test_staff_without_a_totp_secret_cannot_act(auth):
    staff.create_staff(auth.rt.uow(), bootstrap.context(auth.rt.config), login="admin1", role="admin",
                       password="Staff-Pass-2026")
    with auth.rt.engine.begin() as conn:
        conn.execute(update(users).where(users.c.login == "admin1").values(totp_secret=None))
    with pytest.raises(Unauthenticated):
        auth.api.StaffLogin(pb.StaffLoginRequest(login="admin1", password="Staff-Pass-2026", totp_code="123456"),
                            None)


def test_create_staff_command_prints_the_uri_once(auth, capsys):
    bootstrap.create_staff_command(auth.rt.config, ["--login", "boss", "--role", "admin"])
    out = capsys.readouterr().out
    assert "otpauth://totp/Kabinet%3Aboss" in out and "initial password" in out
    password = out.split("initial password (shown once): ")[1].split()[0]
    secret = secret_of(out.split("authenticator app): ")[1].strip())
    pair = auth.api.StaffLogin(pb.StaffLoginRequest(login="boss", password=password,
                                                    totp_code=totp.code_at(secret, int(time.time() // 30))), None)
    assert pair.roles == ["admin"]


@pytest.fixture
def provider():
    sim = SimConfig(issuer="")
    server = make_server("127.0.0.1", 0, create_app(sim), threaded=True)
    sim.issuer = f"http://127.0.0.1:{server.server_port}"  # known once the port is bound
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield sim
    server.shutdown()


@pytest.fixture
def social(database_url_factory, nats_url, provider):
    providers = {"sim": {"issuer": provider.issuer, "client_id": provider.client_id,
                         "client_secret": provider.client_secret, "redirect_uris": [CALLBACK]}}
    rt = make_runtime(database_url_factory, nats_url, oidc_providers=providers)
    keys.ensure_signing_key(rt.uow())
    yield Auth(rt, bootstrap.build_servicer(rt))
    rt.engine.dispose()


def follow(url: str, **override) -> dict:
    """The browser at the provider: returns the callback's query (code, state)."""
    if override:
        parts = urllib.parse.urlparse(url)
        query = dict(urllib.parse.parse_qsl(parts.query)) | override
        url = parts._replace(query=urllib.parse.urlencode(query)).geturl()
    response = requests.get(url, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert location.startswith(CALLBACK)
    return dict(urllib.parse.parse_qsl(urllib.parse.urlparse(location).query))


def start(auth, purpose="sign_in", token=None, hint="sim-user-1"):
    request = pb.StartSocialLoginRequest(provider="sim", redirect_uri=CALLBACK, purpose=purpose)
    reply = auth.call(token, "StartSocialLogin", request) if token else auth.api.StartSocialLogin(request, None)
    assert "code_challenge=" in reply.authorization_url and "nonce=" in reply.authorization_url
    return reply, follow(reply.authorization_url, login_hint=hint)


def test_an_unlinked_identity_gets_a_clear_answer_and_no_account(social):
    _, callback = start(social)
    with pytest.raises(Unauthenticated) as err:
        social.api.CompleteSocialLogin(pb.CompleteSocialLoginRequest(**callback), None)
    assert err.value.code == "social_identity_not_linked" and "не привязан" in err.value.message


def test_link_then_sign_in_then_unlink(social):
    pair = signed_up(social)
    assert [p.id for p in social.api.ListIdentityProviders(pb.ListIdentityProvidersRequest(), None).providers] == ["sim"]
    _, callback = start(social, "link", pair.access_token)
    linked = social.call(pair.access_token, "CompleteSocialLogin", pb.CompleteSocialLoginRequest(**callback))
    assert linked.purpose == "link" and linked.linked.display_name == "sim-user-1@example.test"
    _, callback = start(social)
    signed_in = social.api.CompleteSocialLogin(pb.CompleteSocialLoginRequest(**callback, device="VK app"), None)
    assert signed_in.purpose == "sign_in" and signed_in.tokens.session_id != pair.session_id
    sessions = social.call(pair.access_token, "ListSessions", pb.ListSessionsRequest()).sessions
    assert "social:sim" in {s.method for s in sessions}
    told = social.events("auth.user.signed_in")[-1]
    assert (told.method, told.device, told.new_device) == ("social", "VK app", True)
    with pytest.raises(Unauthenticated):  # the state is single use
        social.api.CompleteSocialLogin(pb.CompleteSocialLoginRequest(**callback), None)
    other = signed_up(social, phone="+79003334455")
    _, callback = start(social, "link", other.access_token)
    with pytest.raises(Conflict):
        social.call(other.access_token, "CompleteSocialLogin", pb.CompleteSocialLoginRequest(**callback))
    identities = social.call(pair.access_token, "ListSocialIdentities", pb.ListSocialIdentitiesRequest()).identities
    social.call(pair.access_token, "UnlinkSocialIdentity",
                pb.UnlinkSocialIdentityRequest(identity_id=identities[0].identity_id))
    _, callback = start(social)
    with pytest.raises(Unauthenticated):
        social.api.CompleteSocialLogin(pb.CompleteSocialLoginRequest(**callback), None)


def test_a_forged_state_is_refused(social):
    _, callback = start(social)
    with pytest.raises(Unauthenticated) as err:
        social.api.CompleteSocialLogin(pb.CompleteSocialLoginRequest(state="forged-" + callback["state"],
                                                                     code=callback["code"]), None)
    assert err.value.code == "invalid_state"


def test_a_wrong_nonce_is_refused(social):
    pair = signed_up(social)
    _, callback = start(social, "link", pair.access_token)
    social.call(pair.access_token, "CompleteSocialLogin", pb.CompleteSocialLoginRequest(**callback))
    reply = social.api.StartSocialLogin(pb.StartSocialLoginRequest(provider="sim", redirect_uri=CALLBACK,
                                                                   purpose="sign_in"), None)
    callback = follow(reply.authorization_url, nonce="injected-by-an-attacker")
    with pytest.raises(Unauthenticated) as err:
        social.api.CompleteSocialLogin(pb.CompleteSocialLoginRequest(**callback), None)
    assert err.value.code == "social_login_failed"


def test_link_needs_the_same_signed_in_user(social):
    pair = signed_up(social)
    _, callback = start(social, "link", pair.access_token)
    with pytest.raises(Unauthenticated) as err:  # a link flow completed without its user
        social.api.CompleteSocialLogin(pb.CompleteSocialLoginRequest(**callback), None)
    assert err.value.code == "invalid_state"


def test_totp_secret_is_sealed_at_rest(auth):
    created = staff.create_staff(auth.rt.uow(), bootstrap.context(auth.rt.config), login="oper2", role="operator",
                                 password="Staff-Pass-2026")
    with auth.rt.engine.connect() as conn:
        sealed = conn.execute(users.select().where(users.c.login == "oper2")).mappings().one()["totp_secret"]
    assert secret_of(created.provisioning_uri) not in sealed
    assert crypto.unseal(auth.rt.config.code_pepper, sealed) == secret_of(created.provisioning_uri)
