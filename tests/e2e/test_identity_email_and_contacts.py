"""Registration by e-mail with the confirmation link, changing the phone (verified before it
replaces the old one), and the resend cooldown — through the gateway, real services, real SMTP."""

from __future__ import annotations

import random
import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.client import PASSWORD, Customer, eventually
from tests.e2e.test_identity_flows import new_phone, newest_code

pytestmark = pytest.mark.e2e


def link_token(me: Customer, email: str) -> str:
    def find():
        for m in me.ok("GET", "/dev/outbox", params={"to": email})["messages"]:
            found = re.search(r"https?://\S+\?token=[\w-]+", m["body"])
            if found:
                return parse_qs(urlparse(found.group()).query)["token"][0]
        return None
    return eventually(find, what=f"a confirmation link for {email}")


def test_registration_by_e_mail_completes_by_the_link(stack):
    me = Customer(stack.gateway_url)
    email = f"user{random.randrange(10**9)}@example.ru"
    me.ok("POST", "/api/v1/auth/register", 202, json={"email": email, "password": PASSWORD, "terms_accepted": True})
    token = link_token(me, email)
    assert me.call("POST", "/api/v1/auth/login", json={"identifier": email, "password": PASSWORD}).status_code == 401
    me.ok("POST", "/api/v1/auth/confirm-link", json={"token": token})
    again = me.call("POST", "/api/v1/auth/confirm-link", json={"token": token})
    assert again.status_code == 422  # single use
    me.login(identifier=email)
    assert me.ok("GET", "/api/v1/me")["email"] == email


def test_a_new_phone_replaces_the_old_one_only_once_verified(stack):
    me = Customer(stack.gateway_url).register().login()
    old, new = me.phone, new_phone()
    wrong = me.call("POST", "/api/v1/me/contact", json={"phone": new, "password": "Wrong-Passw0rd"})
    assert wrong.status_code in (401, 403, 422)
    change = me.ok("POST", "/api/v1/me/contact", 202, json={"phone": new, "password": PASSWORD})
    assert me.ok("GET", "/api/v1/me")["phone"] == old  # not yet
    code = newest_code(me, new, set())
    profile = me.ok("POST", "/api/v1/me/contact/confirm", json={"change_id": change["change_id"], "code": code})
    assert profile["phone"] == new
    assert Customer(stack.gateway_url).call("POST", "/api/v1/auth/login", json={
        "identifier": old, "password": PASSWORD}).status_code == 401
    Customer(stack.gateway_url).login(identifier=new)


def test_a_code_cannot_be_resent_before_the_cooldown(stack):
    me = Customer(stack.gateway_url)
    reply = me.ok("POST", "/api/v1/auth/register", 202, json={
        "phone": me.phone, "password": PASSWORD, "terms_accepted": True})
    early = me.call("POST", "/api/v1/auth/resend", json={"challenge_id": reply["registration_id"]})
    assert early.status_code == 429 and int(early.headers["Retry-After"]) > 0
