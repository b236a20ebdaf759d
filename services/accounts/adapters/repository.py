"""Accounts repository over SQLAlchemy Core."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from services.accounts.adapters.orm import (
    accounts,
    bind_attempts,
    bindings,
    groups,
    meters,
    payments,
    suppliers,
)
from services.accounts.domain.model import DEFAULT_GROUP, AccountCard, MeterCard, Payment


class AccountsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def find_by_number(self, key: str, supplier_id: str | None):
        query = select(accounts.c.account_id, accounts.c.supplier_id).where(accounts.c.number_key == key)
        if supplier_id:
            query = query.where(accounts.c.supplier_id == supplier_id)
        return self.session.execute(query).all()

    def payments(self, account_id: str) -> list[Payment]:
        rows = self.session.execute(select(payments).where(payments.c.account_id == account_id))
        return [Payment(date=r.paid_on, amount_kop=r.amount_kop, channel=r.channel) for r in rows]

    def meter_numbers(self, account_id: str) -> list[str]:
        return list(self.session.scalars(select(meters.c.number).where(
            meters.c.account_id == account_id, meters.c.closed_at.is_(None))))

    def failed_attempts(self, *, user_id: str, key: str, since: dt.datetime) -> tuple[int, int]:
        by_user = self.session.scalar(select(func.count()).where(
            bind_attempts.c.user_id == user_id, bind_attempts.c.at > since))
        by_number = self.session.scalar(select(func.count()).where(
            bind_attempts.c.number_key == key, bind_attempts.c.at > since))
        return by_user, by_number

    def record_failed_attempt(self, *, user_id: str, key: str) -> None:
        self.session.execute(insert(bind_attempts).values(user_id=user_id, number_key=key))

    def default_group(self, user_id: str) -> str:
        group_id = self.session.scalar(select(groups.c.group_id).where(
            groups.c.user_id == user_id, groups.c.is_default))
        if group_id is None:
            group_id = str(uuid.uuid4())
            self.session.execute(insert(groups).values(group_id=group_id, user_id=user_id,
                                                       name=DEFAULT_GROUP, is_default=True))
        return group_id

    def bind(self, *, user_id: str, account_id: str, group_id: str, alias: str) -> bool:
        """True when the binding is new."""
        row = self.session.execute(pg_insert(bindings).values(
            user_id=user_id, account_id=account_id, group_id=group_id, alias=alias,
        ).on_conflict_do_nothing().returning(bindings.c.account_id)).first()
        return row is not None

    def card(self, user_id: str, account_id: str) -> AccountCard | None:
        cards = self._cards(user_id, account_id)
        return cards[0] if cards else None

    def cards(self, user_id: str) -> list[AccountCard]:
        return self._cards(user_id, None)

    def facts(self, account_id: str) -> AccountCard:
        """The account as the billing system knows it, outside any cabinet (no alias, no group)."""
        return self.facts_many([account_id])[0]

    def facts_many(self, account_ids: list[str]) -> list[AccountCard]:
        query = (select(accounts, suppliers.c.name.label("supplier_name"))
                 .join(suppliers, suppliers.c.supplier_id == accounts.c.supplier_id)
                 .where(accounts.c.account_id.in_(account_ids)))
        return self._with_meters(self.session.execute(query).mappings().all())

    def _cards(self, user_id: str, account_id: str | None) -> list[AccountCard]:
        query = (
            select(accounts, suppliers.c.name.label("supplier_name"), bindings.c.alias, bindings.c.group_id,
                   groups.c.name.label("group_name"))
            .join(bindings, bindings.c.account_id == accounts.c.account_id)
            .join(suppliers, suppliers.c.supplier_id == accounts.c.supplier_id)
            .join(groups, groups.c.group_id == bindings.c.group_id)
            .where(bindings.c.user_id == user_id)
            .order_by(groups.c.created_at, bindings.c.bound_at, accounts.c.number)
        )
        if account_id is not None:
            query = query.where(accounts.c.account_id == account_id)
        return self._with_meters(self.session.execute(query).mappings().all())

    def _with_meters(self, rows) -> list[AccountCard]:
        if not rows:
            return []
        meter_rows = self.session.execute(
            select(meters).where(meters.c.account_id.in_([r["account_id"] for r in rows]),
                                 meters.c.closed_at.is_(None)).order_by(meters.c.number)
        ).mappings()
        by_account: dict[str, list[MeterCard]] = {}
        for m in meter_rows:
            by_account.setdefault(m["account_id"], []).append(MeterCard(
                meter_id=m["meter_id"], number=m["number"], model=m["model"], zones=m["zones"],
                digits=m["digits"], ratio=str(m["ratio"].normalize())))
        return [AccountCard(
            account_id=r["account_id"], number=r["number"], supplier_id=r["supplier_id"],
            supplier_name=r["supplier_name"], address=r["address"], holder=r["holder"], category=r["category"],
            automatic_metering=r["automatic_metering"], meters=tuple(by_account.get(r["account_id"], ())),
            alias=r.get("alias", ""), group_id=r.get("group_id", ""), group_name=r.get("group_name", ""))
            for r in rows]

    # master data (demo and, later, registry import)
    def upsert(self, table, key: str, values: dict) -> None:
        table_obj = {"suppliers": suppliers, "accounts": accounts, "meters": meters}[table]
        self.session.execute(pg_insert(table_obj).values(**values).on_conflict_do_update(
            index_elements=[key], set_={k: v for k, v in values.items() if k != key}))

    def add_payment_once(self, account_id: str, paid_on: dt.date, amount_kop: int, channel: str,
                         external_id: str) -> None:
        self.session.execute(pg_insert(payments).values(
            account_id=account_id, paid_on=paid_on, amount_kop=amount_kop, channel=channel,
            external_id=external_id).on_conflict_do_nothing())
