"""Card payments against real PostgreSQL with a fake provider port: the notification inbox applies the
provider's re-fetched word exactly once — replays, out-of-order cancellations, forged bodies, foreign networks,
a worker that dies after posting but before its commit — and the reconciler settles a lost notification."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from kit.context import Caller
from kit.errors import Forbidden, InvalidInput, Unavailable
from services.payments.adapters.orm import card_payments as payments_table
from services.payments.adapters.orm import ledger, provider_notifications
from services.payments.config import LOOPBACK, YOOKASSA_NETWORKS
from services.payments.domain.card_payments import (
    AccountAmounts,
    ProviderPayment,
    ProviderRefund,
    SavedMethod,
)
from services.payments.domain.model import AccountFacts
from services.payments.service_layer import card_payments

pytestmark = pytest.mark.integration

IVANOV = "b96f0cb8-a399-516a-b116-c9c892ea28e0"  # demo: opening −145 075 (energy due)
SUPPLIER = "7a1c0f9e-0000-4000-8000-000000000001"
USER = "f2aee3e9-98eb-5237-a1bc-d44f87cd889c"
NOW = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)  # after the inbox rows are due (their DB time)
NETWORKS = YOOKASSA_NETWORKS + LOOPBACK


class Accounts:
    def check_access(self, account_id: str) -> None:
        return None

    def facts(self, account_id: str) -> AccountFacts:
        return AccountFacts(account_id=account_id, supplier_id=SUPPLIER, category="urban", number="12-10000001")


class FakeProvider:
    """The provider's own state of each payment: what a re-fetch returns, whatever a notification says."""

    name = "yookassa"

    def __init__(self) -> None:
        self.payments: dict[str, ProviderPayment] = {}
        self.refunds: dict[str, ProviderRefund] = {}
        self.down = False

    def create_payment(self, request, *, idempotency_key: str) -> ProviderPayment:
        pid = f"pp-{idempotency_key}"
        self.payments.setdefault(pid, ProviderPayment(
            provider_payment_id=pid, status="pending", amount_kop=request.amount_kop,
            metadata={"payment_id": request.payment_id}, confirmation_url=f"https://pay.example/{pid}"))
        return self.payments[pid]

    def get_payment(self, provider_payment_id: str) -> ProviderPayment:
        if self.down:
            raise Unavailable(code="provider_unavailable")
        return self.payments[provider_payment_id]

    def create_refund(self, provider_payment_id: str, *, amount_kop: int, description: str, receipt,
                      idempotency_key: str) -> ProviderRefund:
        rid = f"rf-{idempotency_key}"
        self.refunds.setdefault(rid, ProviderRefund(rid, provider_payment_id, "pending", amount_kop))
        return self.refunds[rid]

    def get_refund(self, provider_refund_id: str) -> ProviderRefund:
        return self.refunds[provider_refund_id]

    def set(self, pid: str, status: str, reason: str = "", saved: bool = False) -> None:
        method = SavedMethod(method_id=pid, saved=saved, title="Bank card *4477", first6="555555", last4="4477",
                             expiry_month="12", expiry_year="2030", card_type="MasterCard")
        self.payments[pid] = dataclasses.replace(self.payments[pid], status=status, cancel_reason=reason, method=method)


@pytest.fixture
def world(rt, monkeypatch):
    with rt.uow() as uow:
        uow.access.put(USER, IVANOV, bound=True, as_of=NOW)
        uow.commit()
    provider = FakeProvider()
    remembered = []
    monkeypatch.setattr("services.payments.service_layer.cards.remember_card",
                        lambda uow, **card: remembered.append(card))
    return rt, provider, remembered


def new_payment(rt, provider, amount: int = 10_000, key: str = "k-1"):
    return card_payments.create_payment(
        rt.uow(), provider, Accounts(), user_id=USER, lines=[AccountAmounts(IVANOV, amount, 0)], save_card=True,
        return_path="/payments", email="ivanov@example.ru", idempotency_key=key,
        public_url="https://kabinet.example", now=NOW)


def notify(rt, pid: str, event: str = "payment.succeeded", ip: str = "185.71.76.5", status: str = "succeeded"):
    body = json.dumps({"type": "notification", "event": event, "object": {"id": pid, "status": status}}).encode()
    return card_payments.receive_notification(rt.uow(), provider="yookassa", body=body, source_ip=ip,
                                              networks=NETWORKS)


def cabinet_entries(rt) -> list:
    with rt.engine.connect() as db:
        return db.execute(select(ledger.c.amount_kop, ledger.c.external_id).where(
            ledger.c.account_id == IVANOV, ledger.c.channel == "cabinet")).all()


def unprocessed(rt) -> int:
    with rt.engine.connect() as db:
        return db.execute(select(func.count()).select_from(provider_notifications).where(
            provider_notifications.c.processed_at.is_(None))).scalar()


def status(rt, payment_id: str) -> str:
    with rt.engine.connect() as db:
        return db.execute(select(payments_table.c.status).where(payments_table.c.payment_id == payment_id)).scalar()


def test_a_notification_replayed_many_times_posts_once(world):
    rt, provider, remembered = world
    payment = new_payment(rt, provider)
    provider.set(payment.provider_payment_id, "succeeded", saved=True)
    for _ in range(5):
        notify(rt, payment.provider_payment_id)
    assert card_payments.process_notifications(rt.uow, provider, now=NOW) == 5
    for _ in range(3):
        notify(rt, payment.provider_payment_id)
    card_payments.process_notifications(rt.uow, provider, now=NOW)
    assert [amount for amount, _ in cabinet_entries(rt)] == [10_000]
    assert cabinet_entries(rt)[0][1] == f"yookassa:{payment.provider_payment_id}:{IVANOV}:energy"
    assert status(rt, payment.payment_id) == "succeeded" and unprocessed(rt) == 0
    assert [c["method_id"] for c in remembered] == [payment.provider_payment_id]


def test_succeeded_then_canceled_out_of_order_posts_once(world):
    rt, provider, _ = world
    payment = new_payment(rt, provider)
    provider.set(payment.provider_payment_id, "succeeded")
    notify(rt, payment.provider_payment_id, "payment.canceled", status="canceled")
    notify(rt, payment.provider_payment_id, "payment.succeeded")
    notify(rt, payment.provider_payment_id, "payment.canceled", status="canceled")
    card_payments.process_notifications(rt.uow, provider, now=NOW)
    assert len(cabinet_entries(rt)) == 1 and status(rt, payment.payment_id) == "succeeded"


def test_a_forged_notification_changes_nothing(world):
    rt, provider, _ = world
    payment = new_payment(rt, provider)
    notify(rt, payment.provider_payment_id, "payment.succeeded")  # the provider says pending
    card_payments.process_notifications(rt.uow, provider, now=NOW)
    assert cabinet_entries(rt) == [] and status(rt, payment.payment_id) == "pending"
    provider.set(payment.provider_payment_id, "canceled", reason="insufficient_funds")
    notify(rt, payment.provider_payment_id, "payment.succeeded")  # the provider says canceled
    card_payments.process_notifications(rt.uow, provider, now=NOW)
    assert cabinet_entries(rt) == []
    view = card_payments.get_payment(rt.uow(), user_id=USER, payment_id=payment.payment_id)
    assert view.status == "canceled" and view.cancel_message == "Недостаточно средств на карте."


def test_a_notification_of_an_unknown_payment_changes_nothing(world):
    rt, provider, _ = world
    notify(rt, "pp-nobody")
    for attempt in range(4):  # it waits a little for a row being written, then gives up
        card_payments.process_notifications(rt.uow, provider, now=NOW + dt.timedelta(minutes=attempt))
    assert unprocessed(rt) == 0 and cabinet_entries(rt) == []


def test_a_foreign_network_is_refused(world):
    rt, _, _ = world
    with pytest.raises(Forbidden) as refused:
        notify(rt, "pp-x", ip="8.8.8.8")
    assert refused.value.code == "notification_source_refused"
    notify(rt, "pp-x", ip="2a02:5180::1")  # YooKassa's IPv6 network
    assert unprocessed(rt) == 1


def test_a_worker_dying_after_posting_before_its_commit_leaves_the_notification(world, monkeypatch):
    rt, provider, _ = world
    payment = new_payment(rt, provider)
    provider.set(payment.provider_payment_id, "succeeded")
    notify(rt, payment.provider_payment_id)

    class Killed(BaseException):
        """kill -9: nothing handles it, the transaction is never committed."""

    real = card_payments.payment_succeeded

    def die(view):
        raise Killed()
    monkeypatch.setattr(card_payments, "payment_succeeded", die)  # after every item is posted, before the commit
    with pytest.raises(Killed):
        card_payments.process_notifications(rt.uow, provider, now=NOW)
    assert cabinet_entries(rt) == [] and unprocessed(rt) == 1 and status(rt, payment.payment_id) == "pending"
    monkeypatch.setattr(card_payments, "payment_succeeded", real)
    card_payments.process_notifications(rt.uow, provider, now=NOW)
    assert len(cabinet_entries(rt)) == 1 and unprocessed(rt) == 0


def test_an_outage_leaves_the_inbox_for_later(world):
    rt, provider, _ = world
    payment = new_payment(rt, provider)
    provider.set(payment.provider_payment_id, "succeeded")
    notify(rt, payment.provider_payment_id)
    provider.down = True
    assert card_payments.process_notifications(rt.uow, provider, now=NOW) == 0
    assert unprocessed(rt) == 1
    provider.down = False
    card_payments.process_notifications(rt.uow, provider, now=NOW)
    assert len(cabinet_entries(rt)) == 1


def test_the_reconciler_settles_a_payment_whose_notification_was_lost(world):
    rt, provider, _ = world
    payment = new_payment(rt, provider)
    provider.set(payment.provider_payment_id, "succeeded")
    assert card_payments.reconcile(rt.uow, provider, now=NOW + dt.timedelta(seconds=60)) == 0  # too young
    assert card_payments.reconcile(rt.uow, provider, now=NOW + dt.timedelta(minutes=5)) == 1
    assert len(cabinet_entries(rt)) == 1 and status(rt, payment.payment_id) == "succeeded"


def test_the_same_key_returns_the_payment_and_another_request_is_refused(world):
    rt, provider, _ = world
    first = new_payment(rt, provider, key="same")
    assert new_payment(rt, provider, key="same").payment_id == first.payment_id
    with pytest.raises(InvalidInput) as refused:
        new_payment(rt, provider, amount=20_000, key="same")
    assert refused.value.code == "idempotency_key_reused"


def test_an_outage_at_create_leaves_nothing(world):
    rt, provider, _ = world

    def down(request, *, idempotency_key):
        raise Unavailable(code="provider_unavailable")
    provider.create_payment = down
    with pytest.raises(Unavailable):
        new_payment(rt, provider)
    with rt.engine.connect() as db:
        assert db.execute(select(func.count()).select_from(payments_table)).scalar() == 0


def test_a_refund_the_provider_finishes_later_reaches_the_ledger_once(world):
    rt, provider, _ = world
    payment = new_payment(rt, provider)
    provider.set(payment.provider_payment_id, "succeeded")
    notify(rt, payment.provider_payment_id)
    card_payments.process_notifications(rt.uow, provider, now=NOW)
    admin = Caller(user_id="0c6f2b1e-1d3a-4d8e-9a51-3f1e7c9b2a10", kind="staff", roles=("admin",))
    refund = card_payments.refund_payment(rt.uow(), provider, admin, payment_id=payment.payment_id,
                                          account_id=IVANOV, bucket="energy", amount_kop=4000, reason="ошибка",
                                          idempotency_key="r-1", now=NOW)
    assert refund["status"] == "pending" and [a for a, _ in cabinet_entries(rt)] == [10_000]
    rid = refund["provider_refund_id"]
    provider.refunds[rid] = dataclasses.replace(provider.refunds[rid], status="succeeded")
    for _ in range(3):
        notify(rt, rid, "refund.succeeded")
    card_payments.process_notifications(rt.uow, provider, now=NOW)
    assert sorted(a for a, _ in cabinet_entries(rt)) == [-4000, 10_000]
    with pytest.raises(InvalidInput) as too_much:
        card_payments.refund_payment(rt.uow(), provider, admin, payment_id=payment.payment_id, account_id=IVANOV,
                                     bucket="energy", amount_kop=6001, reason="ещё", idempotency_key="r-2", now=NOW)
    assert "amount_kop" in too_much.value.fields
