"""Repositories of the payments database over SQLAlchemy Core: tariffs, charges, the ledger."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from prometheus_client import Counter
from sqlalchemy import Text, bindparam, delete, insert, select, update
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from kit.db import driver_rows
from kit.metrics import count_on_commit
from services.payments.adapters.orm import charge_lines, charges, ledger, tariff_prices, tariffs
from services.payments.domain.model import Charge, ChargeLine, LedgerEntry, Tariff
from services.payments.domain.tariffs import tariff_exists

POSTED = Counter("kabinet_payments_charges_posted_total", "Charges posted, by kind (preliminary, final)",
                 ["kind"])


# The statements of every preliminary charge, built once: building one costs more than running it.
_UUID = UUID(as_uuid=False)
_TARIFFS_OF_CATEGORY = (
    select(tariffs, tariff_prices.c.zones, tariff_prices.c.zone, tariff_prices.c.price_rub)
    .join(tariff_prices, tariff_prices.c.tariff_id == tariffs.c.tariff_id)
    .where(tariffs.c.supplier_id == bindparam("supplier_id", type_=_UUID),
           tariffs.c.category == bindparam("category", type_=Text))
    .order_by(tariffs.c.valid_from))
# ... and the ones every charge writes or asks, in plain SQL through the driver (kit.db.driver_rows)
_CHARGED = ("SELECT DISTINCT reading_id::text FROM charges WHERE reading_id = ANY(%(ids)s::uuid[]) "
            "AND kind = ANY(%(kinds)s)")
_INSERT_CHARGE = ("INSERT INTO charges (charge_id, account_id, kind, reading_id, tariff_id, amount_kop, posted_at, "
                  "period, meter_id, taken_at) VALUES (%(charge_id)s, %(account_id)s, %(kind)s, %(reading_id)s, "
                  "%(tariff_id)s, %(amount_kop)s, %(posted_at)s, %(period)s, %(meter_id)s, %(taken_at)s)")
_INSERT_LINES = ("INSERT INTO charge_lines (charge_id, position, zone, consumption, ratio, price_rub, amount_kop, "
                 "zones, reading) VALUES (%(charge_id)s, %(position)s, %(zone)s, %(consumption)s, %(ratio)s, "
                 "%(price_rub)s, %(amount_kop)s, %(zones)s, %(reading)s)")
_ENTRY_COLUMNS = ("entry_id", "account_id", "kind", "amount_kop", "charge_id", "posted_at", "bucket", "period",
                  "due_on", "external_id", "reverses", "run_id", "channel", "paid_on", "description")
_INSERT_ENTRY = (f"INSERT INTO ledger ({', '.join(_ENTRY_COLUMNS)}) "
                 f"VALUES ({', '.join(f'%({c})s' for c in _ENTRY_COLUMNS)})")
# in the order given (the callers sort the ids, so that two transactions never wait for each other)
_LOCK_ACCOUNTS = "SELECT pg_advisory_xact_lock(hashtextextended(id, 0)) FROM unnest(%(ids)s::text[]) AS id"
_BALANCE = "SELECT coalesce(sum(amount_kop), 0) AS balance FROM ledger WHERE account_id = %(account_id)s"
_BALANCES = ("SELECT account_id::text, sum(amount_kop) AS balance FROM ledger "
             "WHERE account_id = ANY(%(ids)s::uuid[]) GROUP BY account_id")


class TariffRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        # for_category's answers in this transaction (a consumer's fetch charges many readings of one supplier and
        # category); forgotten on every write through this repository, the only writer of tariffs
        self._of_category: dict[tuple[str, str], list[Tariff]] = {}

    def put(self, tariff: Tariff) -> None:
        """Insert or replace a tariff with its prices."""
        self._of_category.clear()
        values = dict(supplier_id=tariff.supplier_id, category=tariff.category, valid_from=tariff.valid_from)
        self.session.execute(pg_insert(tariffs).values(tariff_id=tariff.tariff_id, **values)
                             .on_conflict_do_update(index_elements=[tariffs.c.tariff_id], set_=values))
        self.session.execute(delete(tariff_prices).where(tariff_prices.c.tariff_id == tariff.tariff_id))
        self.session.execute(insert(tariff_prices), _price_rows(tariff))

    def add_new(self, tariff: Tariff) -> None:
        """Insert a new tariff version; the supplier and category must have none from its date (a race
        lost to another insert is refused like the check before it)."""
        self._of_category.clear()
        added = self.session.execute(
            pg_insert(tariffs).values(tariff_id=tariff.tariff_id, supplier_id=tariff.supplier_id,
                                      category=tariff.category, valid_from=tariff.valid_from)
            .on_conflict_do_nothing().returning(tariffs.c.tariff_id)).first()
        if added is None:
            raise tariff_exists(tariff.valid_from)
        self.session.execute(insert(tariff_prices), _price_rows(tariff))

    def for_category(self, supplier_id: str, category: str) -> list[Tariff]:
        """Every tariff of the supplier for the category, past and future (every charge asks: built once, and
        asked once per transaction)."""
        key = (supplier_id, category)
        if key not in self._of_category:
            self._of_category[key] = self._tariffs(self.session.execute(
                _TARIFFS_OF_CATEGORY, {"supplier_id": supplier_id, "category": category}))
        return self._of_category[key]

    def find(self, *, supplier_id: str = "", category: str = "") -> list[Tariff]:
        """Every tariff version, of a supplier and of a category when given, by supplier, category, date."""
        query = (select(tariffs, tariff_prices.c.zones, tariff_prices.c.zone, tariff_prices.c.price_rub)
                 .join(tariff_prices, tariff_prices.c.tariff_id == tariffs.c.tariff_id)
                 .order_by(tariffs.c.supplier_id, tariffs.c.category, tariffs.c.valid_from))
        if supplier_id:
            query = query.where(tariffs.c.supplier_id == supplier_id)
        if category:
            query = query.where(tariffs.c.category == category)
        return self._tariffs(self.session.execute(query))

    @staticmethod
    def _tariffs(result) -> list[Tariff]:
        rows = result.mappings().all()
        heads: dict[str, dict] = {}
        prices: dict[str, dict[int, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
        for row in rows:
            heads[row["tariff_id"]] = row
            prices[row["tariff_id"]][row["zones"]][row["zone"]] = row["price_rub"]
        return [Tariff(tariff_id=tid, supplier_id=head["supplier_id"], category=head["category"],
                       valid_from=head["valid_from"], prices={c: dict(z) for c, z in prices[tid].items()})
                for tid, head in heads.items()]


def _price_rows(tariff: Tariff) -> list[dict]:
    return [{"tariff_id": tariff.tariff_id, "zones": count, "zone": zone, "price_rub": price}
            for count, by_zone in tariff.prices.items() for zone, price in by_zone.items()]


class ChargeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_many(self, batch: list[Charge]) -> None:
        """Charges with their lines: two pipelined statements whatever their number."""
        if not batch:
            return
        driver_rows(self.session, _INSERT_CHARGE, [dict(
            charge_id=charge.charge_id, account_id=charge.account_id, kind=charge.kind,
            reading_id=charge.reading_id, tariff_id=charge.tariff_id, amount_kop=charge.amount_kop,
            posted_at=charge.posted_at, period=charge.period, meter_id=charge.meter_id, taken_at=charge.taken_at)
            for charge in batch])
        for charge in batch:
            count_on_commit(self.session, POSTED.labels(charge.kind))
        driver_rows(self.session, _INSERT_LINES, [
            {"charge_id": charge.charge_id, "position": i, "zone": line.zone, "consumption": line.consumption,
             "ratio": line.ratio, "price_rub": line.price_rub, "amount_kop": line.amount_kop,
             "zones": len(charge.lines), "reading": line.reading}  # a reading's lines are its meter's zones
            for charge in batch for i, line in enumerate(charge.lines)
        ])

    def mark_replaced(self, charge_id: str, by: str) -> bool:
        """A preliminary charge replaced by the charge of its reading's correction; False if it was already."""
        return self.session.execute(
            update(charges).where(charges.c.charge_id == charge_id, charges.c.replaced_by.is_(None))
            .values(replaced_by=by)).rowcount == 1

    def charged(self, reading_ids: list[str], kinds: tuple[str, ...]) -> set[str]:
        """Those of the readings that have a charge of one of these kinds (every accepted reading asks: one
        statement for a consumer's fetch)."""
        rows = driver_rows(self.session, _CHARGED, {"ids": list(reading_ids), "kinds": list(kinds)})
        return {row["reading_id"] for row in rows}

    def for_reading(self, reading_id: str, kind: str) -> Charge | None:
        found = self._load(select(charges).where(charges.c.reading_id == reading_id, charges.c.kind == kind))
        return found[0] if found else None

    def list_for_account(self, account_id: str, limit: int) -> list[Charge]:
        """Newest first (of one posting, the reading taken last first)."""
        return self._load(select(charges).where(charges.c.account_id == account_id)
                          .order_by(charges.c.posted_at.desc(), charges.c.taken_at.desc().nulls_last(),
                                    charges.c.charge_id).limit(limit))

    def _load(self, query) -> list[Charge]:
        heads = self.session.execute(query).mappings().all()
        if not heads:
            return []
        lines: dict[str, list[ChargeLine]] = defaultdict(list)
        for row in self.session.execute(
            select(charge_lines).where(charge_lines.c.charge_id.in_([h["charge_id"] for h in heads]))
            .order_by(charge_lines.c.charge_id, charge_lines.c.position)
        ).mappings():
            lines[row["charge_id"]].append(ChargeLine(
                zone=row["zone"], consumption=row["consumption"], ratio=row["ratio"],
                price_rub=row["price_rub"], amount_kop=row["amount_kop"]))
        return [Charge(charge_id=h["charge_id"], account_id=h["account_id"], kind=h["kind"],
                       reading_id=h["reading_id"], tariff_id=h["tariff_id"], lines=tuple(lines[h["charge_id"]]),
                       posted_at=h["posted_at"], taken_at=h["taken_at"])
                for h in heads]


class LedgerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def lock_account(self, account_id: str) -> None:
        """Serialize postings to one account until the transaction ends, so that the balance
        read after a posting is the balance right after it."""
        self.lock_accounts([account_id])

    def lock_accounts(self, account_ids: list[str]) -> None:
        """lock_account for many, in one statement, in a stable order (two transactions locking overlapping
        sets never wait for each other)."""
        driver_rows(self.session, _LOCK_ACCOUNTS, {"ids": sorted(set(account_ids))})

    def add(self, entry: LedgerEntry) -> None:
        driver_rows(self.session, _INSERT_ENTRY, _entry_row(entry))

    def add_many(self, entries: list[LedgerEntry]) -> None:
        """Entries in one pipelined statement."""
        if entries:
            driver_rows(self.session, _INSERT_ENTRY, [_entry_row(entry) for entry in entries])

    def add_once(self, entry: LedgerEntry) -> bool:
        """An entry of an outside fact (its external_id), unless it is booked already; True if this call
        added it."""
        added = self.session.execute(
            pg_insert(ledger).values(**_entry_row(entry))
            .on_conflict_do_nothing(index_elements=[ledger.c.external_id]).returning(ledger.c.entry_id)
        ).first()
        return added is not None

    def entry_of_charge(self, charge_id: str) -> LedgerEntry | None:
        """The ledger entry of a charge while nothing reversed it."""
        reversal = ledger.alias("reversal")
        row = self.session.execute(
            select(ledger).where(ledger.c.charge_id == charge_id, ~select(reversal.c.entry_id)
                                 .where(reversal.c.reverses == ledger.c.entry_id).exists())).mappings().first()
        if row is None:
            return None
        return LedgerEntry(account_id=row["account_id"], kind=row["kind"], amount_kop=row["amount_kop"],
                           posted_at=row["posted_at"], charge_id=row["charge_id"], entry_id=row["entry_id"],
                           bucket=row["bucket"], period=row["period"], due_on=row["due_on"])

    def balance_kop(self, account_id: str) -> int:
        return int(driver_rows(self.session, _BALANCE, {"account_id": account_id})[0]["balance"])

    def balances_kop(self, account_ids: list[str]) -> dict[str, int]:
        """balance_kop of many accounts, one statement (0 for an account without entries)."""
        rows = driver_rows(self.session, _BALANCES, {"ids": sorted(set(account_ids))})
        return {account_id: 0 for account_id in account_ids} | {r["account_id"]: int(r["balance"]) for r in rows}


def _entry_row(entry: LedgerEntry) -> dict:
    return dict(entry_id=entry.entry_id, account_id=entry.account_id, kind=entry.kind,
                amount_kop=entry.amount_kop, charge_id=entry.charge_id, posted_at=entry.posted_at,
                bucket=entry.bucket, period=entry.period, due_on=entry.due_on, external_id=entry.external_id,
                reverses=entry.reverses, run_id=entry.run_id, channel=entry.channel, paid_on=entry.paid_on,
                description=entry.description)
