"""SMS readings end to end: a subscriber's SMS enters the SMS simulator (its inbound side), which delivers it to the
gateway like SMSC — a signed form POST to /partners/v1/sms/inbound with a sms_gateway partner's key — readings
stores the reading (source "sms", visible in the account's history) and answers; notify sends the answer, and it
arrives back in the simulator's outbox. Strangers (an unverified phone, another cabinet's phone, an unknown
account) all hear one answer and nothing is stored; malformed texts are answered with the format; a re-delivered
SMS is stored and answered once. Every account is of a supplier of the test's own."""

from __future__ import annotations

import random
import time
import uuid

import pytest
import requests

from tests.e2e.client import Customer, eventually, import_registry, new_supplier, staff_member
from tests.e2e.partner import new_partner

pytestmark = pytest.mark.e2e

NOT_FOUND_TEXT = "Показания не приняты: счёт не привязан к кабинету с этим номером."
MALFORMED_TEXT = "Не удалось разобрать SMS. Пример: PESC DISP 012-12345678 00325"
HOLDER, ADDRESS = "Смсов Семён Семёнович", "Санкт-Петербург, ул. Связи, д. 1"


class Simulator:
    """The SMS simulator's inbound side and its outbox (what Kabinet sent)."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url.rstrip("/")

    def configure(self, **settings) -> dict:
        return self._ok("POST", "/_sim/config", json=settings)

    def send(self, phone: str, text: str, message_id: str | None = None) -> dict:
        """A subscriber's SMS, delivered to the gateway; the gateway's status and answer."""
        return self._ok("POST", "/_sim/inbound", json={"phone": phone, "text": text, "id": message_id or ""})

    def received(self, phone: str) -> list[str]:
        return [m["body"] for m in self._ok("GET", "/_sim/messages", params={"to": phone, "limit": 100})["messages"]]

    def answer_arrives(self, phone: str, text: str, times: int = 1) -> None:
        eventually(lambda: self.received(phone).count(text) >= times, what=f"the answer {text!r} to {phone}")
        time.sleep(1.0)  # a second copy would come within the same moments
        assert self.received(phone).count(text) == times, self.received(phone)

    def _ok(self, method: str, path: str, **kw):
        response = requests.request(method, self.base + path, timeout=30, **kw)
        assert response.status_code == 200, f"{method} {path}: {response.status_code} {response.text}"
        return response.json()


def phone_of(customer: Customer) -> str:
    return customer.phone.lstrip("+")  # SMSC gives the sender without "+"


@pytest.fixture(scope="module")
def admin(stack):
    return staff_member(stack, "admin")


@pytest.fixture(scope="module")
def sim(stack, admin) -> Simulator:
    """The simulator, told the key of a sms_gateway partner of the test's own (the dev stack gives it the gateway's
    URL; a key exists only once staff create the partner)."""
    gateway = new_partner(admin, kind="sms_gateway", name=f"SMSC {uuid.uuid4().hex[:6]}")
    sim = Simulator(stack.mailbox_url("sms"))
    settings = sim.configure(key_id=gateway.key_id, secret=gateway.secret)
    assert settings == {"gateway_url": stack.gateway_url, "key_id": gateway.key_id, "signing": True}
    return sim


@pytest.fixture(scope="module")
def world(stack, admin, sim) -> dict:
    """A supplier with a one-zone account numbered like the seeds' (its SMS code first) and a two-zone account
    numbered otherwise, both bound by a customer who registered (verified) their phone; baselines 100 and 100/50."""
    supplier = new_supplier(admin, name="АО «СМС-сбытовая»")
    code = supplier["sms_code"]
    one, two = f"{code}-{random.randrange(10**8):08d}", f"78-{random.randrange(10**8):08d}"
    m1, m2 = f"S{random.randrange(10**8):08d}", f"S{random.randrange(10**8):08d}"
    import_registry(
        admin,
        accounts="supplier_code;account_number;holder;address;category;area_m2;residents;stove;bill_delivery;"
                 f"automatic_metering\n{code};{one};{HOLDER};{ADDRESS};urban_gas_stove;40,0;1;gas;paper;0\n"
                 f"{code};{two};{HOLDER};{ADDRESS};urban_gas_stove;40,0;1;gas;paper;0\n",
        meters="supplier_code;account_number;meter_number;model;zones;digits;ratio;verification_due\n"
               f"{code};{one};{m1};Меркурий 201.5;1;6;1;2030-12-31\n"
               f"{code};{two};{m2};НЕВА МТ 124 AS OP;2;6;1;2030-12-31\n",
        readings="supplier_code;account_number;meter_number;taken_at;total;day;night\n"
                 f"{code};{one};{m1};2026-01-01;100;;\n{code};{two};{m2};2026-01-01;;100;50\n")
    admin.ok("POST", "/staff/v1/tariffs", 201, json={
        "supplier_id": supplier["supplier_id"], "category": "urban_gas_stove", "valid_from": "2020-01-01",
        "prices": {"1": {"total": "6.00"}, "2": {"day": "6.00", "night": "3.00"}}})
    owner = Customer(stack.gateway_url).register().login()
    accounts = [owner.ok("POST", "/api/v1/accounts", 201, json={"number": n, "proof": {"meter_number": m}})
                for n, m in ((one, m1), (two, m2))]
    world = {"code": code, "one": one, "two": two, "owner": owner, "accounts": accounts}
    # readings learns the supplier's code, the accounts and the binding from events: wait until an SMS that can
    # store nothing (a wrong number of values) is answered for the account and not as a stranger's
    eventually(lambda: sim.send(phone_of(owner), f"PESC DISP {one} 1 2")["answer"]["outcome"] == "wrong_zones",
               timeout=30, interval=0.5, what="readings knows the supplier, the account and the binding")
    return world


def history(customer: Customer, account_id: str) -> list[dict]:
    return customer.ok("GET", f"/api/v1/accounts/{account_id}/readings")["readings"]


def sms_readings(customer: Customer, account_id: str) -> list[dict]:
    return [r for r in history(customer, account_id) if r["source"] == "sms"]


def test_an_sms_reading_is_stored_and_its_answer_reaches_the_sender(sim, world):
    owner, account = world["owner"], world["accounts"][0]
    sent = sim.send(phone_of(owner), f"pesc  disp {world['one']}  00325")  # any case, extra blanks
    assert sent["status"] == 200, sent
    answer = sent["answer"]
    assert answer["outcome"] == "accepted" and answer["replayed"] is False
    assert answer["reply"] == "Приняты показания 325. Предварительно начислено 1350,00 ₽"  # 225 kWh × 6,00
    assert len(answer["reply"]) <= 70
    [reading] = sms_readings(owner, account["account_id"])
    assert (reading["reading_id"], reading["values"], reading["consumption"], reading["status"]) == (
        answer["reading_id"], {"total": "325.000"}, {"total": "225.000"}, "accepted")
    sim.answer_arrives(phone_of(owner), answer["reply"])


def test_two_zones_with_look_alike_letters_and_an_account_numbered_without_the_code(sim, world):
    owner, account = world["owner"], world["accounts"][1]
    text = f"РЕSС DISР {world['code']}-{world['two']} 00325,5 00070"  # Cyrillic Р, Е, С; a decimal comma
    answer = sim.send(phone_of(owner), text)["answer"]
    assert answer["outcome"] == "accepted", answer
    assert answer["reply"] == "Приняты: день 325,5, ночь 70. Предварительно 1413,00 ₽"  # 225,5×6 + 20×3
    [reading] = sms_readings(owner, account["account_id"])
    assert reading["values"] == {"day": "325.500", "night": "70.000"}
    sim.answer_arrives(phone_of(owner), answer["reply"])


def test_a_redelivered_sms_is_stored_and_answered_once(sim, world):
    owner, account = world["owner"], world["accounts"][0]
    before = len(sms_readings(owner, account["account_id"]))
    message_id = f"smsc-{uuid.uuid4().hex[:12]}"
    first = sim.send(phone_of(owner), f"PESC DISP {world['one']} 400", message_id)["answer"]
    again = sim.send(phone_of(owner), f"PESC DISP {world['one']} 400", message_id)["answer"]
    assert first["outcome"] == "accepted" and again == {**first, "replayed": True}
    assert len(sms_readings(owner, account["account_id"])) == before + 1
    sim.answer_arrives(phone_of(owner), first["reply"], times=1)


def test_strangers_hear_one_answer_and_nothing_is_stored(stack, sim, world):
    owner, account = world["owner"], world["accounts"][0]
    before = history(owner, account["account_id"])
    unverified = f"79{random.randrange(10**9):09d}"  # no cabinet confirmed it
    other = Customer(stack.gateway_url).register().login()  # a verified phone, another cabinet
    tries = [(unverified, f"PESC DISP {world['one']} 500"),
             (phone_of(other), f"PESC DISP {world['one']} 500"),
             (phone_of(owner), f"PESC DISP {world['code']}-{random.randrange(10**8):08d} 500")]  # unknown account
    answers = [sim.send(phone, text)["answer"] for phone, text in tries]
    assert [(a["outcome"], a["reply"], a["reading_id"]) for a in answers] == [
        ("not_found", NOT_FOUND_TEXT, None)] * 3
    assert history(owner, account["account_id"]) == before
    for phone in (unverified, phone_of(other)):
        sim.answer_arrives(phone, NOT_FOUND_TEXT)
    assert all(world["one"] not in body and "Смсов" not in body for body in sim.received(unverified))


@pytest.mark.parametrize("text", ["", "Привет", "PESC DISP", "PESC DISP 12345678 00325", "PESC DISP 012-1 1 2 3 4",
                                  "PESC DISP 012-12345678 12,34,5", "показания 00325"])
def test_malformed_texts_are_answered_with_the_format(sim, world, text):
    owner = world["owner"]
    answer = sim.send(phone_of(owner), text)["answer"]
    assert (answer["outcome"], answer["reply"], answer["reading_id"]) == ("malformed", MALFORMED_TEXT, None)


def test_the_rules_of_any_reading_answer_in_words(sim, world):
    owner, account = world["owner"], world["accounts"][0]
    before = history(owner, account["account_id"])
    below = sim.send(phone_of(owner), f"PESC DISP {world['one']} 00150")["answer"]
    assert (below["outcome"], below["reply"]) == (
        "reading_below_previous", "Показания меньше прошлых. Проверьте их и отправьте SMS снова.")
    huge = sim.send(phone_of(owner), f"PESC DISP {world['one']} 90000")["answer"]  # an SMS cannot confirm
    assert (huge["outcome"], huge["reply"]) == (
        "confirmation_required", "Расход намного выше обычного. Подтвердите показания в кабинете.")
    zones = sim.send(phone_of(owner), f"PESC DISP {world['code']}-{world['two']} 500")["answer"]
    assert (zones["outcome"], zones["reply"]) == ("wrong_zones", "Отправьте 2 числа через пробел: день, ночь.")
    assert history(owner, account["account_id"]) == before


def test_only_a_signed_sms_gateway_may_deliver(admin, world):
    body = {"id": "x1", "phone": phone_of(world["owner"]), "mes": f"PESC DISP {world['one']} 999"}
    bank = new_partner(admin, kind="bank")
    refused = bank.request("POST", "/partners/v1/sms/inbound", json_body=body)
    assert (refused.status_code, refused.json()["code"]) == (403, "partner_only")
    unsigned = bank.request("POST", "/partners/v1/sms/inbound", json_body=body, sign=False)
    assert (unsigned.status_code, unsigned.json()["code"]) == (401, "signature_required")


def test_json_deliveries_are_answered_too(admin, world):
    """SMSC's fmt=3: JSON with numeric ids; the answer is checked against the OpenAPI document."""
    gateway = new_partner(admin, kind="sms_gateway")
    body = {"id": random.randrange(10**9), "phone": phone_of(world["owner"]), "mes": "PESC DISP", "to": "4938",
            "sent": int(time.time()), "time": int(time.time()), "md5": "ignored"}
    answer = gateway.ok("POST", "/partners/v1/sms/inbound", json_body=body)
    assert (answer["message_id"], answer["outcome"], answer["replayed"]) == (str(body["id"]), "malformed", False)
    assert gateway.ok("POST", "/partners/v1/sms/inbound", json_body=body)["replayed"] is True
    missing = gateway.request("POST", "/partners/v1/sms/inbound", json_body={"phone": "79000000000", "mes": "x"})
    assert missing.status_code == 422 and "id" in missing.json()["errors"]
