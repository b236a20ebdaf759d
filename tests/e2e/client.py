"""A small HTTP client for end-to-end tests: a customer talking to the gateway."""

from __future__ import annotations

import json
import random
import time
import uuid
from pathlib import Path

import requests

DEMO = json.loads((Path(__file__).resolve().parents[2] / "demo" / "demo.json").read_text())
PASSWORD = "Kabinet-Test-2026"


def demo_account(number: str) -> dict:
    return next(a for a in DEMO["accounts"] if a["number"] == number)


def eventually(check, timeout: float = 20.0, interval: float = 0.1, what: str = "condition"):
    """Poll until `check()` returns something truthy; return it."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


class Customer:
    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/")
        self.http = requests.Session()
        self.phone = f"+79{random.randrange(10**9):09d}"

    def call(self, method: str, path: str, **kw) -> requests.Response:
        return self.http.request(method, self.base + path, timeout=15, **kw)

    def ok(self, method: str, path: str, status: int = 200, **kw):
        response = self.call(method, path, **kw)
        assert response.status_code == status, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    def dev_code(self, destination: str, after: float = 0.0) -> str:
        def code():
            messages = self.ok("GET", "/dev/outbox", params={"to": destination})["messages"]
            for m in messages:
                digits = [w.strip(".,:") for w in m["body"].split() if w.strip(".,:").isdigit()]
                if digits and len(digits[0]) == 6:
                    return digits[0]
            return None
        return eventually(code, what=f"a code for {destination}")

    def register(self) -> Customer:
        reply = self.ok("POST", "/api/v1/auth/register", 202, json={
            "phone": self.phone, "password": PASSWORD, "terms_accepted": True})
        code = self.dev_code(self.phone)
        self.ok("POST", "/api/v1/auth/register/confirm", json={
            "registration_id": reply["registration_id"], "code": code})
        return self

    def login(self, identifier: str | None = None, password: str = PASSWORD) -> Customer:
        tokens = self.ok("POST", "/api/v1/auth/login", json={
            "identifier": identifier or self.phone, "password": password})
        self.tokens = tokens
        self.http.headers["Authorization"] = f"Bearer {tokens['access_token']}"
        return self

    def bind(self, number: str) -> dict:
        account = demo_account(number)
        last = max(account["payments"], key=lambda p: p["date"])
        meter = account["meters"][0]["number"]
        return self.ok("POST", "/api/v1/accounts", 201, json={
            "number": number, "proof": {"meter_number": meter} if last["channel"] != "cabinet"
            else {"last_payment": {"date": last["date"], "amount_kop": last["amount_kop"]}}})

    def submit(self, account_id: str, meter_id: str, values: dict, key: str | None = None,
               status: int = 201):
        headers = {"Idempotency-Key": key or uuid.uuid4().hex}
        return self.ok("POST", f"/api/v1/accounts/{account_id}/readings", status,
                       json={"meter_id": meter_id, "values": values}, headers=headers)

    def last_values(self, account_id: str) -> dict:
        readings = self.ok("GET", f"/api/v1/accounts/{account_id}/readings")["readings"]
        return readings[0]["values"]

    def charge_for(self, account_id: str, reading_id: str) -> list[dict]:
        charges = self.ok("GET", f"/api/v1/accounts/{account_id}/charges", params={"limit": 200})["charges"]
        return [c for c in charges if c["reading_id"] == reading_id]
