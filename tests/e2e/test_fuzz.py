"""A bounded property-based run over the gateway's OpenAPI document (schemathesis).

Every operation of GET /openapi.json (/api/v1 and /staff/v1) gets generated requests, valid and invalid
(schemathesis' examples, coverage and fuzzing phases, both generation modes), and every response must
  - never be a 5xx (`not_a_server_error`), and
  - conform to the document: a documented status code, its content type, a body of its schema
    (`status_code_conformance`, `content_type_conformance`, `response_schema_conformance`).

Who asks: /api/v1 operations that need a bearer token carry a freshly registered customer's who has bound a
demo account; /staff/v1 ones an admin staff member's; routes without `security` go out without a token.
Path parameters, query parameters and JSON bodies that name an id the fuzzer could never guess
(`account_id`, `meter_id`, `group_id`, `request_id`, `session_id`) get the caller's real one in some of the
cases (a schemathesis `flatmap_*` hook on this schema only), so those cases reach the handlers behind the 404s.

Rate limits: the run has a stack of its own (`fuzz_stack`, the same as devstack's `stack` otherwise), whose
gateway gets `KABINET_RATE_LIMITS` with every limit of gateway.throttle.LIMITS raised far beyond the run;
it also keeps the generated data away from the shared stack the other e2e tests use. Each case comes from
an address of its own (X-Forwarded-For; the test profile trusts one proxy hop), so the failed sign-in
guard, which keys on the address and is not a configurable limit, does not ask the fuzzer's logins for
a captcha either. A 429 therefore fails the run: it would mean the cases stopped reaching the handlers.
Captcha-protected routes (register, recovery) still answer 422 captcha_required to generated bodies: that
is documented, and conforms.

Operations that end the test's own session (logout, logout-all, revoking a session, staff logout,
unbinding an account) run last, in `test_session_enders`; before each of their cases the caller signs in
again (the customer with its password, binding the account again if a case unbound it; staff as a new
staff member, since a TOTP code signs in once) when an earlier case ended its session, so every case of
them still reaches its handler with a live session.

Bounded and repeatable: a fixed seed, derandomized generation, MAX_EXAMPLES per operation in the fuzzing
phase (the examples and coverage phases are deterministic by construction), no shrinking, no example
database; an operation that fails goes on to its last case, so each reports all its distinct failures.
"""

from __future__ import annotations

import itertools
import json
import queue
import re
import threading
from collections.abc import Iterator

import hypothesis.strategies as st
import pytest
import requests
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from devstack.stack import Stack
from gateway.throttle import LIMITS
from tests.e2e.client import Customer, staff_member

pytestmark = pytest.mark.e2e

MAX_EXAMPLES = 10
SEED = 20260214
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
GENEROUS = {name: "100000/minute" for name in LIMITS}  # every limit, far beyond this run
DEMO_ACCOUNT = "12-10000003"
SPARE_STAFF = 10  # staff members made ahead for the staff sessions that cases end

# (method, path) of the operations that end the caller's session or its binding: run last, see above
SESSION_ENDERS = [
    ("DELETE", "/api/v1/me/sessions/{session_id}"),
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/auth/logout-all"),
    ("POST", "/staff/v1/auth/logout"),
    ("DELETE", "/api/v1/accounts/{account_id}"),
]
ENDER_REGEX = "^(" + "|".join(re.escape(f"{method} {path}") for method, path in SESSION_ENDERS) + ")$"

CONFIG = {
    "seed": SEED,
    "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True, "no-shrink": True,
                   "database": "none"},
    # the document's operations only: no stateful sequences, no methods the document does not name
    "phases": {"stateful": {"enabled": False}, "coverage": {"unexpected-methods": []}},
    "request-timeout": 15,
    "continue-on-failure": True,
    # Hypothesis' own health checks time generation on this busy machine: not what this run asserts
    "suppress-health-check": ["all"],
}


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack like devstack's `stack`, whose gateway has generous rate limits (processes copy our
    environment when they start, so the override reaches the gateway and nothing outside this stack)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KABINET_RATE_LIMITS", json.dumps(GENEROUS))
        stack = Stack(tmp_path_factory.mktemp("fuzz-stack"), "test", fast=True)
        try:
            stack.start()
        except Exception as exc:
            pytest.fail(f"the fuzz stack did not start: {exc}\n\n{stack.log_tails(10)}", pytrace=False)
    yield stack
    stack.stop()


@pytest.fixture(scope="module", autouse=True)
def openapi_contract() -> None:
    """Overrides the e2e one, which would start the shared stack for nothing: here schemathesis checks every
    reply of the cases against the document; the setup's own requests (register, sign in, bind) are the
    other e2e tests' to check, so that a mismatch there does not stop the fuzzing before it starts."""


class Callers:
    """Who the cases run as: a customer who registered, signed in and bound a demo account, and an admin
    staff member; plus the real ids a fuzzer could not guess, and a fresh client address per case."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.customer = Customer(stack.gateway_url).register().login()
        account_id = self.customer.bind(DEMO_ACCOUNT)["account_id"]
        self.staff = staff_member(stack)
        self.ips = (f"198.{18 + n // 65024}.{n // 254 % 256}.{n % 254 + 1}" for n in itertools.count())
        meter_id = self.customer.ok("GET", f"/api/v1/accounts/{account_id}")["meters"][0]["meter_id"]
        group = self.customer.ok("POST", "/api/v1/groups", 201, json={"name": "Дача"})
        request = self.customer.ok("POST", "/api/v1/service-requests", 201, json={
            "account_id": account_id, "type": "electrical", "description": "Искрит розетка"})
        self.ids = {"account_id": account_id, "meter_id": meter_id, "group_id": group["group_id"],
                    "request_id": request["request_id"], "session_id": self.customer.tokens["session_id"]}
        # Staff sign-in takes a new TOTP step, so a staff member signs in once: each staff session that a
        # case ends is replaced by a new staff member, made ahead in the background (a process each).
        self.spare_staff: queue.Queue = queue.Queue()
        threading.Thread(target=self._make_staff, args=(SPARE_STAFF,), daemon=True).start()

    def _make_staff(self, count: int) -> None:
        for _ in range(count):
            try:
                self.spare_staff.put(staff_member(self.stack))
            except Exception:  # the stack is stopping, or create-staff failed: restore() makes its own
                return

    def headers(self, path: str, secured: bool) -> dict[str, str]:
        headers = {"X-Forwarded-For": next(self.ips)}
        if secured:
            who = self.staff if path.startswith("/staff/") else self.customer
            headers["Authorization"] = f"Bearer {who.tokens['access_token']}"
        return headers

    def restore(self, path: str) -> None:
        """Before a case of a session ender: sign in again (and bind again) if an earlier case ended the
        session or unbound the account, so that this case too reaches the handler."""
        if path.startswith("/staff/"):
            me = requests.get(f"{self.stack.gateway_url}/staff/v1/me", headers=self.headers(path, True), timeout=15)
            if me.status_code == 401:
                try:
                    self.staff = self.spare_staff.get_nowait()
                except queue.Empty:
                    self.staff = staff_member(self.stack)
            return
        if self.customer.http.get(f"{self.customer.base}/api/v1/me", timeout=15).status_code == 401:
            del self.customer.http.headers["Authorization"]  # a sign-in that carries a dead token is refused
            self.customer.login()
            self.ids["session_id"] = self.customer.tokens["session_id"]
        accounts = self.customer.ok("GET", "/api/v1/accounts")["accounts"]
        if not any(a["account_id"] == self.ids["account_id"] for a in accounts):
            self.ids["account_id"] = self.customer.bind(DEMO_ACCOUNT)["account_id"]


@pytest.fixture(scope="module")
def callers(fuzz_stack: Stack) -> Callers:
    return Callers(fuzz_stack)


@pytest.fixture(scope="module")
def api_schema(fuzz_stack: Stack, callers: Callers):
    schema = schemathesis.openapi.from_url(f"{fuzz_stack.gateway_url}/openapi.json",
                                           config=schemathesis.Config.from_dict(CONFIG))

    def with_real_ids(values):
        """The generated values, and (for a name of a known id) the same with the caller's real id."""
        if not isinstance(values, dict) or not set(values) & set(callers.ids):
            return st.just(values)
        real = {**values, **{k: v for k, v in callers.ids.items() if k in values}}
        return st.sampled_from([values, real])

    for part in ("path_parameters", "query", "body"):
        schema.hook(f"flatmap_{part}")(lambda context, values: with_real_ids(values))
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    """A limit of schemathesis 4.32 under pytest 9.2: its lazy loader (`from_fixture`) reads and rewrites
    `node._nodeid` (to name the operation in reports), which pytest's nodes no longer have."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


def run(case, callers: Callers) -> None:
    secured = bool(case.operation.definition.raw.get("security"))
    response = case.call_and_validate(headers=callers.headers(case.path, secured), checks=CHECKS)
    assert response.status_code != 429, (
        f"{case.operation.label}: 429 {response.text[:300]}: the fuzz stack's generous KABINET_RATE_LIMITS "
        "did not take (or a new limit is not configurable), so cases stop reaching the handlers")


@schema.exclude(name_regex=ENDER_REGEX).parametrize()
def test_api(case, callers: Callers) -> None:
    run(case, callers)


@schema.include(name_regex=ENDER_REGEX).parametrize()
def test_session_enders(case, callers: Callers) -> None:
    callers.restore(case.path)
    run(case, callers)
