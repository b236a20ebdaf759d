"""What the customer-care use cases share: who of the staff may do what, the audit record, ids and moments."""

from __future__ import annotations

import datetime as dt
import json

from kit.clock import parse_instant
from kit.context import Caller
from kit.errors import Forbidden, InvalidInput, Unauthenticated
from kit.ids import is_uuid

READERS = ("admin", "operator")  # read news and notices; work the feedback queue
WRITERS = ("admin",)  # write news and notices


def staff_member(caller: Caller | None, roles: tuple[str, ...]) -> Caller:
    """A staff member with one of `roles`."""
    if caller is None:
        raise Unauthenticated()
    if caller.kind != "staff" or not set(caller.roles) & set(roles):
        raise Forbidden("Недостаточно прав для этого действия.", code="staff_only")
    return caller


def audit(uow, staff: Caller, action: str, entity: str, entity_id: str, *, before=None, after=None) -> None:
    """Who, with which roles, did what — in the transaction of its effect."""
    uow.audit.record(actor_id=staff.user_id, roles=tuple(staff.roles), action=action, entity=entity,
                     entity_id=entity_id, before=_jsonable(before), after=_jsonable(after))


def supplier(value: str, field: str = "supplier_id") -> str | None:
    """"" -> None (every supplier); otherwise a supplier's id."""
    if not value:
        return None
    if not is_uuid(value):
        raise InvalidInput("Неизвестный поставщик.", code="invalid_supplier", fields={field: "Выберите поставщика."})
    return value.lower()


def moment(value: str, field: str) -> dt.datetime | None:
    """"" -> None; otherwise an RFC 3339 instant with its offset."""
    return parse_instant(value, field) if value else None


def _jsonable(value):
    return None if value is None else json.loads(json.dumps(value, default=str))
