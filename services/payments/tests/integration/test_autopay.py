"""The autopay scheduler against real PostgreSQL: once per account and period with concurrent workers and across
a worker that dies between the provider's answer and its commit; declines retried, then reported."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from kit.errors import Unavailable
from kit.events import decode
from kit.outbox import outbox
from services.payments.adapters.orm import autopay_runs, ledger
from services.payments.domain import autopay as rules
from services.payments.domain.card_payments import ProviderPayment, SavedMethod, payment_id_for
from services.payments.service_layer import autopay, cards

pytestmark = pytest.mark.integration

IVANOV = "b96f0cb8-a399-516a-b116-c9c892ea28e0"  # demo: opening −145 075 (energy due)
PETROVA = "1af3925e-8883-55d0-b295-fec77380fdf6"  # demo: opening 0 (nothing due)
USER = "f2aee3e9-98eb-5237-a1bc-d44f87cd889c"
DAY_15 = dt.datetime(2026, 12, 15, 9, 0, tzinfo=dt.UTC)  # 12:00 in Moscow, the demo supplier's zone


class Killed(BaseException):
    """The worker process dies (not an error anything handles)."""


class FakeProvider:
    """The acquirer as YooKassa behaves for saved cards: settles at once; the same Idempotence-Key returns the
    first answer (one payment per key). `decline` makes new payments canceled; `die_after_call` kills the worker
    right after the provider has charged (before our commit)."""

    name = "yookassa"

    def __init__(self, *, decline: str = "", down: bool = False, die_after_call: int = 0) -> None:
        self.by_key: dict[str, ProviderPayment] = {}
        self.calls: list[str] = []
        self.decline, self.down, self.die_after_call = decline, down, die_after_call
        self.lock = threading.Lock()

    def create_payment(self, request, *, idempotency_key: str) -> ProviderPayment:
        if self.down:
            raise Unavailable(code="provider_unavailable")
        with self.lock:
            self.calls.append(idempotency_key)
            if idempotency_key not in self.by_key:
                self.by_key[idempotency_key] = ProviderPayment(
                    provider_payment_id=f"pp-{len(self.by_key) + 1}",
                    status="canceled" if self.decline else "succeeded", amount_kop=request.amount_kop,
                    metadata={"payment_id": request.payment_id}, cancel_reason=self.decline,
                    method=SavedMethod(method_id=request.method_id, saved=True, title="Bank card *4477",
                                       first6="555555", last4="4477"))
            if len(self.calls) == self.die_after_call:
                raise Killed()
            return self.by_key[idempotency_key]


def key(attempt: int, account_id: str = IVANOV) -> str:
    """What reaches the provider for our key autopay:<account>:<period>:<attempt> (card payments derive it)."""
    return payment_id_for(f"autopay:{USER}", f"autopay:{account_id}:2026-12:{attempt}")


def with_autopay(rt, account_id=IVANOV, **settings) -> None:
    with rt.uow() as uow:
        cards.remember_card(uow, user_id=USER, method_id="pm-1", title="Bank card *4477", last4="4477",
                            first6="555555", expiry_month="12", expiry_year="2030", card_type="MasterCard")
        uow.commit()
    card = cards.list_cards(rt.uow(), user_id=USER)[0]
    values = dict(card_id=card.card_id, day=15, mode="amount_due", amount_kop=0, cap_kop=1_000_000) | settings
    with rt.uow() as uow:
        uow.autopay.put_autopay(rules.Autopay(
            account_id=account_id, user_id=USER, settings=rules.Settings(**values), enabled=True, off_reason="",
            activated_at=DAY_15 - dt.timedelta(days=60), receipt_email="ivanov@example.ru"), now=DAY_15)
        uow.commit()


def autopay_payments(rt, account_id=IVANOV) -> list:
    with rt.engine.connect() as conn:
        return conn.execute(select(ledger.c.amount_kop, ledger.c.bucket).where(
            ledger.c.account_id == account_id, ledger.c.channel == "autopay")).all()


def run_row(rt, account_id=IVANOV):
    with rt.engine.connect() as conn:
        return conn.execute(select(autopay_runs).where(autopay_runs.c.account_id == account_id)).mappings().one()


def outbox_events(rt, subject: str) -> list:
    with rt.engine.connect() as conn:
        rows = conn.execute(select(outbox.c.envelope).where(outbox.c.subject == subject)).all()
    return [decode(r.envelope).payload for r in rows]


def test_not_before_its_day(rt):
    with_autopay(rt)
    provider = FakeProvider()
    counts = autopay.run(rt.uow, provider, now=DAY_15 - dt.timedelta(days=1))
    assert provider.calls == [] and counts == autopay.RunCounts()
    with rt.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(autopay_runs)).scalar_one() == 0


def test_two_concurrent_schedulers_charge_once(rt):
    with_autopay(rt)
    provider = FakeProvider()
    barrier = threading.Barrier(2)
    results = []

    def worker():
        barrier.wait()
        results.append(autopay.run(rt.uow, provider, now=DAY_15))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert provider.calls == [key(1)]
    assert sum(r.paid for r in results) == 1
    assert autopay_payments(rt) == [(145_075, "energy")]
    row = run_row(rt)
    assert (row["status"], row["attempt"], row["energy_kop"]) == ("paid", 1, 145_075)
    # and again, later in the month: nothing new
    assert autopay.run(rt.uow, provider, now=DAY_15 + dt.timedelta(days=3)) == autopay.RunCounts()
    assert len(provider.calls) == 1 and len(autopay_payments(rt)) == 1


def test_a_worker_dying_after_the_provider_charged_makes_the_next_send_the_same_key(rt):
    with_autopay(rt)
    provider = FakeProvider(die_after_call=1)
    with pytest.raises(Killed):
        autopay.run(rt.uow, provider, now=DAY_15)
    assert autopay_payments(rt) == [] and run_row(rt)["status"] == "charging"
    # within the lease nobody takes it; after it, the same attempt (same key) goes again
    assert autopay.run(rt.uow, provider, now=DAY_15 + dt.timedelta(minutes=1)).paid == 0
    counts = autopay.run(rt.uow, provider, now=DAY_15 + rules.LEASE + dt.timedelta(minutes=1))
    assert counts.paid == 1
    assert provider.calls == [key(1)] * 2 and len(provider.by_key) == 1
    assert autopay_payments(rt) == [(145_075, "energy")]


def test_cap_and_fixed_amount(rt):
    with_autopay(rt, mode="fixed", amount_kop=50_000, cap_kop=60_000)
    autopay.run(rt.uow, FakeProvider(), now=DAY_15)
    assert autopay_payments(rt) == [(50_000, "energy")]


def test_nothing_due_skips_the_month_and_says_why(rt):
    with_autopay(rt, account_id=PETROVA)
    provider = FakeProvider()
    assert autopay.run(rt.uow, provider, now=DAY_15).skipped == 1
    row = run_row(rt, PETROVA)
    assert (row["status"], row["reason"]) == ("skipped", "nothing_due") and provider.calls == []


@pytest.mark.parametrize("provider", [FakeProvider(decline="insufficient_funds"), FakeProvider(down=True)],
                         ids=["declined", "unavailable"])
def test_failures_are_retried_with_backoff_then_reported(rt, provider):
    with_autopay(rt)
    now = DAY_15
    assert autopay.run(rt.uow, provider, now=now).retrying == 1
    assert autopay.run(rt.uow, provider, now=now + dt.timedelta(minutes=30)) == autopay.RunCounts()  # not yet
    now += rules.BACKOFF[0]
    assert autopay.run(rt.uow, provider, now=now).retrying == 1
    now += rules.BACKOFF[1]
    assert autopay.run(rt.uow, provider, now=now).failed == 1
    row = run_row(rt)
    reason = "provider_unavailable" if provider.down else "insufficient_funds"
    assert (row["status"], row["attempt"], row["reason"]) == ("failed", 3, reason)
    if not provider.down:
        assert provider.calls == [key(1), key(2), key(3)]
    [failed] = outbox_events(rt, "payments.autopay.failed")
    assert (failed.account_id, failed.period, failed.attempts, failed.reason, failed.email) == \
        (IVANOV, "2026-12", 3, reason, "ivanov@example.ru")
    assert failed.reason_message and autopay_payments(rt) == []
    assert autopay.run(rt.uow, provider, now=now + dt.timedelta(days=1)) == autopay.RunCounts()


def test_deleting_the_card_switches_the_autopay_off(rt):
    with_autopay(rt)
    card = cards.list_cards(rt.uow(), user_id=USER)[0]
    assert cards.delete_card(rt.uow(), user_id=USER, card_id=card.card_id, now=DAY_15) == [IVANOV]
    assert cards.list_cards(rt.uow(), user_id=USER) == []
    with rt.uow() as uow:
        current = uow.autopay.autopay(IVANOV)
    assert (current.enabled, current.off_reason) == (False, "card_deleted")
    assert autopay.run(rt.uow, FakeProvider(), now=DAY_15) == autopay.RunCounts()


def test_a_payer_unbound_from_the_account_is_switched_off(rt):
    with_autopay(rt)
    with rt.uow() as uow:
        uow.access.put(USER, IVANOV, bound=False, as_of=DAY_15)
        uow.commit()
    provider = FakeProvider()
    assert autopay.run(rt.uow, provider, now=DAY_15).skipped == 1
    assert provider.calls == [] and run_row(rt)["reason"] == "unbound"
    with rt.uow() as uow:
        current = uow.autopay.autopay(IVANOV)
    assert (current.enabled, current.off_reason) == (False, "unbound")
