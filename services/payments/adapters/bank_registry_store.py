"""Bank registries: the file once per bank (its SHA-256), its rows with their reconciliation outcome written by
COPY, the payments the file left out, and the reads of the report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, insert, literal, select, union_all, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from services.payments.adapters.orm import (
    bank_registries,
    bank_registry_absent,
    bank_registry_rows,
)
from services.payments.adapters.orm import partner_payments as pp
from services.payments.domain.bank_registry import (
    MATCHED,
    MISSING_IN_REGISTRY,
    BankRegistry,
    ReconciliationLine,
)

ROW_COLUMNS = ("registry_id", "line", "txn_id", "account_number", "amount_kop", "paid_at", "payer", "outcome",
               "action", "note", "payment_id", "ledger_kop")
COUNTS = ("matched", "missing_in_ledger", "posted", "missing_in_registry", "amount_mismatch", "matched_kop",
          "posted_kop")


class BankRegistryStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, registry: BankRegistry) -> BankRegistry | None:
        """The registry's record, unless the bank's file is known: then None (a concurrent import of the same
        file waits here for the first to commit)."""
        added = self.session.execute(pg_insert(bank_registries).values(
            registry_id=registry.registry_id, partner_id=registry.partner_id, supplier_id=registry.supplier_id,
            source=registry.source, uploaded_by=registry.uploaded_by, sha256=registry.sha256,
            registry_date=registry.registry_date, rows=registry.rows, total_kop=registry.total_kop,
        ).on_conflict_do_nothing(constraint="bank_registries_file").returning(bank_registries)).first()
        return None if added is None else _registry(added)

    def by_file(self, partner_id: str, sha256: str) -> BankRegistry | None:
        row = self.session.execute(select(bank_registries).where(
            bank_registries.c.partner_id == partner_id, bank_registries.c.sha256 == sha256)).first()
        return None if row is None else _registry(row)

    def get(self, registry_id: str) -> BankRegistry | None:
        row = self.session.execute(select(bank_registries).where(
            bank_registries.c.registry_id == registry_id)).first()
        return None if row is None else _registry(row)

    def list(self, *, partner_id: str = "", supplier_id: str = "", registry_date: dt.date | None = None,
             limit: int = 50) -> list[BankRegistry]:
        t = bank_registries
        query = select(t).order_by(t.c.created_at.desc(), t.c.registry_id).limit(limit)
        if partner_id:
            query = query.where(t.c.partner_id == partner_id)
        if supplier_id:
            query = query.where(t.c.supplier_id == supplier_id)
        if registry_date:
            query = query.where(t.c.registry_date == registry_date)
        return [_registry(r) for r in self.session.execute(query)]

    def set_counts(self, registry_id: str, counts: dict[str, int]) -> BankRegistry:
        row = self.session.execute(update(bank_registries).where(bank_registries.c.registry_id == registry_id)
                                   .values(**counts).returning(bank_registries)).one()
        return _registry(row)

    def add_rows(self, rows: Iterable[tuple]) -> None:
        """rows: tuples of ROW_COLUMNS, by COPY (a registry has up to hundreds of thousands)."""
        raw = self.session.connection().connection.driver_connection
        with raw.cursor() as cur, cur.copy(f"COPY bank_registry_rows ({', '.join(ROW_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def add_absent(self, registry_id: str, payment_ids: list[str]) -> None:
        if payment_ids:
            self.session.execute(insert(bank_registry_absent),
                                 [{"registry_id": registry_id, "payment_id": p} for p in payment_ids])

    def lines(self, registry_id: str, zone: dt.tzinfo, *, outcome: str = "", limit: int | None = None) -> list[ReconciliationLine]:
        """The report's lines: the file's rows in line order, then the payments it left out; of one outcome, or
        (outcome "") every exception, or (outcome "*") all."""
        r = bank_registry_rows
        rows = select(r.c.outcome, r.c.line, r.c.txn_id, r.c.account_number, r.c.amount_kop.label("registry_kop"),
                      func.coalesce(r.c.ledger_kop, 0).label("ledger_kop"), r.c.paid_at, r.c.action, r.c.note,
                      r.c.payer).where(r.c.registry_id == registry_id)
        absent = (select(literal(MISSING_IN_REGISTRY).label("outcome"), literal(0).label("line"), pp.c.txn_id,
                         pp.c.account_number, literal(0).label("registry_kop"), pp.c.amount_kop.label("ledger_kop"),
                         pp.c.paid_at, literal("listed").label("action"),
                         literal("Платёж проведён банком, но в реестре его нет.").label("note"),
                         literal("").label("payer"))
                  .join(bank_registry_absent, bank_registry_absent.c.payment_id == pp.c.payment_id)
                  .where(bank_registry_absent.c.registry_id == registry_id))
        if outcome == "":
            rows = rows.where(r.c.outcome != MATCHED)
        elif outcome != "*":
            rows = rows.where(r.c.outcome == outcome)
        parts = ([rows] if outcome != MISSING_IN_REGISTRY else []) + (
            [absent] if outcome in ("", "*", MISSING_IN_REGISTRY) else [])
        both = union_all(*parts).subquery()
        query = select(both).order_by(both.c.line == 0, both.c.line, both.c.txn_id)
        if limit is not None:
            query = query.limit(limit)
        return [ReconciliationLine(outcome=x.outcome, line=x.line, txn_id=x.txn_id, account_number=x.account_number,
                                   registry_kop=x.registry_kop, ledger_kop=x.ledger_kop,
                                   paid_on=x.paid_at.astimezone(zone).date(), action=x.action, note=x.note,
                                   payer=x.payer)
                for x in self.session.execute(query)]


def _registry(row) -> BankRegistry:
    return BankRegistry(
        registry_id=row.registry_id, partner_id=row.partner_id, supplier_id=row.supplier_id, source=row.source,
        uploaded_by=row.uploaded_by, sha256=row.sha256, registry_date=row.registry_date, rows=row.rows,
        total_kop=row.total_kop, created_at=row.created_at, status=row.status,
        **{name: getattr(row, name) for name in COUNTS})
