"""Onboard a supplier the way a retailer does, through the gateway's staff API alone:

    python -m tools.onboard --gateway URL --supplier demo/supplier.json --registry demo/registry [--strict]

1. signs in as staff (login, password and the TOTP secret from --login/--password/--totp-secret or
   KABINET_STAFF_LOGIN / KABINET_STAFF_PASSWORD / KABINET_STAFF_TOTP_SECRET; role admin);
2. creates the supplier of the JSON file's `supplier` (POST /staff/v1/suppliers) unless one with its
   sms_code exists;
3. puts its `categories` (PUT /staff/v1/tariff-categories/<code>), `norms` (POST
   /staff/v1/consumption-norms; supplier_id is filled in) and the platform's `key_rates` for penalties
   (PUT /staff/v1/key-rates) when the file has them;
4. imports the registry directory's files (accounts.csv, meters.csv, payments.csv, contracts.csv,
   balances.csv, tariffs.csv, readings.csv, contract_documents.csv; those present) in one
   POST /staff/v1/registry.

Every step is idempotent: running it again changes nothing. Prints {"supplier_id", "files"} as JSON;
--strict exits 1 when the registry rejected a row. devstack runs it with demo/ in the dev and test profiles.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import struct
import sys
import time
from pathlib import Path

import requests

REGISTRY_FILES = ("accounts", "meters", "payments", "contracts", "balances", "tariffs", "readings",
                  "contract_documents")
TIMEOUT = 330  # the registry: one transaction per service over the whole file


class OnboardingError(RuntimeError):
    pass


def totp(secret: str, step: int) -> str:
    """RFC 6238 (SHA-1, 6 digits, 30 s), as auth checks the staff second factor."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 10**6:06d}"


class Staff:
    def __init__(self, gateway: str) -> None:
        self.gateway = gateway.rstrip("/")
        self.http = requests.Session()

    def sign_in(self, login: str, password: str, secret: str) -> None:
        step = int(time.time()) // 30
        for attempt in (step, step + 1):  # a code of this step may be spent already (no replay): the next one
            reply = self.http.post(f"{self.gateway}/staff/v1/auth/login", timeout=30, json={
                "login": login, "password": password, "totp_code": totp(secret, attempt)})
            if reply.status_code == 200:
                self.http.headers["Authorization"] = f"Bearer {reply.json()['access_token']}"
                return
        raise OnboardingError(f"staff sign-in failed: {reply.status_code} {reply.text}")

    def call(self, method: str, path: str, expect: tuple[int, ...] = (200,), **kw) -> dict:
        reply = self.http.request(method, f"{self.gateway}{path}", timeout=kw.pop("timeout", 60), **kw)
        if reply.status_code not in expect:
            raise OnboardingError(f"{method} {path}: {reply.status_code} {reply.text}")
        return reply.json()


def onboard(staff: Staff, supplier_file: Path, registry_dir: Path | None) -> dict:
    spec = json.loads(supplier_file.read_text())
    supplier = spec["supplier"]
    existing = [s for s in staff.call("GET", "/staff/v1/suppliers")["suppliers"]
                if s["sms_code"] == supplier["sms_code"]]
    supplier_id = (existing[0] if existing else
                   staff.call("POST", "/staff/v1/suppliers", (201,), json=supplier))["supplier_id"]
    for category in spec.get("categories", []):
        staff.call("PUT", f"/staff/v1/tariff-categories/{category['code']}", json={"title": category["title"]})
    for norm in spec.get("norms", []):
        staff.call("POST", "/staff/v1/consumption-norms", (200, 201), json={**norm, "supplier_id": supplier_id})
    for rate in spec.get("key_rates", []):
        staff.call("PUT", "/staff/v1/key-rates", json=rate)
    files = {}
    if registry_dir is not None:
        files = {name: (f"{name}.csv", (registry_dir / f"{name}.csv").read_bytes(), "text/csv")
                 for name in REGISTRY_FILES if (registry_dir / f"{name}.csv").exists()}
    report = staff.call("POST", "/staff/v1/registry", files=files, timeout=TIMEOUT)["files"] if files else []
    return {"supplier_id": supplier_id, "files": report}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.onboard", description=__doc__.split("\n\n")[0])
    parser.add_argument("--gateway", required=True, help="the gateway's base URL, e.g. http://127.0.0.1:8080")
    parser.add_argument("--supplier", type=Path, required=True, help="JSON: supplier, categories, norms")
    parser.add_argument("--registry", type=Path, help="a directory with the registry's CSV files")
    parser.add_argument("--login", default=os.environ.get("KABINET_STAFF_LOGIN"))
    parser.add_argument("--password", default=os.environ.get("KABINET_STAFF_PASSWORD"))
    parser.add_argument("--totp-secret", default=os.environ.get("KABINET_STAFF_TOTP_SECRET"))
    parser.add_argument("--strict", action="store_true", help="exit 1 when the registry rejected a row")
    args = parser.parse_args(argv)
    if not (args.login and args.password and args.totp_secret):
        parser.error("staff login, password and TOTP secret are required (arguments or KABINET_STAFF_*)")
    staff = Staff(args.gateway)
    try:
        staff.sign_in(args.login, args.password, args.totp_secret)
        result = onboard(staff, args.supplier, args.registry)
    except (OnboardingError, requests.RequestException) as exc:
        print(f"onboarding failed: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False, indent=2))
    rejected = [(f["kind"], r) for f in result["files"] for r in f["rejected"]]
    if rejected and args.strict:
        print(f"rejected rows: {rejected}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
