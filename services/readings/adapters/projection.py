"""The projection of accounts' facts kept by readings (last event by occurred_at wins)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.readings.adapters.orm import account_access, account_facts
from services.readings.domain.model import AccountFacts, Meter


class AccountsProjection:
    def __init__(self, session: Session) -> None:
        self.session = session

    def allowed_facts(self, user_id: str, account_id: str) -> AccountFacts | None:
        """The account's facts if the projection knows the user is bound to it; None otherwise."""
        row = self.session.execute(
            select(account_facts).join(account_access, account_access.c.account_id == account_facts.c.account_id)
            .where(account_access.c.user_id == user_id, account_access.c.account_id == account_id,
                   account_access.c.bound)
        ).mappings().first()
        if row is None:
            return None
        return AccountFacts(
            account_id=row["account_id"], supplier_id=row["supplier_id"], category=row["category"],
            automatic_metering=row["automatic_metering"],
            meters=tuple(Meter(meter_id=m["meter_id"], zones=m["zones"], digits=m["digits"],
                               ratio=Decimal(m["ratio"])) for m in row["meters"]))

    def put_facts(self, facts: AccountFacts, as_of: dt.datetime) -> None:
        values = dict(supplier_id=facts.supplier_id, category=facts.category,
                      automatic_metering=facts.automatic_metering, as_of=as_of,
                      meters=[{"meter_id": m.meter_id, "zones": m.zones, "digits": m.digits, "ratio": str(m.ratio)}
                              for m in facts.meters])
        stmt = insert(account_facts).values(account_id=facts.account_id, **values)
        self.session.execute(stmt.on_conflict_do_update(
            index_elements=[account_facts.c.account_id], set_=values, where=account_facts.c.as_of < stmt.excluded.as_of))
