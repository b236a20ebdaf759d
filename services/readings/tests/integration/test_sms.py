"""SMS readings against real PostgreSQL: the supplier's SMS code in the suppliers projection, and an incoming SMS
answered once — one reading, one answer row, one readings.sms.answered in the outbox — however often it comes."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from kabinet.accounts.v1 import accounts_pb2
from sqlalchemy import select

from kit.context import Caller
from kit.errors import NotFound
from kit.events import Event, decode
from kit.outbox import outbox
from services.readings.adapters.orm import readings, sms_messages
from services.readings.domain.model import AccountFacts, Meter
from services.readings.domain.windows import SupplierFacts
from services.readings.entrypoints.events import on_supplier_changed
from services.readings.service_layer.accounts import project_account
from services.readings.service_layer.sms import answer_sms
from services.readings.tests.integration.test_projection import bind, project
from services.readings.tests.unit.fakes import FakePayments

pytestmark = pytest.mark.integration
T0 = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
GATEWAY = Caller(user_id=str(uuid.uuid4()), kind="partner", roles=("sms_gateway",))


def supplier_changed(rt, supplier_id: str, sms_code: str, at: dt.datetime) -> None:
    event = Event(type="accounts.supplier.changed", aggregate_id=supplier_id, occurred_at=at,
                  payload=accounts_pb2.SupplierChanged(supplier=accounts_pb2.Supplier(
                      supplier_id=supplier_id, sms_code=sms_code, timezone="Europe/Moscow")))
    project(rt, lambda uow: on_supplier_changed(event, uow))


def code_of(rt, sms_code: str) -> str | None:
    with rt.uow() as uow:
        return uow.sms.supplier_by_code(sms_code)


def test_the_sms_code_follows_the_newest_supplier_event(rt):
    supplier = str(uuid.uuid4())
    supplier_changed(rt, supplier, "512", T0)
    assert code_of(rt, "512") == supplier and code_of(rt, "513") is None
    supplier_changed(rt, supplier, "513", T0 + dt.timedelta(hours=1))
    supplier_changed(rt, supplier, "512", T0 - dt.timedelta(hours=1))  # late and old: ignored
    assert (code_of(rt, "512"), code_of(rt, "513")) == (None, supplier)


def test_a_supplier_projected_before_sms_codes_takes_the_code_when_the_stream_is_read_again(rt):
    supplier = str(uuid.uuid4())
    with rt.uow() as uow:  # as a projection written before migration 0006 left it: no code
        uow.suppliers.put(SupplierFacts(supplier, window_from_day=15, window_to_day=25), T0 + dt.timedelta(days=1))
        uow.commit()
    supplier_changed(rt, supplier, "515", T0)  # an older event, re-read
    assert code_of(rt, "515") == supplier


class Finder:
    def __init__(self, account_id: str) -> None:
        self.account_id = account_id

    def find(self, number: str, supplier_id: str) -> str:
        if number != "514-7001":
            raise NotFound(code="account_not_found")
        return self.account_id


class Phones:
    def __init__(self, user_id: str) -> None:
        self.user_id = user_id

    def user_by_phone(self, phone: str) -> str:
        if phone != "79005550101":
            raise NotFound(code="user_not_found")
        return self.user_id


def test_an_sms_is_answered_once_with_one_reading_and_one_event(rt):
    supplier, user = str(uuid.uuid4()), str(uuid.uuid4())
    facts = AccountFacts(str(uuid.uuid4()), supplier, "urban_gas_stove", False, (Meter(str(uuid.uuid4()), 1, 6),))
    supplier_changed(rt, supplier, "514", T0)
    project(rt, project_account, facts=facts, as_of=T0)
    project(rt, bind, user_id=user, account_id=facts.account_id, bound=True, as_of=T0)

    def deliver(message_id: str, text: str = "PESC DISP 514-7001 00325"):
        return answer_sms(rt.uow, Finder(facts.account_id), Phones(user), FakePayments(), GATEWAY,
                          message_id=message_id, phone="79005550101", text=text)

    first, again = deliver("sms-1"), deliver("sms-1")
    assert (first.outcome, again.replayed, again.reading_id) == ("accepted", True, first.reading_id)
    assert deliver("sms-2", "PESC DISP 514-7001").outcome == "malformed"
    with rt.engine.connect() as db:
        stored = db.execute(select(readings.c["values"], readings.c.source, readings.c.submitted_by).where(
            readings.c.account_id == facts.account_id)).all()
        answers = db.execute(select(sms_messages.c.message_id, sms_messages.c.outcome).where(
            sms_messages.c.partner_id == GATEWAY.user_id).order_by(sms_messages.c.message_id)).all()
        sent = [decode(e).payload for e in db.scalars(select(outbox.c.envelope).where(
            outbox.c.subject == "readings.sms.answered"))]
    assert stored == [({"total": "325.000"}, "sms", user)]
    assert answers == [("sms-1", "accepted"), ("sms-2", "malformed")]
    mine = [(p.message_id, p.phone, p.text) for p in sent if p.message_id in ("sms-1", "sms-2")]
    assert mine == [("sms-1", "79005550101", first.reply), ("sms-2", "79005550101", deliver("sms-2").reply)]
    assert first.reply.startswith("Приняты показания 325")
