"""Partners' payments: once per partner and txn id (the unique key decides a race), their ledger entries, and
the set-based reads a bank registry's reconciliation needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import any_, bindparam, select, update
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.orm import Session
from sqlalchemy.types import Text

from services.payments.adapters.orm import account_facts
from services.payments.adapters.orm import partner_payments as t
from services.payments.domain.bank_registry import KnownPayment
from services.payments.domain.partner_payments import CANCELED, SUCCEEDED, PartnerPayment


class PartnerPaymentStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, partner_id: str, txn_id: str, *, lock: bool = False) -> PartnerPayment | None:
        query = select(t).where(t.c.partner_id == partner_id, t.c.txn_id == txn_id)
        row = self.session.execute(query.with_for_update() if lock else query).first()
        return None if row is None else _payment(row)

    def add(self, payment: PartnerPayment) -> bool:
        """True if this call added it; False when the partner's txn id is taken (by a concurrent *pay*: the
        insert waits for it to commit)."""
        return self.add_many([payment]) == {payment.txn_id}

    def add_many(self, payments: list[PartnerPayment]) -> set[str]:
        """The txn ids this call added (the others were taken)."""
        if not payments:
            return set()
        added = self.session.execute(  # executemany in pages ("insertmanyvalues"), RETURNING kept
            insert(t).on_conflict_do_nothing(constraint="partner_payments_txn").returning(t.c.txn_id),
            [_row(p) for p in payments]).scalars()
        return set(added)

    def set_entries(self, entries: dict[str, list[str]]) -> None:
        """payment id -> the ids of its ledger entries."""
        if entries:
            self.session.execute(update(t).where(t.c.payment_id == bindparam("b_payment_id"))
                                 .values(entry_ids=bindparam("b_entry_ids")),
                                 [{"b_payment_id": k, "b_entry_ids": v} for k, v in entries.items()])

    def cancel(self, payment_id: str, *, canceled_at: dt.datetime, entry_ids: list[str]) -> None:
        self.session.execute(update(t).where(t.c.payment_id == payment_id).values(
            status=CANCELED, canceled_at=canceled_at, cancel_entry_ids=entry_ids))

    def known(self, partner_id: str, txn_ids: Iterable[str]) -> dict[str, KnownPayment]:
        """The partner's payments of these txn ids (one query, whatever their number)."""
        rows = self.session.execute(
            select(t.c.txn_id, t.c.payment_id, t.c.supplier_id, t.c.amount_kop, t.c.status)
            .where(t.c.partner_id == partner_id,
                   t.c.txn_id == any_(bindparam("txn_ids", list(txn_ids), type_=ARRAY(Text)))))
        return {r.txn_id: KnownPayment(r.payment_id, r.supplier_id, r.amount_kop, r.status) for r in rows}

    def account_ids(self, supplier_id: str, numbers: Iterable[str]) -> dict[str, str]:
        """number as printed -> account id of the supplier, from the projection of accounts' facts (one query,
        however many numbers): the partner's number is resolved without asking accounts when it is printed so."""
        rows = self.session.execute(select(account_facts.c.number, account_facts.c.account_id).where(
            account_facts.c.supplier_id == supplier_id,
            account_facts.c.number == any_(bindparam("numbers", list(numbers), type_=ARRAY(Text)))))
        return {r.number: r.account_id for r in rows}

    def of_day(self, partner_id: str, supplier_id: str, day: dt.date) -> list[tuple[str, str]]:
        """(payment_id, txn_id) of the partner's payments (not canceled) of the supplier paid on that local day."""
        return [tuple(r) for r in self.session.execute(
            select(t.c.payment_id, t.c.txn_id).where(t.c.partner_id == partner_id, t.c.supplier_id == supplier_id,
                                                     t.c.paid_on == day, t.c.status == SUCCEEDED))]


def _row(p: PartnerPayment) -> dict:
    return dict(payment_id=p.payment_id, partner_id=p.partner_id, txn_id=p.txn_id, supplier_id=p.supplier_id,
                account_id=p.account_id, account_number=p.account_number, amount_kop=p.amount_kop,
                energy_kop=p.energy_kop, penalties_kop=p.penalties_kop, paid_at=p.paid_at, paid_on=p.paid_on,
                posted_at=p.posted_at, status=p.status, channel=p.channel, request_hash=p.request_hash,
                canceled_at=p.canceled_at, entry_ids=list(p.entry_ids), cancel_entry_ids=list(p.cancel_entry_ids),
                registry_id=p.registry_id)


def _payment(row) -> PartnerPayment:
    return PartnerPayment(
        payment_id=row.payment_id, partner_id=row.partner_id, txn_id=row.txn_id, supplier_id=row.supplier_id,
        account_id=row.account_id, account_number=row.account_number, amount_kop=row.amount_kop,
        energy_kop=row.energy_kop, penalties_kop=row.penalties_kop, paid_at=row.paid_at, paid_on=row.paid_on,
        posted_at=row.posted_at, status=row.status, channel=row.channel, request_hash=row.request_hash,
        canceled_at=row.canceled_at, entry_ids=tuple(row.entry_ids), cancel_entry_ids=tuple(row.cancel_entry_ids),
        registry_id=row.registry_id)
