"""Invoices (квитанции) as the billing run stored them, and what their document needs: the period's final
charge lines and the account's ledger around the period. Reads only; the billing run writes `invoices`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from services.payments.adapters.orm import (
    account_access,
    account_facts,
    charge_lines,
    charges,
    invoices,
    ledger,
)
from services.payments.domain.invoices import InvoiceLine, IssuedInvoice, PeriodLedger
from services.payments.domain.model import FINAL, PRELIMINARY, ChargeLine

SUMS = ("opening_kop", "charged_kop", "paid_kop", "penalties_kop", "closing_kop", "amount_due_energy_kop",
        "amount_due_penalties_kop")


class InvoiceStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _select(self):
        return (select(invoices, account_facts.c.number.label("account_number"))
                .select_from(invoices.outerjoin(account_facts, account_facts.c.account_id == invoices.c.account_id)))

    def get(self, invoice_id: str) -> IssuedInvoice | None:
        row = self.session.execute(self._select().where(invoices.c.invoice_id == invoice_id)).first()
        return None if row is None else _issued(row)

    def list_for_account(self, account_id: str, limit: int, before: dt.date | None = None) -> list[IssuedInvoice]:
        """Newest period first (one invoice per account and period: the period is the page key)."""
        query = self._select().where(invoices.c.account_id == account_id)
        if before is not None:
            query = query.where(invoices.c.period < before)
        rows = self.session.execute(query.order_by(invoices.c.period.desc()).limit(limit))
        return [_issued(row) for row in rows]

    def lines(self, account_id: str, period: dt.date) -> tuple[InvoiceLine, ...]:
        """The lines of the period's final charge, in their order (a zone twice when its tariff changed
        inside the period), with the meter's readings at the start and the end of the period when the charge
        is by readings of one meter (`meter_readings`)."""
        rows = self.session.execute(
            select(charge_lines, charges.c.basis).join(charges, charges.c.charge_id == charge_lines.c.charge_id)
            .where(charges.c.account_id == account_id, charges.c.period == period, charges.c.kind == FINAL)
            .order_by(charge_lines.c.position)).all()
        readings = self.meter_readings(account_id, period) if any(r.basis == "readings" for r in rows) else {}
        return tuple(InvoiceLine.for_charge_line(
            ChargeLine(zone=r.zone, consumption=r.consumption, ratio=r.ratio, price_rub=r.price_rub,
                       amount_kop=r.amount_kop), previous_reading=readings.get(r.zone, (None, None))[0],
            current_reading=readings.get(r.zone, (None, None))[1]) for r in rows)

    def meter_readings(self, account_id: str, period: dt.date) -> dict[str, tuple[Decimal | None, Decimal]]:
        """zone -> (the reading before the period's first, the period's last reading), from the period's
        preliminary charges, which keep the values read, in the order the readings were taken; only when one
        meter was read in the period (an invoice line is per zone, not per meter). The value before is the
        first reading less its consumption; None when that is negative (the meter rolled over)."""
        rows = self.session.execute(
            select(charges.c.meter_id, charge_lines.c.zone, charge_lines.c.reading, charge_lines.c.consumption)
            .join(charges, charges.c.charge_id == charge_lines.c.charge_id)
            .where(charges.c.account_id == account_id, charges.c.period == period, charges.c.kind == PRELIMINARY,
                   charge_lines.c.reading.is_not(None))
            .order_by(func.coalesce(charges.c.taken_at, charges.c.posted_at), charges.c.posted_at,
                      charges.c.charge_id)).all()
        if len({r.meter_id for r in rows}) != 1:
            return {}
        found: dict[str, tuple[Decimal | None, Decimal]] = {}
        for r in rows:
            before = found[r.zone][0] if r.zone in found else r.reading - r.consumption
            found[r.zone] = (before if before is None or before >= 0 else None, r.reading)
        return found

    def period_ledger(self, issued: IssuedInvoice, timezone: str) -> PeriodLedger:
        """The account's ledger split for the invoice (`domain/invoices.py:PeriodLedger`): an entry's period
        is the one it names, else the month of its payment date, else of its posting (the supplier's local
        calendar); opening balances come before every period (unless they name a later one); entries made
        after the invoice was issued do not count, those of its run always do."""
        month = func.coalesce(
            ledger.c.period, func.date_trunc("month", ledger.c.paid_on).cast(ledger.c.period.type),
            func.date_trunc("month", func.timezone(timezone, ledger.c.posted_at)).cast(ledger.c.period.type))
        known = ledger.c.created_at <= issued.issued_at
        if issued.run_id:
            known = or_(known, ledger.c.run_id == issued.run_id)
        opening = ledger.c.kind == "opening"
        # an opening balance (входящее сальдо) precedes every period but one it names itself after this one
        starting = and_(opening, or_(ledger.c.period.is_(None), ledger.c.period <= issued.period))
        before = or_(and_(month < issued.period, ~opening), starting)
        within = and_(month == issued.period, ~opening)
        energy, penalties = ledger.c.bucket == "energy", ledger.c.bucket == "penalties"
        payment = ledger.c.kind == "payment"

        def total(*conditions):
            return func.coalesce(func.sum(case((and_(*conditions), ledger.c.amount_kop), else_=literal(0))), 0)

        row = self.session.execute(
            select(total(energy, before), total(energy, within, payment), total(energy, within, ~payment),
                   total(penalties, before), total(penalties, within, ledger.c.amount_kop > 0),
                   total(penalties, within, ledger.c.amount_kop < 0))
            .where(ledger.c.account_id == issued.account_id, known, or_(before, within))
        ).one()
        return PeriodLedger(*(int(value) for value in row))

    def bound_users(self, account_ids: list[str]) -> dict[str, list[str]]:
        """The customers each account is bound to (the projection of bindings), for payments.invoice.issued."""
        rows = self.session.execute(
            select(account_access.c.account_id, account_access.c.user_id)
            .where(account_access.c.account_id.in_(account_ids), account_access.c.bound.is_(True))
            .order_by(account_access.c.account_id, account_access.c.user_id))
        found: dict[str, list[str]] = {}
        for account_id, user_id in rows:
            found.setdefault(account_id, []).append(user_id)
        return found


def _issued(row) -> IssuedInvoice:
    return IssuedInvoice(invoice_id=row.invoice_id, supplier_id=row.supplier_id, account_id=row.account_id,
                         period=row.period, number=row.number, issued_at=row.issued_at, due_on=row.due_on,
                         run_id=row.run_id, account_number=row.account_number or "",
                         **{name: getattr(row, name) for name in SUMS})
