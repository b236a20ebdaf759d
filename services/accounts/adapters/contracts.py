"""Contracts and their confirmation links over SQLAlchemy Core."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Session

from kit.metrics import count_on_commit
from services.accounts.adapters.orm import contract_confirmations, contracts, suppliers
from services.accounts.adapters.repository import BOUND
from services.accounts.domain.contracts import ContractCard

# the dashboard asks for the cabinet's contracts every time: built once
_MY_CONTRACTS = (select(contracts, suppliers.c.name.label("supplier_name"))
                 .join(suppliers, suppliers.c.supplier_id == contracts.c.supplier_id)
                 .where(contracts.c.user_id == bindparam("user_id", type_=UUID(as_uuid=False)))
                 .order_by(contracts.c.bound_at, contracts.c.number))


class ContractsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _query(self):
        return (select(contracts, suppliers.c.name.label("supplier_name"))
                .join(suppliers, suppliers.c.supplier_id == contracts.c.supplier_id))

    def by_number(self, number: str) -> list[dict]:
        """Every supplier's contract with this number (with its bound cabinet), locked for update."""
        rows = self.session.execute(self._query().where(contracts.c.number == number)
                                    .with_for_update(of=contracts)).mappings()
        return [dict(r) for r in rows]

    def get(self, contract_id: str, *, lock: bool = False) -> dict | None:
        query = self._query().where(contracts.c.contract_id == contract_id)
        if lock:
            query = query.with_for_update(of=contracts)
        row = self.session.execute(query).mappings().first()
        return dict(row) if row else None

    def card(self, user_id: str, contract_id: str) -> ContractCard | None:
        rows = self._cards(self._query().where(contracts.c.user_id == user_id,
                                               contracts.c.contract_id == contract_id))
        return rows[0] if rows else None

    def cards(self, user_id: str) -> list[ContractCard]:
        return [to_card(r) for r in self.session.execute(_MY_CONTRACTS, {"user_id": user_id}).mappings()]

    def _cards(self, query) -> list[ContractCard]:
        return [to_card(r) for r in self.session.execute(query).mappings()]

    def bind(self, contract_id: str, user_id: str, now: dt.datetime) -> bool:
        """Binds a free contract; False when some cabinet holds it already."""
        bound = self.session.execute(update(contracts).where(
            contracts.c.contract_id == contract_id, contracts.c.user_id.is_(None),
        ).values(user_id=user_id, bound_at=now)).rowcount == 1
        if bound:
            count_on_commit(self.session, BOUND.labels("contract"))
        return bound

    def unbind(self, contract_id: str, user_id: str) -> bool:
        return self.session.execute(update(contracts).where(
            contracts.c.contract_id == contract_id, contracts.c.user_id == user_id,
        ).values(user_id=None, bound_at=None)).rowcount == 1

    def add_confirmation(self, *, token_hash: str, contract_id: str, user_id: str, email: str,
                         now: dt.datetime, expires_at: dt.datetime) -> None:
        """A pending link; the same cabinet's earlier links for this contract stop working."""
        t = contract_confirmations
        self.session.execute(update(t).where(t.c.contract_id == contract_id, t.c.user_id == user_id,
                                             t.c.used_at.is_(None), t.c.expires_at > now).values(expires_at=now))
        self.session.execute(insert(t).values(token_hash=token_hash, contract_id=contract_id, user_id=user_id,
                                              email=email, created_at=now, expires_at=expires_at))

    def spend_confirmation(self, token_hash: str, now: dt.datetime) -> dict | None:
        """Marks a usable link used and returns it; None for an unknown, used or expired one."""
        t = contract_confirmations
        row = self.session.execute(update(t).where(
            t.c.token_hash == token_hash, t.c.used_at.is_(None), t.c.expires_at > now,
        ).values(used_at=now).returning(t.c.contract_id, t.c.user_id, t.c.email)).mappings().first()
        return dict(row) if row else None


def to_card(r) -> ContractCard:
    return ContractCard(contract_id=r["contract_id"], number=r["number"], supplier_id=r["supplier_id"],
                        supplier_name=r["supplier_name"], holder=r["holder"], inn=r["inn"], address=r["address"],
                        emails=tuple(r["emails"]), bound_at=r["bound_at"])
