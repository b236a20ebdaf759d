"""A retailer onboards a supplier in production: a stack with profile "prod" starts with no demo data
at all; staff create the supplier, its categories and norms through the staff API and import its registry
(accounts, meters, payments, opening debts, last readings, tariffs) through POST /staff/v1/registry alone.
Then a customer registers, binds an account, submits a reading and gets a charge at the registry's tariff
(no tariff_not_found), and the balance is the registry's opening debt, less the payments after it, less
the charge.

The production stack's outside world: mail goes to the SMTP simulator (as to a relay on the host, no AUTH),
SMS nowhere; the captcha's answer is read from the shared store, where the gateway keeps it."""

from __future__ import annotations

import base64
import re
import time
import uuid

import pytest
import redis

from devstack.stack import Stack
from tests.e2e.client import PASSWORD, Customer, eventually, import_registry, staff_member

pytestmark = pytest.mark.e2e

CAPTCHA_PREFIX = "gw:captcha:"  # gateway/captcha.py:PREFIX


class ProductionStack(Stack):
    """Profile prod with the secrets it asks for; e-mail through the SMTP simulator."""

    @property
    def simulators(self) -> dict[str, list[str]]:
        sims = super().simulators
        smtp = sims["smtp-sim"]
        for flag in ("--login", "--password"):  # a relay on the host: no AUTH (production refuses AUTH without TLS)
            at = smtp.index(flag)
            del smtp[at:at + 2]
        return sims

    def env_for(self, process: str) -> dict[str, str]:
        env = super().env_for(process)
        env |= {"KABINET_CODE_PEPPER": "onboarding-test-pepper-" + "x" * 16,
                "KABINET_PUBLIC_URL": self.gateway_url, "KABINET_SECRET_KEY": "onboarding-test-" + "k" * 32,
                "KABINET_PARTNER_KEK": base64.b64encode(b"onboarding-test-partner-kek-32b!").decode(),
                # a shop of its own (https is required in prod); nothing here pays by card
                "KABINET_YOOKASSA_URL": "https://api.yookassa.example/v3", "KABINET_YOOKASSA_SHOP_ID": "1",
                "KABINET_YOOKASSA_SECRET_KEY": "onboarding-test-shop-key"}
        if process.startswith("notify"):
            env |= {"KABINET_UNSUBSCRIBE_SECRET": "onboarding-test-unsubscribe-" + "u" * 16,
                    "KABINET_EMAIL_ADAPTER": "smtp", "KABINET_SMTP_HOST": "127.0.0.1",
                    "KABINET_SMTP_PORT": str(self.ports["smtp_sim"]), "KABINET_SMTP_SECURITY": "none",
                    "KABINET_SMTP_FROM": "Личный кабинет <noreply@kabinet.example>"}
        return env


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    stack = ProductionStack(tmp_path_factory.mktemp("production"), "prod", fast=True)
    try:
        stack.start()
    except Exception as exc:
        pytest.fail(f"the production stack did not start: {exc}\n\n{stack.log_tails(15)}", pytrace=False)
    yield stack
    stack.stop()


class ProductionCustomer(Customer):
    """A person registering by e-mail: the captcha read from the shared store (no dev endpoints here), the
    code from the mail the SMTP simulator received."""

    def __init__(self, stack: Stack) -> None:
        super().__init__(stack.gateway_url)
        self.stack = stack
        self.email = f"onboarding-{uuid.uuid4().hex[:10]}@example.ru"
        self.store = redis.Redis.from_url(stack.redis_url, decode_responses=True)

    def captcha(self) -> dict:
        captcha_id = self.ok("GET", "/api/v1/captcha")["captcha_id"]
        return {"captcha_id": captcha_id, "captcha_answer": self.store.get(CAPTCHA_PREFIX + captcha_id)}

    def register(self) -> ProductionCustomer:
        reply = self.ok("POST", "/api/v1/auth/register", 202, json={
            "email": self.email, "password": PASSWORD, "terms_accepted": True})

        def code():
            mail = f"{self.stack.mailbox_url('smtp')}/_sim/messages"
            for m in self.http.get(mail, params={"to": self.email}, timeout=10).json()["messages"]:
                found = re.search(r"\b(\d{6})\b", m.get("body", "") or m.get("text", ""))
                if found:
                    return found.group(1)
            return None
        self.ok("POST", "/api/v1/auth/register/confirm", json={
            "registration_id": reply["registration_id"], "code": eventually(code, what="the e-mailed code")})
        return self

    def login(self, identifier: str | None = None, password: str = PASSWORD) -> ProductionCustomer:
        return super().login(identifier or self.email, password)


SUPPLIER = {"name": "АО «Петербургская сбытовая компания»", "inn": "7841322249", "kpp": "784101001",
            "bank": {"bank_name": "ПАО Сбербанк", "bic": "044525225", "settlement_account": "40702810938000000001",
                     "correspondent_account": "30101810400000000225"},
            "sms_code": "077", "readings_window": {"from_day": 1, "to_day": 31, "outside": "refuse"},
            "payment_due_day": 10, "services": ["Электроэнергия"]}
REGISTRY = {
    "accounts": "supplier_code;account_number;holder;address;category;area_m2;residents;stove;bill_delivery;"
                "automatic_metering\n"
                "077;77-00000001;Смирнова Ольга Петровна;Санкт-Петербург, ул. Марата, д. 1, кв. 1;city_gas;48,5;2;"
                "gas;email;0\n",
    "meters": "supplier_code;account_number;meter_number;model;zones;digits;ratio;verification_due\n"
              "077;77-00000001;7700001;Меркурий 201.5;1;6;1;2032-12-31\n",
    # the payment of 20.10 is in the balance of 01.11; the one of 15.11 is not (and proves the binding)
    "payments": "supplier_code;account_number;paid_on;amount;channel;external_id\n"
                "077;77-00000001;2026-10-20;500,00;bank;bill-1\n"
                "077;77-00000001;2026-11-15;700,00;bank;bill-2\n",
    "balances": "supplier_code;account_number;bucket;amount;due_on;as_of;external_id\n"
                "077;77-00000001;energy;-2000,00;2026-11-10;2026-11-01;\n",
    "readings": "supplier_code;account_number;meter_number;taken_at;total\n"
                "077;77-00000001;7700001;2026-11-01;5000\n",
    "tariffs": "supplier_code;category;category_title;valid_from;one_zone;two_zone_day;two_zone_night\n"
               "077;city_gas;Город, газовые плиты;2026-01-01;6,00;6,90;3,45\n",
}


def test_a_supplier_is_onboarded_through_the_staff_api_and_the_registry_alone(production):
    staff = staff_member(production)
    assert staff.ok("GET", "/staff/v1/suppliers")["suppliers"] == []  # production: no demo supplier, nothing
    me = ProductionCustomer(production).register().login()
    demo = me.call("POST", "/api/v1/accounts", json={"number": "12-10000001", "proof": {"meter_number": "01234567"}})
    assert demo.status_code == 404, demo.text

    supplier = staff.ok("POST", "/staff/v1/suppliers", 201, json=SUPPLIER)
    staff.ok("PUT", "/staff/v1/tariff-categories/city_gas", json={"title": "Городское население, газовые плиты"})
    staff.ok("POST", "/staff/v1/consumption-norms", json={
        "supplier_id": supplier["supplier_id"], "category": "city_gas", "residents": 2, "valid_from": "2026-01-01",
        "kwh_per_month": "120"})
    report = import_registry(staff, **REGISTRY)
    summary = {(f["service"], f["kind"]): (f["rows"], f["inserted"], f["rejected"]) for f in report["files"]}
    assert summary == {
        ("accounts", "accounts"): (1, 1, []), ("accounts", "meters"): (1, 1, []),
        ("accounts", "payments"): (2, 2, []), ("payments", "balances"): (1, 1, []),
        ("payments", "payments"): (2, 1, []), ("payments", "tariffs"): (1, 1, []),
        ("readings", "readings"): (1, 1, [])}
    again = import_registry(staff, **REGISTRY)  # the retry of a failed upload: everything unchanged
    assert all(f["inserted"] == f["updated"] == 0 and not f["rejected"] for f in again["files"]), again

    account = me.ok("POST", "/api/v1/accounts", 201, json={
        "number": "77-00000001", "proof": {"last_payment": {"date": "2026-11-15", "amount_kop": 70000}}})
    account_id, meter_id = account["account_id"], account["meters"][0]["meter_id"]
    balance = eventually(lambda: me.ok("GET", f"/api/v1/accounts/{account_id}/balance"), what="the balance")
    assert balance["balance_kop"] == -200000 + 70000
    assert me.last_values(account_id) == {"total": "5000.000"}  # the registry's last reading

    reading = me.submit(account_id, meter_id, {"total": "5100"})
    assert reading["consumption"] == {"total": "100.000"}
    started = time.monotonic()
    charge = eventually(lambda: me.charge_for(account_id, reading["reading_id"]), timeout=30,
                        what="the charge (not tariff_not_found)")[0]
    assert charge["amount_kop"] == 60000, charge  # 100 kWh × 6,00 ₽
    assert me.ok("GET", f"/api/v1/accounts/{account_id}/balance")["balance_kop"] == -200000 + 70000 - 60000
    assert time.monotonic() - started < 30
