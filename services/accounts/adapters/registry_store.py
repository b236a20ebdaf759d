"""Set-based writing of a validated registry: COPY into a staging table, then one upsert.

Only rows whose values differ are updated (IS DISTINCT FROM), so a re-import of
the same file changes nothing and reports every row as unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from services.accounts.adapters.orm import suppliers
from services.accounts.domain.registry import (
    AccountRow,
    ContractRow,
    MeterRow,
    PaymentRow,
    Rejection,
    account_id_of,
    meter_id_of,
)


class RegistryStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def supplier_ids(self) -> dict[str, str]:
        return dict(self.session.execute(select(suppliers.c.sms_code, suppliers.c.supplier_id)).all())

    def _copy(self, ddl: str, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
        self.session.execute(text(ddl))
        raw = self.session.connection().connection.driver_connection
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def upsert_accounts(self, rows: list[AccountRow], supplier_ids: dict[str, str]) -> tuple[int, int, list[str]]:
        """(inserted, updated, ids of the accounts inserted or changed)."""
        self._copy(
            "CREATE TEMP TABLE stage_accounts (account_id uuid, supplier_id uuid, number text, number_key text, holder text,"
            " address text, category text, premise jsonb, bill_delivery text, automatic_metering boolean)"
            " ON COMMIT DROP", "stage_accounts",
            ("account_id", "supplier_id", "number", "number_key", "holder", "address", "category", "premise",
             "bill_delivery", "automatic_metering"),
            ((account_id_of(supplier_ids[r.supplier_code], r.number_key), supplier_ids[r.supplier_code], r.number, r.number_key, r.holder, r.address, r.category,
              json.dumps(r.premise), r.bill_delivery, r.automatic_metering) for r in rows))
        result = self.session.execute(text("""
            INSERT INTO accounts AS a (account_id, supplier_id, number, number_key, holder, address, category,
                                       premise, bill_delivery, automatic_metering)
            SELECT account_id, supplier_id, number, number_key, holder, address, category, premise,
                   bill_delivery, automatic_metering FROM stage_accounts
            ON CONFLICT (supplier_id, number_key) DO UPDATE SET
                number = excluded.number, holder = excluded.holder, address = excluded.address,
                category = excluded.category, premise = excluded.premise,
                bill_delivery = excluded.bill_delivery, automatic_metering = excluded.automatic_metering
            WHERE (a.number, a.holder, a.address, a.category, a.premise, a.bill_delivery, a.automatic_metering)
                  IS DISTINCT FROM (excluded.number, excluded.holder, excluded.address, excluded.category,
                                    excluded.premise, excluded.bill_delivery, excluded.automatic_metering)
            RETURNING a.account_id, (xmax = 0) AS inserted
        """)).all()
        inserted = sum(1 for r in result if r.inserted)
        return inserted, len(result) - inserted, [r.account_id for r in result]

    def unknown_accounts(self, stage: str) -> list[Rejection]:
        rows = self.session.execute(text(f"""
            SELECT s.line FROM {stage} s LEFT JOIN accounts a
              ON a.supplier_id = s.supplier_id AND a.number_key = s.number_key
            WHERE a.account_id IS NULL ORDER BY s.line""")).all()
        return [Rejection(r.line, "Лицевой счёт не найден: сначала импортируйте реестр счетов.") for r in rows]

    def upsert_meters(self, rows: list[MeterRow], supplier_ids: dict[str, str]) -> tuple[int, int, int, list[Rejection], list[str]]:
        """(inserted, updated, closed, rejected rows, ids of accounts whose meters changed).

        For every account in the file, its open meters that the file does not list are closed
        (closed_at set), never deleted: readings and charges still refer to them."""
        self._copy(
            "CREATE TEMP TABLE stage_meters (line int, meter_id uuid, supplier_id uuid, number_key text,"
            " meter_number text, model text, zones int, digits int, ratio numeric, verification_due date)"
            " ON COMMIT DROP",
            "stage_meters",
            ("line", "meter_id", "supplier_id", "number_key", "meter_number", "model", "zones", "digits", "ratio",
             "verification_due"),
            ((r.line, meter_id_of(account_id_of(supplier_ids[r.supplier_code], r.number_key), r.meter_number),
              supplier_ids[r.supplier_code], r.number_key, r.meter_number, r.model, r.zones, r.digits,
              r.ratio, r.verification_due) for r in rows))
        rejected = self.unknown_accounts("stage_meters")
        changed = self.session.execute(text("""
            INSERT INTO meters AS m (meter_id, account_id, number, model, zones, digits, ratio, verification_due)
            SELECT s.meter_id, a.account_id, s.meter_number, s.model, s.zones, s.digits, s.ratio,
                   s.verification_due
            FROM stage_meters s JOIN accounts a ON a.supplier_id = s.supplier_id AND a.number_key = s.number_key
            ON CONFLICT (account_id, number) DO UPDATE SET
                model = excluded.model, zones = excluded.zones, digits = excluded.digits, ratio = excluded.ratio,
                verification_due = excluded.verification_due, closed_at = NULL
            WHERE (m.model, m.zones, m.digits, m.ratio, m.verification_due, m.closed_at)
                  IS DISTINCT FROM (excluded.model, excluded.zones, excluded.digits, excluded.ratio,
                                    excluded.verification_due, NULL)
            RETURNING m.account_id, (xmax = 0) AS inserted
        """)).all()
        closed = self.session.execute(text("""
            UPDATE meters m SET closed_at = now()
            FROM accounts a
            WHERE m.account_id = a.account_id AND m.closed_at IS NULL
              AND EXISTS (SELECT 1 FROM stage_meters s
                          WHERE s.supplier_id = a.supplier_id AND s.number_key = a.number_key)
              AND NOT EXISTS (SELECT 1 FROM stage_meters s
                              WHERE s.supplier_id = a.supplier_id AND s.number_key = a.number_key
                                AND s.meter_number = m.number)
            RETURNING m.account_id
        """)).all()
        inserted = sum(1 for r in changed if r.inserted)
        touched = {r.account_id for r in changed} | {r.account_id for r in closed}
        return inserted, len(changed) - inserted, len(closed), rejected, sorted(touched)

    def insert_payments(self, rows: list[PaymentRow], supplier_ids: dict[str, str]) -> tuple[int, list[Rejection]]:
        """(inserted, rejected rows); a payment already known by its external id is left as it is."""
        self._copy(
            "CREATE TEMP TABLE stage_payments (line int, supplier_id uuid, number_key text, paid_on date,"
            " amount_kop bigint, channel text, external_id text) ON COMMIT DROP", "stage_payments",
            ("line", "supplier_id", "number_key", "paid_on", "amount_kop", "channel", "external_id"),
            ((r.line, supplier_ids[r.supplier_code], r.number_key, r.paid_on, r.amount_kop, r.channel,
              r.external_id) for r in rows))
        rejected = self.unknown_accounts("stage_payments")
        inserted = self.session.execute(text("""
            INSERT INTO payments (account_id, paid_on, amount_kop, channel, external_id)
            SELECT a.account_id, s.paid_on, s.amount_kop, s.channel, s.external_id
            FROM stage_payments s JOIN accounts a ON a.supplier_id = s.supplier_id AND a.number_key = s.number_key
            ON CONFLICT (external_id) DO NOTHING
        """)).rowcount
        return inserted, rejected

    def upsert_contracts(self, rows: list[ContractRow], supplier_ids: dict[str, str]) -> tuple[int, int]:
        """(inserted, updated). A contract's cabinet binding is never touched by an import; contracts the
        file does not list are kept (the registry may be partial)."""
        self._copy(
            "CREATE TEMP TABLE stage_contracts (supplier_id uuid, number text, holder text, inn text,"
            " emails jsonb, address text) ON COMMIT DROP", "stage_contracts",
            ("supplier_id", "number", "holder", "inn", "emails", "address"),
            ((supplier_ids[r.supplier_code], r.number, r.holder, r.inn, json.dumps(list(r.emails)), r.address)
             for r in rows))
        result = self.session.execute(text("""
            INSERT INTO contracts AS c (contract_id, supplier_id, number, holder, inn, emails, address)
            SELECT gen_random_uuid(), supplier_id, number, holder, inn, emails, address FROM stage_contracts
            ON CONFLICT (supplier_id, number) DO UPDATE SET
                holder = excluded.holder, inn = excluded.inn, emails = excluded.emails, address = excluded.address
            WHERE (c.holder, c.inn, c.emails, c.address)
                  IS DISTINCT FROM (excluded.holder, excluded.inn, excluded.emails, excluded.address)
            RETURNING (xmax = 0) AS inserted
        """)).all()
        inserted = sum(1 for r in result if r.inserted)
        return inserted, len(result) - inserted

    def resolve(self, supplier_id: str, number_keys: list[str], contract_numbers: list[str], *,
                with_meters: bool) -> tuple[dict[str, str], dict[str, list[dict]], dict[str, str]]:
        """({number_key: account_id}, {account_id: [meter]}, {contract number: contract_id}) of one supplier;
        one query per kind with an array parameter (tens of thousands of numbers per call)."""
        accounts = dict(self.session.execute(text(
            "SELECT number_key, account_id::text FROM accounts WHERE supplier_id = :s AND number_key = ANY(:keys)"),
            {"s": supplier_id, "keys": number_keys}).all()) if number_keys else {}
        meters: dict[str, list[dict]] = {}
        if with_meters and accounts:
            for m in self.session.execute(text(
                    "SELECT account_id::text, meter_id::text, number, zones, digits, closed_at IS NOT NULL AS closed"
                    " FROM meters"
                    " WHERE account_id = ANY(CAST(:ids AS uuid[])) ORDER BY account_id, number"),
                    {"ids": list(accounts.values())}).mappings():
                meters.setdefault(m["account_id"], []).append(dict(m))
        contracts = dict(self.session.execute(text(
            "SELECT number, contract_id::text FROM contracts WHERE supplier_id = :s AND number = ANY(:numbers)"),
            {"s": supplier_id, "numbers": contract_numbers}).all()) if contract_numbers else {}
        return accounts, meters, contracts
