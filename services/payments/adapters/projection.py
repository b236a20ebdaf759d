"""The projections of accounts' facts kept by payments (accounts.account.changed, accounts.supplier.changed;
newest by occurred_at wins)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import UUID, insert
from sqlalchemy.orm import Session

from services.payments.adapters.orm import account_facts, suppliers
from services.payments.domain.model import AccountFacts, Supplier


class AccountFactsProjection:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, account_id: str) -> AccountFacts | None:
        row = self.session.execute(select(account_facts).where(account_facts.c.account_id == account_id)).first()
        if row is None:
            return None
        return AccountFacts(account_id=row.account_id, supplier_id=row.supplier_id, category=row.category,
                            meter_zones=tuple(row.meter_zones), residents=row.residents, number=row.number or "",
                            address=row.address or "", holder=row.holder or "",
                            bill_delivery=row.bill_delivery or "", automatic_metering=bool(row.automatic_metering))

    def put(self, facts: AccountFacts, as_of: dt.datetime) -> None:
        values = dict(supplier_id=facts.supplier_id, category=facts.category, meter_zones=list(facts.meter_zones),
                      residents=facts.residents, number=facts.number or None, address=facts.address or None,
                      holder=facts.holder or None, bill_delivery=facts.bill_delivery or None,
                      automatic_metering=facts.automatic_metering, as_of=as_of)
        stmt = insert(account_facts).values(account_id=facts.account_id, **values)
        self.session.execute(stmt.on_conflict_do_update(
            index_elements=[account_facts.c.account_id], set_=values, where=account_facts.c.as_of < stmt.excluded.as_of))


_SUPPLIER = select(suppliers).where(suppliers.c.supplier_id == bindparam("supplier_id", type_=UUID(as_uuid=False)))


class SupplierProjection:
    FIELDS = ("name", "inn", "kpp", "bank_name", "bic", "settlement_account", "correspondent_account",
              "timezone", "payment_due_day")

    def __init__(self, session: Session) -> None:
        self.session = session
        self._known: dict[str, Supplier | None] = {}  # get's answers in this transaction; put forgets them

    def get(self, supplier_id: str) -> Supplier | None:
        if supplier_id not in self._known:
            row = self.session.execute(_SUPPLIER, {"supplier_id": supplier_id}).first()
            self._known[supplier_id] = None if row is None else Supplier(
                supplier_id=row.supplier_id, **{name: getattr(row, name) for name in self.FIELDS})
        return self._known[supplier_id]

    def put(self, supplier: Supplier, as_of: dt.datetime) -> None:
        self._known.clear()
        values = {name: getattr(supplier, name) for name in self.FIELDS} | {"as_of": as_of}
        stmt = insert(suppliers).values(supplier_id=supplier.supplier_id, **values)
        self.session.execute(stmt.on_conflict_do_update(
            index_elements=[suppliers.c.supplier_id], set_=values, where=suppliers.c.as_of < stmt.excluded.as_of))
