"""The projection of accounts' facts kept by readings (last event by occurred_at wins)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY, UUID, insert
from sqlalchemy.orm import Session

from kit.db import driver_rows
from services.readings.adapters.orm import account_access, account_facts, supplier_facts
from services.readings.domain.model import AccountFacts, Meter
from services.readings.domain.windows import SupplierFacts

# Every submission asks these two: plain SQL through the driver (kit.db.driver_rows).
_FACTS = "f.account_id::text, f.supplier_id::text, f.category, f.automatic_metering, f.meters"
_SUPPLIER_FACTS = "timezone, window_from_day, window_to_day, outside_policy, sms_code"
# with the facts of the account's supplier (the window every submission asks next): one statement for both
_ALLOWED_FACTS = (f"SELECT {_FACTS}, s.supplier_id::text AS known_supplier, "
                  f"{', '.join(f's.{c}' for c in _SUPPLIER_FACTS.split(', '))} "
                  "FROM account_facts f JOIN account_access a ON a.account_id = f.account_id "
                  "LEFT JOIN supplier_facts s ON s.supplier_id = f.supplier_id "
                  "WHERE a.user_id = %(user_id)s AND a.account_id = %(account_id)s AND a.bound")
_SUPPLIER = f"SELECT supplier_id::text, {_SUPPLIER_FACTS} FROM supplier_facts WHERE supplier_id = %(supplier_id)s"
# The dashboard asks this one: built once (building a statement costs more than running it).
_ALLOWED_FACTS_MANY = (
    select(account_facts).join(account_access, account_access.c.account_id == account_facts.c.account_id)
    .where(account_access.c.user_id == bindparam("user_id", type_=UUID(as_uuid=False)), account_access.c.bound,
           account_access.c.account_id == any_(bindparam("ids", type_=ARRAY(UUID(as_uuid=False))))))


class AccountsProjection:
    def __init__(self, session: Session, suppliers: dict[str, SupplierFacts | None] | None = None) -> None:
        self.session = session
        # the suppliers' facts read in this transaction, shared with SupplierProjection (the unit of work's)
        self._suppliers = {} if suppliers is None else suppliers

    def allowed_facts(self, user_id: str, account_id: str) -> AccountFacts | None:
        """The account's facts if the projection knows the user is bound to it; None otherwise. Its supplier's
        facts come with them, for SupplierProjection.get in the same transaction."""
        rows = driver_rows(self.session, _ALLOWED_FACTS, {"user_id": user_id, "account_id": account_id})
        if not rows:
            return None
        row = rows[0]
        self._suppliers[row["supplier_id"]] = (
            _supplier(row | {"supplier_id": row["known_supplier"]}) if row["known_supplier"] else None)
        return _facts(row)

    def allowed_facts_many(self, user_id: str, account_ids: list[str]) -> dict[str, AccountFacts]:
        """`allowed_facts` of several accounts in one query (the dashboard's due flags): those it knows."""
        if not account_ids:
            return {}
        rows = self.session.execute(_ALLOWED_FACTS_MANY, {"user_id": user_id, "ids": account_ids}).mappings()
        return {row["account_id"]: _facts(row) for row in rows}

    def facts(self, account_id: str) -> AccountFacts | None:
        """The account's facts, whoever asks: only for a caller who proved the account another way (a reading
        without signing in: the account number and its meter's number)."""
        row = self.session.execute(select(account_facts).where(account_facts.c.account_id == account_id)
                                   ).mappings().first()
        return _facts(row) if row is not None else None

    def put_facts(self, facts: AccountFacts, as_of: dt.datetime) -> None:
        values = dict(supplier_id=facts.supplier_id, category=facts.category,
                      automatic_metering=facts.automatic_metering, as_of=as_of,
                      meters=[{"meter_id": m.meter_id, "zones": m.zones, "digits": m.digits, "ratio": str(m.ratio),
                               "number": m.number} for m in facts.meters])
        stmt = insert(account_facts).values(account_id=facts.account_id, **values)
        self.session.execute(stmt.on_conflict_do_update(
            index_elements=[account_facts.c.account_id], set_=values, where=account_facts.c.as_of < stmt.excluded.as_of))


def _facts(row) -> AccountFacts:
    return AccountFacts(
        account_id=row["account_id"], supplier_id=row["supplier_id"], category=row["category"],
        automatic_metering=row["automatic_metering"],
        meters=tuple(Meter(meter_id=m["meter_id"], zones=m["zones"], digits=m["digits"],
                           ratio=Decimal(m["ratio"]), number=m.get("number", "")) for m in row["meters"]))


class SupplierProjection:
    """The projection of suppliers' facts (accounts.supplier.changed): time zone and readings window."""

    def __init__(self, session: Session, known: dict[str, SupplierFacts | None] | None = None) -> None:
        self.session = session
        # get's answers in this transaction (and those AccountsProjection read with an account's facts); put
        # forgets them
        self._known = {} if known is None else known

    def get(self, supplier_id: str) -> SupplierFacts | None:
        if supplier_id not in self._known:
            rows = driver_rows(self.session, _SUPPLIER, {"supplier_id": supplier_id})
            self._known[supplier_id] = _supplier(rows[0]) if rows else None
        return self._known[supplier_id]

    def put(self, supplier: SupplierFacts, as_of: dt.datetime) -> None:
        self._known.clear()
        values = dict(timezone=supplier.timezone, window_from_day=supplier.window_from_day,
                      window_to_day=supplier.window_to_day, outside_policy=supplier.outside_policy, as_of=as_of,
                      sms_code=supplier.sms_code or None)
        stmt = insert(supplier_facts).values(supplier_id=supplier.supplier_id, **values)
        # a supplier projected before sms_code existed takes any event with a code (migration 0006: the stream
        # re-read from its start ends with the newest facts again)
        self.session.execute(stmt.on_conflict_do_update(
            index_elements=[supplier_facts.c.supplier_id], set_=values,
            where=(supplier_facts.c.as_of < stmt.excluded.as_of)
            | (supplier_facts.c.sms_code.is_(None) & stmt.excluded.sms_code.isnot(None))))


def _supplier(row: dict) -> SupplierFacts:
    return SupplierFacts(supplier_id=row["supplier_id"], timezone=row["timezone"],
                         window_from_day=row["window_from_day"], window_to_day=row["window_to_day"],
                         outside_policy=row["outside_policy"], sms_code=row["sms_code"] or "")
