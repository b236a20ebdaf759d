"""Answering an SMS reading (service_layer/sms.py) with fakes of accounts, auth and payments: who may submit,
one answer for every stranger, the submission rules' refusals as answers, once per message."""

import datetime as dt
from decimal import Decimal

import pytest

from kit.context import Caller
from kit.errors import Forbidden, NotFound, Unavailable
from services.readings.domain import sms_replies as replies
from services.readings.domain.model import AccountFacts, Meter, Reading
from services.readings.domain.windows import SupplierFacts
from services.readings.service_layer import sms
from services.readings.tests.unit.fakes import FakeAccounts, FakePayments, FakeUnitOfWork

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
SUPPLIER, ACCOUNT, OWNER = "s1", "a1", "u1"
METER = Meter("m1", zones=2, digits=6)
FACTS = AccountFacts(ACCOUNT, SUPPLIER, "urban_gas_stove", False, (METER,))
GATEWAY = Caller(user_id="p1", kind="partner", roles=("sms_gateway",))
TEXT = "PESC DISP 012-12345678 00325 00030"


class FakeSmsStore:
    def __init__(self, codes):
        self.codes, self.answers = dict(codes), {}

    def supplier_by_code(self, code):
        return self.codes.get(code)

    def answer(self, partner_id, message_id):
        found = self.answers.get((partner_id, message_id))
        return replies.SmsAnswer(found.outcome, found.reply, found.reading_id, replayed=True) if found else None

    def add(self, partner_id, message_id, phone, answer):
        if (partner_id, message_id) in self.answers:
            return False
        self.answers[partner_id, message_id] = answer
        return True


class Finder(FakeAccounts):
    def find(self, number, supplier_id):
        if (number, supplier_id) != ("012-12345678", SUPPLIER):
            raise NotFound(code="account_not_found")
        return ACCOUNT


class Phones:
    def __init__(self, verified):
        self.verified = verified

    def user_by_phone(self, phone):
        if phone not in self.verified:
            raise NotFound(code="user_not_found")
        return self.verified[phone]


@pytest.fixture
def world():
    uow = FakeUnitOfWork(bound={(OWNER, ACCOUNT): FACTS}, suppliers=[SupplierFacts(SUPPLIER, window_from_day=15,
                                                                                  window_to_day=25)])
    uow.sms = FakeSmsStore({"012": SUPPLIER})
    previous = Reading(ACCOUNT, METER.meter_id, {"day": Decimal(300), "night": Decimal(20)}, {},
                       NOW - dt.timedelta(days=30))
    uow.readings.add(previous)
    return uow


def answer(uow, text=TEXT, phone="79000000001", message_id="m-1", caller=GATEWAY, verified=None, now=NOW,
           payments=None):
    phones = Phones(verified if verified is not None else {"79000000001": OWNER, "79000000002": "u2"})
    return sms.answer_sms(lambda: uow, Finder(), phones, payments or FakePayments(), caller, message_id=message_id,
                          phone=phone, text=text, now=now)


def test_the_owners_verified_phone_submits_and_hears_the_values_and_the_charge(world):
    got = answer(world)
    [reading] = [r for r in world.readings.rows if r.source == "sms"]
    assert (got.outcome, got.reading_id) == (replies.ACCEPTED, reading.reading_id)
    assert (reading.submitted_by, reading.values) == (OWNER, {"day": Decimal(325), "night": Decimal(30)})
    assert got.reply == "Приняты показания день 325, ночь 30. Предварительно начислено 175,00 ₽"
    answered = [e for e in world.events if e.type == "readings.sms.answered"]
    assert [(e.payload.phone, e.payload.text, e.payload.reading_id) for e in answered] == [
        ("79000000001", got.reply, reading.reading_id)]


def test_a_redelivered_sms_is_answered_once_and_stored_once(world):
    first = answer(world)
    again = answer(world)
    assert again == replies.SmsAnswer(first.outcome, first.reply, first.reading_id, replayed=True)
    assert len([r for r in world.readings.rows if r.source == "sms"]) == 1
    assert len([e for e in world.events if e.type == "readings.sms.answered"]) == 1


@pytest.mark.parametrize(("text", "phone", "verified"), [
    ("PESC DISP 099-12345678 5 5", "79000000001", None),   # unknown supplier code
    ("PESC DISP 012-99999999 5 5", "79000000001", None),   # unknown account
    (TEXT, "79000000003", None),                            # a phone no cabinet verified
    (TEXT, "79000000002", None),                            # another cabinet's phone: not bound to the account
    (TEXT, "79000000001", {}),                              # the owner's phone, not verified (yet)
])
def test_strangers_all_hear_the_same_and_nothing_is_stored(world, text, phone, verified):
    got = answer(world, text=text, phone=phone, verified=verified)
    assert (got.outcome, got.reply, got.reading_id) == (replies.NOT_FOUND, replies.NOT_FOUND_TEXT, "")
    assert [r for r in world.readings.rows if r.source == "sms"] == []


def test_the_submission_rules_answer_in_words(world):
    assert answer(world, text="PESC DISP 012-12345678 5 5", message_id="below").reply == (
        replies.REFUSALS["reading_below_previous"])
    assert answer(world, text="PESC DISP 012-12345678 99000 30", message_id="big").outcome == "confirmation_required"
    late = answer(world, message_id="late", now=NOW + dt.timedelta(days=8))
    assert (late.outcome, late.reply) == ("outside_window", replies.outside_window(15, 25))
    assert answer(world, text="PESC DISP 012-12345678 325", message_id="one").outcome == replies.WRONG_ZONES
    assert answer(world, text="PESC DISP", message_id="bad").reply == replies.MALFORMED_TEXT
    assert [r for r in world.readings.rows if r.source == "sms"] == []


def test_without_a_price_the_reading_stays_accepted(world):
    got = answer(world, payments=FakePayments(refusal=Unavailable()))
    assert (got.outcome, got.reply) == (replies.ACCEPTED, "Приняты показания день 325, ночь 30. Начисление будет "
                                                           "в квитанции.")


@pytest.mark.parametrize("caller", [None, Caller("u1", "person"), Caller("p2", "partner", roles=("bank",))])
def test_only_an_sms_gateway_may_deliver(world, caller):
    with pytest.raises(Forbidden):
        answer(world, caller=caller)


def test_a_gateway_of_another_supplier_gets_the_same_refusal(world):
    other = Caller("p3", "partner", roles=("sms_gateway", "supplier:s9"))
    assert answer(world, caller=other).outcome == replies.NOT_FOUND
    mine = Caller("p4", "partner", roles=("sms_gateway", f"supplier:{SUPPLIER}"))
    assert answer(world, caller=mine).outcome == replies.ACCEPTED


def test_a_service_that_does_not_answer_is_not_an_answer(world):
    class Down(Phones):
        def user_by_phone(self, phone):
            raise Unavailable()
    with pytest.raises(Unavailable):
        sms.answer_sms(lambda: world, Finder(), Down({}), FakePayments(), GATEWAY, message_id="x", phone="7",
                       text=TEXT, now=NOW)
    assert world.sms.answers == {}


def test_an_automatic_metering_account_is_told_its_readings_come_by_themselves(world):
    automatic = AccountFacts(ACCOUNT, SUPPLIER, "urban_gas_stove", True, (METER,))
    world.accounts.bound[(OWNER, ACCOUNT)] = automatic
    got = answer(world)
    assert (got.outcome, got.reply) == ("automatic_metering", replies.REFUSALS["automatic_metering"])
    assert "АИИС КУЭ" in got.reply and [r for r in world.readings.rows if r.source == "sms"] == []
