"""Accounts repository over SQLAlchemy Core."""

from __future__ import annotations

import datetime as dt
import uuid

from prometheus_client import Counter
from sqlalchemy import any_, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from kit.metrics import count_on_commit
from services.accounts.adapters.orm import (
    accounts,
    activation_codes,
    bind_attempts,
    bindings,
    groups,
    meters,
    payments,
    suppliers,
)
from services.accounts.domain.model import DEFAULT_GROUP, AccountCard, Group, MeterCard, Payment
from services.accounts.domain.payments import as_proofs

BOUND = Counter("kabinet_accounts_bound_total", "Bound to a cabinet: лицевые счета (account) and договоры (contract)",
                ["kind"])


# What every dashboard asks (the groups, the cards with their meters), built once: building a statement costs more
# than running it.
_UUID = UUID(as_uuid=False)
_USER = bindparam("user_id", type_=_UUID)
_DEFAULT_GROUP = select(groups.c.group_id).where(groups.c.user_id == _USER, groups.c.is_default)
_COUNTS = (select(bindings.c.group_id, func.count().label("n")).where(bindings.c.user_id == _USER)
           .group_by(bindings.c.group_id).subquery())
_GROUPS = (select(groups.c.group_id, groups.c.name, groups.c.is_default, func.coalesce(_COUNTS.c.n, 0).label("n"))
           .outerjoin(_COUNTS, _COUNTS.c.group_id == groups.c.group_id).where(groups.c.user_id == _USER)
           .order_by(groups.c.is_default.desc(), groups.c.created_at, groups.c.name))
_CARDS = (select(accounts, suppliers.c.name.label("supplier_name"), bindings.c.alias, bindings.c.group_id,
                 groups.c.name.label("group_name"))
          .join(bindings, bindings.c.account_id == accounts.c.account_id)
          .join(suppliers, suppliers.c.supplier_id == accounts.c.supplier_id)
          .join(groups, groups.c.group_id == bindings.c.group_id)
          .where(bindings.c.user_id == _USER)
          .order_by(groups.c.created_at, bindings.c.bound_at, accounts.c.number))
_CARD = _CARDS.where(accounts.c.account_id == bindparam("account_id", type_=_UUID))
_METERS = (select(meters).where(meters.c.account_id == any_(bindparam("ids", type_=ARRAY(_UUID))),
                                meters.c.closed_at.is_(None)).order_by(meters.c.number))


class AccountsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def find_by_number(self, key: str, supplier_id: str | None):
        query = select(accounts.c.account_id, accounts.c.supplier_id).where(accounts.c.number_key == key)
        if supplier_id:
            query = query.where(accounts.c.supplier_id == supplier_id)
        return self.session.execute(query).all()

    def payments(self, account_id: str) -> list[Payment]:
        rows = self.session.execute(select(payments.c.paid_on, payments.c.amount_kop, payments.c.channel,
                                           payments.c.external_id).where(payments.c.account_id == account_id))
        return as_proofs([tuple(r) for r in rows])

    def exists(self, account_id: str) -> bool:
        return self.session.scalar(select(accounts.c.account_id).where(accounts.c.account_id == account_id)) is not None

    def meter_numbers(self, account_id: str) -> list[str]:
        return list(self.session.scalars(select(meters.c.number).where(
            meters.c.account_id == account_id, meters.c.closed_at.is_(None))))

    def failed_attempts(self, *, user_id: str, key: str, hour: dt.datetime, day: dt.datetime) -> tuple[int, int, int]:
        """Failed proofs: the user's since `hour` and since `day`, everyone's for this number since `day`."""
        at = bind_attempts.c.at
        by_user_hour, by_user_day = self.session.execute(select(
            func.count().filter(at > hour), func.count()).where(bind_attempts.c.user_id == user_id, at > day)).one()
        for_number = self.session.scalar(select(func.count()).where(bind_attempts.c.number_key == key, at > day))
        return by_user_hour, by_user_day, for_number

    def record_failed_attempt(self, *, user_id: str, key: str) -> None:
        self.session.execute(insert(bind_attempts).values(user_id=user_id, number_key=key))

    def default_group(self, user_id: str) -> str:
        group_id = self.session.scalar(_DEFAULT_GROUP, {"user_id": user_id})
        if group_id is None:
            group_id = str(uuid.uuid4())
            self.session.execute(insert(groups).values(group_id=group_id, user_id=user_id,
                                                       name=DEFAULT_GROUP, is_default=True))
        return group_id

    # --- groups ---

    def groups(self, user_id: str) -> list[Group]:
        """The user's groups, the default one first, with how many accounts each holds."""
        self.default_group(user_id)
        rows = self.session.execute(_GROUPS, {"user_id": user_id}).all()
        return [Group(r.group_id, r.name, r.is_default, r.n) for r in rows]

    def group(self, user_id: str, group_id: str) -> Group | None:
        return next((g for g in self.groups(user_id) if g.group_id == group_id), None)

    def add_group(self, user_id: str, name: str) -> str:
        group_id = str(uuid.uuid4())
        self.session.execute(insert(groups).values(group_id=group_id, user_id=user_id, name=name))
        return group_id

    def rename_group(self, group_id: str, name: str) -> None:
        self.session.execute(update(groups).where(groups.c.group_id == group_id).values(name=name))

    def delete_group(self, user_id: str, group_id: str, default_id: str) -> int:
        """Moves the group's accounts to the default group, deletes it; how many moved."""
        moved = self.session.execute(update(bindings).where(
            bindings.c.user_id == user_id, bindings.c.group_id == group_id).values(group_id=default_id)).rowcount
        self.session.execute(delete(groups).where(groups.c.group_id == group_id, groups.c.user_id == user_id))
        return moved

    # --- bindings ---

    def update_binding(self, user_id: str, account_id: str, **values) -> None:
        self.session.execute(update(bindings).where(
            bindings.c.user_id == user_id, bindings.c.account_id == account_id).values(**values))

    def unbind(self, user_id: str, account_id: str) -> bool:
        return self.session.execute(delete(bindings).where(
            bindings.c.user_id == user_id, bindings.c.account_id == account_id)).rowcount == 1

    def choose_bill_delivery(self, account_id: str, value: str) -> None:
        self.session.execute(update(accounts).where(accounts.c.account_id == account_id)
                             .values(customer_bill_delivery=value))

    # --- activation codes ---

    def usable_code_hashes(self, account_id: str, now: dt.datetime) -> tuple[str, ...]:
        return tuple(self.session.scalars(select(activation_codes.c.code_hash).where(
            activation_codes.c.account_id == account_id, activation_codes.c.used_at.is_(None),
            activation_codes.c.expires_at > now)))

    def use_code(self, code_hash: str, user_id: str, now: dt.datetime) -> bool:
        """Spends the code; False when it was spent meanwhile (single use under concurrency)."""
        return self.session.execute(update(activation_codes).where(
            activation_codes.c.code_hash == code_hash, activation_codes.c.used_at.is_(None),
        ).values(used_at=now, used_by=user_id)).rowcount == 1

    def issue_code(self, *, account_id: str, code_hash: str, issued_by: str, now: dt.datetime,
                   expires_at: dt.datetime) -> None:
        """A new code; the account's earlier unused codes stop working."""
        self.session.execute(update(activation_codes).where(
            activation_codes.c.account_id == account_id, activation_codes.c.used_at.is_(None),
            activation_codes.c.expires_at > now).values(expires_at=now))
        self.session.execute(insert(activation_codes).values(
            code_hash=code_hash, account_id=account_id, issued_by=issued_by, issued_at=now, expires_at=expires_at))

    # --- staff ---

    def search(self, *, key: str | None, address: str, holder: str, meter_key: str, user_id: str,
               limit: int) -> list[str]:
        query = select(accounts.c.account_id)
        if key:
            query = query.where(accounts.c.number_key == key)
        if address:
            query = query.where(accounts.c.address.ilike(f"%{_like(address)}%"))
        if holder:
            query = query.where(accounts.c.holder.ilike(f"%{_like(holder)}%"))
        if meter_key:
            query = query.where(accounts.c.account_id.in_(select(meters.c.account_id).where(
                func.upper(func.ltrim(func.regexp_replace(meters.c.number, r"[\s-]", "", "g"), "0")) == meter_key)))
        if user_id:
            query = query.where(accounts.c.account_id.in_(
                select(bindings.c.account_id).where(bindings.c.user_id == user_id)))
        return list(self.session.scalars(query.order_by(accounts.c.number_key).limit(limit)))

    def bindings_of(self, account_ids: list[str]) -> dict[str, list[dict]]:
        rows = self.session.execute(select(bindings.c.account_id, bindings.c.user_id, bindings.c.bound_at,
                                           bindings.c.alias).where(bindings.c.account_id.in_(account_ids))
                                    .order_by(bindings.c.bound_at)).mappings()
        out: dict[str, list[dict]] = {}
        for r in rows:
            out.setdefault(r["account_id"], []).append(dict(r))
        return out

    def meter(self, meter_id: str) -> dict | None:
        row = self.session.execute(select(meters).where(meters.c.meter_id == meter_id)).mappings().first()
        return dict(row) if row else None

    def meter_card(self, meter_id: str) -> MeterCard | None:
        row = self.session.execute(select(meters).where(meters.c.meter_id == meter_id)).mappings().first()
        return _meter_card(row) if row else None

    def all_meter_numbers(self, account_id: str) -> set[str]:
        """Open and closed: the registry's key (account, number) covers both."""
        return set(self.session.scalars(select(meters.c.number).where(meters.c.account_id == account_id)))

    def update_meter(self, meter_id: str, values: dict) -> None:
        self.session.execute(update(meters).where(meters.c.meter_id == meter_id).values(**values))

    def bind(self, *, user_id: str, account_id: str, group_id: str, alias: str) -> bool:
        """True when the binding is new."""
        row = self.session.execute(pg_insert(bindings).values(
            user_id=user_id, account_id=account_id, group_id=group_id, alias=alias,
        ).on_conflict_do_nothing().returning(bindings.c.account_id)).first()
        if row is not None:
            count_on_commit(self.session, BOUND.labels("account"))
        return row is not None

    def card(self, user_id: str, account_id: str) -> AccountCard | None:
        cards = self._cards(user_id, account_id)
        return cards[0] if cards else None

    def cards(self, user_id: str) -> list[AccountCard]:
        return self._with_meters(self.session.execute(_CARDS, {"user_id": user_id}).mappings().all())

    def facts(self, account_id: str) -> AccountCard:
        """The account as the billing system knows it, outside any cabinet (no alias, no group)."""
        return self.facts_many([account_id])[0]

    def facts_many(self, account_ids: list[str]) -> list[AccountCard]:
        query = (select(accounts, suppliers.c.name.label("supplier_name"))
                 .join(suppliers, suppliers.c.supplier_id == accounts.c.supplier_id)
                 .where(accounts.c.account_id.in_(account_ids)))
        return self._with_meters(self.session.execute(query).mappings().all())

    def _cards(self, user_id: str, account_id: str) -> list[AccountCard]:
        return self._with_meters(self.session.execute(_CARD, {"user_id": user_id, "account_id": account_id})
                                 .mappings().all())

    def _with_meters(self, rows) -> list[AccountCard]:
        if not rows:
            return []
        meter_rows = self.session.execute(_METERS, {"ids": [r["account_id"] for r in rows]}).mappings()
        by_account: dict[str, list[MeterCard]] = {}
        for m in meter_rows:
            by_account.setdefault(m["account_id"], []).append(_meter_card(m))
        return [AccountCard(
            account_id=r["account_id"], number=r["number"], supplier_id=r["supplier_id"],
            supplier_name=r["supplier_name"], address=r["address"], holder=r["holder"], category=r["category"],
            automatic_metering=r["automatic_metering"], meters=tuple(by_account.get(r["account_id"], ())),
            alias=r.get("alias", ""), group_id=r.get("group_id", ""), group_name=r.get("group_name", ""),
            premise=dict(r["premise"] or {}), bill_delivery=r["customer_bill_delivery"] or r["bill_delivery"])
            for r in rows]

    # master data (demo and, later, registry import); suppliers: SuppliersRepository.save
    def upsert(self, table, key: str, values: dict) -> None:
        table_obj = {"accounts": accounts, "meters": meters}[table]
        self.session.execute(pg_insert(table_obj).values(**values).on_conflict_do_update(
            index_elements=[key], set_={k: v for k, v in values.items() if k != key}))

    def add_payment_once(self, account_id: str, paid_on: dt.date, amount_kop: int, channel: str,
                         external_id: str) -> None:
        self.session.execute(pg_insert(payments).values(
            account_id=account_id, paid_on=paid_on, amount_kop=amount_kop, channel=channel,
            external_id=external_id).on_conflict_do_nothing())


def _meter_card(m) -> MeterCard:
    return MeterCard(meter_id=m["meter_id"], number=m["number"], model=m["model"], zones=m["zones"],
                     digits=m["digits"], ratio=_decimal_str(m["ratio"]), verification_due=m["verification_due"])


def _decimal_str(value) -> str:
    """1.0000 -> "1", 1.5000 -> "1.5" (never "1E+1")."""
    return format(value.normalize(), "f")


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
