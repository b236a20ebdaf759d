"""Social sign-in through the OIDC simulator, and staff sign-in with TOTP, end to end."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import uuid
from urllib.parse import parse_qs, urlencode, urlparse, urlunparse

import pytest
import requests

from services.auth.domain.totp import code_at
from tests.e2e.client import Customer

pytestmark = pytest.mark.e2e


def authorize(customer: Customer, purpose: str, subject: str) -> str:
    """Start at the gateway, let the simulator approve `subject`; the callback URL it redirects to."""
    start = customer.ok("POST", "/api/v1/auth/social/sim/start", json={"purpose": purpose})
    url = start["authorization_url"] + "&" + urlencode({"login_hint": subject})
    answer = requests.get(url, allow_redirects=False, timeout=10)
    assert answer.status_code in (302, 303), answer.text
    return answer.headers["Location"]


def callback(customer: Customer, location: str) -> requests.Response:
    parts = urlparse(location)
    return customer.call("GET", f"{parts.path}?{parts.query}", allow_redirects=False)


def test_a_linked_identity_signs_in_and_an_unlinked_one_is_told_so(stack):
    me = Customer(stack.gateway_url).register().login()
    subject = f"sim-{uuid.uuid4().hex[:10]}"
    linked = callback(me, authorize(me, "link", subject))
    assert linked.status_code == 303, linked.text
    assert [i["provider"] for i in me.ok("GET", "/api/v1/me/social")["identities"]] == ["sim"]

    browser = Customer(stack.gateway_url)
    signed_in = callback(browser, authorize(browser, "sign_in", subject))
    assert signed_in.status_code == 303, signed_in.text
    assert browser.ok("GET", "/api/v1/me")["user_id"] == me.ok("GET", "/api/v1/me")["user_id"]

    stranger = Customer(stack.gateway_url)
    refused = callback(stranger, authorize(stranger, "sign_in", f"sim-{uuid.uuid4().hex[:10]}"))
    assert refused.status_code in (401, 403, 404) and refused.json()["code"] == "social_identity_not_linked"
    assert stranger.call("GET", "/api/v1/me").status_code == 401  # no session, no account made


def test_a_forged_state_is_refused(stack):
    browser = Customer(stack.gateway_url)
    location = urlparse(authorize(browser, "sign_in", "sim-user-1"))
    query = parse_qs(location.query)
    query["state"] = ["forged" + query["state"][0][6:]]
    forged = callback(browser, urlunparse(location._replace(query=urlencode(query, doseq=True))))
    assert forged.status_code == 422 and forged.json()["code"] == "invalid_state"


def create_staff(stack, login: str, password: str) -> str:
    """The admin command; returns the TOTP secret from the provisioning URI it prints once."""
    done = subprocess.run([sys.executable, "-m", "services.auth", "create-staff", "--login", login, "--role", "admin",
                           "--password-stdin"], input=password + "\n", env=stack.env_for("auth"),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    uri = re.search(r"otpauth://\S+", done.stdout).group()
    return parse_qs(urlparse(uri).query)["secret"][0]


def test_staff_sign_in_needs_password_and_a_fresh_totp_code(stack):
    login, password = f"op{uuid.uuid4().hex[:8]}", "Staff-Passw0rd-2026"
    secret = create_staff(stack, login, password)
    staff = Customer(stack.gateway_url)
    code = code_at(secret, int(time.time()) // 30)
    wrong = staff.call("POST", "/staff/v1/auth/login", json={"login": login, "password": password,
                                                             "totp_code": f"{(int(code) + 1) % 10**6:06d}"})
    assert wrong.status_code == 401
    tokens = staff.ok("POST", "/staff/v1/auth/login", json={"login": login, "password": password, "totp_code": code})
    staff.http.headers["Authorization"] = f"Bearer {tokens['access_token']}"
    me = staff.ok("GET", "/staff/v1/me")
    assert (me["kind"], me["roles"]) == ("staff", ["admin"])
    assert staff.call("GET", "/api/v1/me").status_code in (401, 403)  # staff sessions are not customer ones
    replay = Customer(stack.gateway_url).call("POST", "/staff/v1/auth/login", json={
        "login": login, "password": password, "totp_code": code})
    assert replay.status_code == 401  # a TOTP code works once
