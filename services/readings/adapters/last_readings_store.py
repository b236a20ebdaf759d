"""The newest reading of several accounts in one query (the dashboard's «последние показания»): a LATERAL per
account on the readings_account_taken index, in `adapters/repository.py:ReadingRepository.list_for_account`'s
order — for the caller's bound accounts together with the access check (the projection's join that
`adapters/projection.py:AccountsProjection.allowed_facts` makes), one statement.

Built once at import: the dashboard asks them on every visit, and building a statement with a subquery costs more
than running it."""

from __future__ import annotations

from sqlalchemy import any_, bindparam, func, select, true
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Session

from services.readings.adapters.orm import account_access, account_facts, readings
from services.readings.adapters.repository import reading_from_row
from services.readings.domain.model import Reading

_IDS = bindparam("ids", type_=ARRAY(UUID(as_uuid=False)))


def _newest(account_id):
    return (select(readings).where(readings.c.account_id == account_id)
            .order_by(readings.c.taken_at.desc(), readings.c.created_at.desc(), readings.c.reading_id.desc())
            .limit(1).lateral("last"))


def _last_per_account():
    asked = func.unnest(_IDS).table_valued("account_id").render_derived(name="a")
    last = _newest(asked.c.account_id)
    return select(last).select_from(asked.join(last, true()))


def _last_of_bound():
    last = _newest(account_access.c.account_id)
    return (select(account_access.c.account_id.label("bound_id"), last)
            .select_from(account_access.join(account_facts, account_facts.c.account_id == account_access.c.account_id)
                         .outerjoin(last, true()))
            .where(account_access.c.user_id == bindparam("user_id", type_=UUID(as_uuid=False)),
                   account_access.c.bound, account_access.c.account_id == any_(_IDS)))


_LAST_PER_ACCOUNT = _last_per_account()
_LAST_OF_BOUND = _last_of_bound()


class LastReadingsStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def last_of_bound(self, user_id: str, account_ids: list[str]) -> tuple[set[str], dict[str, Reading]]:
        """(those of the ids the projection knows the user is bound to, the newest reading of each that has one)."""
        if not account_ids:
            return set(), {}
        bound, found = set(), {}
        for row in self.session.execute(_LAST_OF_BOUND, {"user_id": user_id, "ids": account_ids}).mappings():
            bound.add(row["bound_id"])
            if row["reading_id"] is not None:
                found[row["bound_id"]] = reading_from_row(row)
        return bound, found

    def last_for_accounts(self, account_ids: list[str]) -> dict[str, Reading]:
        """The newest reading (any status) of each account that has one, whoever asks (checked before)."""
        if not account_ids:
            return {}
        rows = self.session.execute(_LAST_PER_ACCOUNT, {"ids": account_ids}).mappings()
        return {row["account_id"]: reading_from_row(row) for row in rows}
