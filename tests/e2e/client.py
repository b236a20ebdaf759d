"""A small HTTP client for end-to-end tests: a customer talking to the gateway."""

from __future__ import annotations

import json
import os
import random
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"


def _demo() -> dict:
    """The demo as the stack onboards it: demo/supplier.json (`supplier`, without its id: the stack knows it,
    `stack.demo_supplier_id`), demo/registry's accounts with their meters and payments (as `accounts`, in the
    shape the tests read), the demo customer of demo/demo.json (`demo_user`)."""
    import csv

    def rows(name: str) -> list[dict]:
        with open(DEMO_DIR / "registry" / f"{name}.csv", encoding="utf-8") as f:
            return list(csv.DictReader(f, delimiter=";"))

    accounts = {a["account_number"]: {
        "number": a["account_number"], "holder": a["holder"], "address": a["address"], "category": a["category"],
        "premise": {"area_m2": a["area_m2"].replace(",", "."), "residents": int(a["residents"]), "stove": a["stove"]},
        "bill_delivery": a["bill_delivery"], "automatic_metering": a["automatic_metering"] == "1", "meters": [],
        "payments": []} for a in rows("accounts")}
    for m in rows("meters"):
        accounts[m["account_number"]]["meters"].append({
            "number": m["meter_number"], "model": m["model"], "zones": int(m["zones"]), "digits": int(m["digits"]),
            "verification_due": m["verification_due"]})
    for p in rows("payments"):
        rub, _, kop = p["amount"].partition(",")
        accounts[p["account_number"]]["payments"].append({
            "date": p["paid_on"], "amount_kop": int(rub) * 100 + int(kop or 0), "channel": p["channel"]})
    return {"supplier": json.loads((DEMO_DIR / "supplier.json").read_text())["supplier"],
            "accounts": list(accounts.values()),
            "demo_user": json.loads((DEMO_DIR / "demo.json").read_text())["demo_user"]}


DEMO = _demo()
PASSWORD = "Kabinet-Test-2026"
CAPTCHA_ROUTES = ("/api/v1/auth/register", "/api/v1/auth/recovery")


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


def fake_ip() -> str:
    """A client address for one test customer (198.18.0.0/15, the benchmarking range: only a header value,
    no traffic goes there). The test profile trusts one proxy hop, so the gateway keys its per-IP limits on
    it and tests do not share one 127.0.0.1 budget."""
    return f"198.{random.randrange(18, 20)}.{random.randrange(256)}.{random.randrange(1, 255)}"


# --- every JSON reply is checked against the gateway's OpenAPI document -----------------------------
#
# tests/e2e/conftest.py turns the check on for the session (`Contract.start(stack.gateway_url)`, which
# fetches GET /openapi.json once); from then on every response a Customer receives, and every response
# of a bare `requests.request/get/post/...` to the gateway, is validated with openapi-core when its body
# is JSON or problem+json and its path and method are in the document. A mismatch fails the test at the
# request (pytest.fail, which `pytest.raises(AssertionError)` or `except Exception` cannot swallow).
# Routes outside the document (/dev/*, /readyz, …) and other bodies (.xlsx, images, redirects) are
# skipped. KABINET_OPENAPI_CHECK=report records the mismatches instead and lists them at the end of the
# run (a survey while the gateway changes); =off turns the check off. Code outside pytest (bench/) never
# starts it, so it measures the gateway alone.

JSON_TYPES = ("application/json", "application/problem+json")


@dataclass
class Mismatch:
    method: str
    path: str  # the document's path template
    status: int
    problems: list[str]  # `field: what is wrong`, from the validator
    body: str
    count: int = 1

    def __str__(self) -> str:
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        return (f"the response does not match the OpenAPI document: {self.method} {self.path} -> {self.status}\n"
                f"{lines}\n  body: {self.body}")


class Contract:
    active: Contract | None = None
    mismatches: dict[tuple, Mismatch] = {}  # KABINET_OPENAPI_CHECK=report
    checked = 0  # responses validated this session

    def __init__(self, base_url: str, document: dict) -> None:
        self.base = base_url.rstrip("/")
        # openapi-core parses only application/json (and vnd.api+json) as JSON; its other media types are bytes,
        # so every problem+json body would be "not of type 'object'". A limit of the validator: parse it too.
        self.openapi = OpenAPI.from_dict(document, config=Config(extra_media_type_deserializers={
            "application/problem+json": lambda body, **parameters: json.loads(body)}))
        # (regex, template, methods); paths with fewer {parameters} first, so a literal segment wins
        self.routes = sorted(
            ((re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$"), path, set(ops))
             for path, ops in document.get("paths", {}).items()),
            key=lambda route: (route[1].count("{"), route[1]))
        self.mode = os.environ.get("KABINET_OPENAPI_CHECK", "strict")

    @classmethod
    def start(cls, base_url: str) -> Contract:
        reply = requests.Session().get(base_url.rstrip("/") + "/openapi.json", timeout=15)
        assert reply.status_code == 200, f"GET /openapi.json: {reply.status_code} {reply.text[:500]}"
        cls.active = cls(base_url, reply.json())
        return cls.active

    @classmethod
    def stop(cls) -> None:
        cls.active = None

    def template(self, method: str, path: str) -> str | None:
        for pattern, template, methods in self.routes:
            if pattern.match(path) and method.lower() in methods:
                return template
        return None

    def check(self, response: requests.Response) -> None:
        __tracebackhide__ = True  # a failure points at the test's request, not here
        if self.mode == "off" or not response.url.startswith(self.base + "/"):
            return
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        if content_type not in JSON_TYPES or not response.content:
            return
        request = response.request
        path = urlsplit(request.url).path
        template = self.template(request.method, path)
        if template is None:
            return
        Contract.checked += 1
        errors = list(self.openapi.iter_response_errors(RequestsOpenAPIRequest(request),
                                                        RequestsOpenAPIResponse(response)))
        if not errors:
            return
        problems = [line for error in errors for line in describe(error)]
        mismatch = Mismatch(request.method, template, response.status_code, problems, response.text[:1000])
        if self.mode == "report":
            key = (mismatch.method, mismatch.path, mismatch.status, tuple(problems))
            if key in Contract.mismatches:
                Contract.mismatches[key].count += 1
            else:
                Contract.mismatches[key] = mismatch
            return
        pytest.fail(str(mismatch))


def describe(error: Exception) -> list[str]:
    """The validator's error as lines `field: what is wrong` (the schema errors behind a body mismatch)."""
    cause = error.__cause__
    schema_errors = list(getattr(cause, "schema_errors", None) or [])
    if not schema_errors:
        return [f"{type(error).__name__}: {error}" + (f" ({cause})" if cause else "")]
    lines = []
    for schema_error in schema_errors:
        field = ".".join(str(part) for part in schema_error.absolute_path) or "(body)"
        lines.append(f"{field}: {schema_error.message}")
    return lines


def check_response(response: requests.Response, *args, **kwargs) -> requests.Response:
    """A requests response hook: the check above, while a test session has started it."""
    __tracebackhide__ = True
    if Contract.active is not None:
        Contract.active.check(response)
    return response


class Customer:
    def __init__(self, base_url: str, ip: str | None = None) -> None:
        self.base = base_url.rstrip("/")
        self.http = requests.Session()
        self.phone = f"+79{random.randrange(10**9):09d}"
        self.ip = ip or fake_ip()
        self.http.headers["X-Forwarded-For"] = self.ip
        self.http.hooks["response"].append(check_response)
        self.auto_captcha = True  # solve the captcha of register/recovery as a person would, unless told not to

    def captcha(self) -> dict:
        """A new captcha, solved through the dev/test-only answer endpoint: {captcha_id, captcha_answer}."""
        captcha_id = self.ok("GET", "/api/v1/captcha")["captcha_id"]
        answer = self.ok("GET", f"/dev/captcha/{captcha_id}")["answer"]
        return {"captcha_id": captcha_id, "captcha_answer": answer}

    def call(self, method: str, path: str, **kw) -> requests.Response:
        body = kw.get("json")
        if (self.auto_captcha and method == "POST" and path in CAPTCHA_ROUTES and isinstance(body, dict)
                and "captcha_id" not in body):
            kw["json"] = {**body, **self.captcha()}
        return self.http.request(method, self.base + path, timeout=15, **kw)

    def ok(self, method: str, path: str, status: int = 200, **kw):
        response = self.call(method, path, **kw)
        assert response.status_code == status, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    def dev_code(self, destination: str, not_in: frozenset[str] | set[str] = frozenset()) -> str:
        """A one-time code sent to `destination` (the dev outbox), other than those `not_in` (codes seen before:
        a new code's message may arrive a moment after the request that sent it)."""
        def code():
            messages = self.ok("GET", "/dev/outbox", params={"to": destination})["messages"]
            for m in messages:
                digits = [w.strip(".,:") for w in m["body"].split() if w.strip(".,:").isdigit()]
                if digits and len(digits[0]) == 6 and digits[0] not in not_in:
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
        body = {"identifier": identifier or self.phone, "password": password}
        response = self.call("POST", "/api/v1/auth/login", json=body)
        if response.status_code == 422 and response.json().get("code") == "captcha_required":
            response = self.call("POST", "/api/v1/auth/login", json={**body, **self.captcha()})
        assert response.status_code == 200, f"login: {response.status_code} {response.text}"
        tokens = response.json()
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


def same_problem(response: requests.Response) -> dict:
    """A problem+json body without what names the request (path, request id): what a caller learns."""
    assert response.headers["Content-Type"].startswith("application/problem+json"), response.text
    return {k: v for k, v in response.json().items() if k not in ("instance", "request_id")}


def staff_member(stack, role: str = "admin") -> Customer:
    """A new staff user (the admin command, as in test_identity_social_and_staff), signed in with TOTP."""
    import re
    import subprocess
    import sys
    from urllib.parse import parse_qs, urlparse

    from services.auth.domain.totp import code_at

    login, password = f"st{uuid.uuid4().hex[:10]}", "Staff-Passw0rd-2026"
    done = subprocess.run([sys.executable, "-m", "services.auth", "create-staff", "--login", login, "--role", role,
                           "--password-stdin"], input=password + "\n", env=stack.env_for("auth"),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    secret = parse_qs(urlparse(re.search(r"otpauth://\S+", done.stdout).group()).query)["secret"][0]
    staff = Customer(stack.gateway_url)
    tokens = staff.ok("POST", "/staff/v1/auth/login", json={
        "login": login, "password": password, "totp_code": code_at(secret, int(time.time()) // 30)})
    staff.tokens = tokens
    staff.http.headers["Authorization"] = f"Bearer {tokens['access_token']}"
    return staff


SBER = {"bank_name": "ПАО Сбербанк", "bic": "044525225", "settlement_account": "40702810938000000001",
        "correspondent_account": "30101810400000000225"}


NO_SUPPLIER_CODE = "999"  # no test's supplier has it: a registry row naming it names an unknown supplier


def new_supplier(admin: Customer, name: str = "АО «Декабрьская сбытовая»", due_day: int = 15, **fields) -> dict:
    """A supplier of the test's own (POST /staff/v1/suppliers), so that what the test closes or accrues (a
    billing period, penalties) touches no other test's accounts; `fields` replace the defaults."""
    # sms codes are unique (3 digits): try another on a collision with another test's; never NO_SUPPLIER_CODE
    for _ in range(50):
        response = admin.call("POST", "/staff/v1/suppliers", json={
            "name": name, "inn": "7841322249", "kpp": "784101001", "bank": SBER,
            "sms_code": str(random.randrange(100, int(NO_SUPPLIER_CODE))), "payment_due_day": due_day, "services": ["Электроэнергия"],
            "readings_window": {"from_day": 1, "to_day": 31, "outside": "refuse"}} | fields)
        if response.status_code == 201:
            return response.json()
        assert response.status_code == 409, response.text
    raise AssertionError("no free sms code")


def qr_codes(pdf: bytes) -> list[str]:
    """The texts of the QR codes on a PDF's first page (zxing-cpp over the embedded images)."""
    import io

    import zxingcpp
    from pypdf import PdfReader

    found = []
    for picture in PdfReader(io.BytesIO(pdf)).pages[0].images:
        found += [c.bytes.decode("utf-8") for c in zxingcpp.read_barcodes(picture.image,
                                                                        formats=zxingcpp.BarcodeFormat.QRCode)]
    return found


def import_registry(staff: Customer, status: int = 200, **files: str) -> dict:
    """POST /staff/v1/registry with CSV texts named accounts / meters / payments / contracts."""
    upload = {name: (f"{name}.csv", text.encode(), "text/csv") for name, text in files.items()}
    return staff.ok("POST", "/staff/v1/registry", status, files=upload)


def new_contract(staff: Customer) -> dict:
    """A fresh legal contract of the demo supplier, imported through the staff registry route."""
    number = f"9{random.randrange(10**13):013d}"
    box = uuid.uuid4().hex[:8]
    emails = [f"buh-{box}@zavod.example.ru", f"info-{box}@zavod.example.ru"]
    contract = {"number": number, "emails": emails, "holder": f"ООО «Завод {box}»", "inn": "7801234567"}
    report = import_registry(staff, contracts="supplier_code;contract_number;holder;inn;emails;address\n"
                             f"012;{number};{contract['holder']};7801234567;{', '.join(emails)};"
                             "Санкт-Петербург, ул. Заводская, д. 1\n")
    assert report["files"][0]["inserted"] == 1, report
    return contract


def contract_links(customer: Customer, email: str) -> list[str]:
    """The tokens of the contract confirmation links sent to `email` so far (from the dev outbox)."""
    import re
    from urllib.parse import unquote

    messages = customer.ok("GET", "/dev/outbox", params={"to": email})["messages"]
    return [unquote(m.group(1)) for m in (re.search(r"/contracts/confirm\?token=([^\s&\"'<>]+)", x["body"])
                                          for x in messages) if m]


def confirmation_token(customer: Customer, email: str, seen: frozenset[str] | set[str] = frozenset()) -> str:
    """The token of a contract confirmation link sent to `email` that is not among `seen`."""
    return eventually(lambda: next((t for t in contract_links(customer, email) if t not in seen), None),
                      what=f"a contract confirmation link for {email}")


def bind_contract(customer: Customer, contract: dict) -> dict:
    """The whole flow: ask, read the link from the e-mail, follow it. The contract as listed."""
    email = contract["emails"][0]
    seen = set(contract_links(customer, email))
    customer.ok("POST", "/api/v1/contracts", 202, json={"number": contract["number"], "email": email})
    token = confirmation_token(customer, email, seen)
    confirmed = customer.ok("POST", "/api/v1/contracts/confirm", json={"token": token})
    return customer.ok("GET", f"/api/v1/contracts/{confirmed['contract_id']}")
