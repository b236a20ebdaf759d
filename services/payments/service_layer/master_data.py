"""Staff tools over money's master data: tariffs, customer categories, consumption norms. Operators and
admins read, admins write; every call leaves an audit record in its own transaction."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from kit.context import Caller
from kit.errors import Forbidden, InvalidInput
from kit.ids import is_uuid
from services.payments.domain import tariffs as master
from services.payments.domain.model import Tariff, in_force_each, parse_local_date, valid_until

READERS = ("operator", "admin")
WRITERS = ("admin",)


def staff_member(caller: Caller, roles: tuple[str, ...]) -> Caller:
    """A staff member with one of `roles`: master data is read by operators and admins, written by admins."""
    if caller.kind != "staff" or not set(caller.roles) & set(roles):
        raise Forbidden("Недостаточно прав для этого действия.", code="staff_only")
    return caller


def audit(uow, staff: Caller, action: str, entity: str, entity_id: str = "", *, before=None, after=None) -> None:
    """Who, with which roles, did what to which entity, before and after — in the transaction of its effect."""
    uow.audit.record(actor_id=staff.user_id, roles=staff.roles, action=action, entity=entity, entity_id=entity_id,
                     before=_jsonable(before), after=_jsonable(after))


def staff_list(uow, staff: Caller, action: str, entity: str, read: Callable[[object], list]) -> list:
    """A staff list (operators and admins): the role checked, the read audited with what it found."""
    staff_member(staff, READERS)
    with uow:
        found = read(uow)
        audit(uow, staff, action, entity, after={"found": len(found)})
        uow.commit()
    return found


def _jsonable(value):
    return None if value is None else json.loads(json.dumps(value, default=str))


@dataclass(frozen=True)
class Filters:
    supplier_id: str
    category: str
    on: dt.date | None


def filters(supplier_id: str, category: str, on: str) -> Filters:
    """The filters of a staff list: a supplier id and a date when given (category is matched as is)."""
    problems = {}
    if supplier_id and not is_uuid(supplier_id):
        problems["supplier_id"] = master.BAD_SUPPLIER
    day = parse_local_date(on) if on else None
    if on and day is None:
        problems["on"] = master.BAD_DATE
    if problems:
        raise InvalidInput(fields=problems)
    return Filters(supplier_id, category, day)


# --- tariffs ---------------------------------------------------------------------------

def tariff_cards(uow, versions: list[Tariff], shown: Iterable[Tariff]) -> list[master.TariffCard]:
    """`shown` as people read them: the category's title, the last day (from the other `versions` of the same
    supplier and category) and the supplier's zone schedule (its own, or the default)."""
    titles = {c.code: c.title for c in uow.categories.list()}
    schedules: dict[str, master.ZoneSchedule] = {}
    cards = []
    for tariff in shown:
        if tariff.supplier_id not in schedules:
            schedules[tariff.supplier_id] = uow.schedules.get(tariff.supplier_id) or master.DEFAULT_ZONE_SCHEDULE
        same = [v for v in versions if (v.supplier_id, v.category) == (tariff.supplier_id, tariff.category)]
        cards.append(master.TariffCard(tariff=tariff, category_title=titles.get(tariff.category, ""),
                                       valid_until=valid_until(tariff, same),
                                       schedule=schedules[tariff.supplier_id]))
    return cards


def list_tariffs(uow, staff: Caller, *, supplier_id: str = "", category: str = "", on: str = "") \
        -> list[master.TariffCard]:
    """Tariff versions by supplier, category and date; with `on`, the version of each in force that day."""
    staff_member(staff, READERS)
    f = filters(supplier_id, category, on)
    with uow:
        versions = uow.tariffs.find(supplier_id=f.supplier_id, category=f.category)
        shown = versions if f.on is None else in_force_each(versions, f.on, lambda t: (t.supplier_id, t.category))
        cards = tariff_cards(uow, versions, shown)
        audit(uow, staff, "tariffs.listed", "tariff", after={
            "supplier_id": supplier_id, "category": category, "on": on, "found": len(cards)})
        uow.commit()
    return cards


def add_tariff(uow, staff: Caller, *, supplier_id: str, category: str, valid_from: str,
               prices: Mapping[str, Mapping[str, str]]) -> master.TariffCard:
    """A new tariff version; a later valid_from schedules a change. The supplier gets the default zone
    schedule with its first tariff."""
    staff_member(staff, WRITERS)
    with uow:
        tariff = master.new_tariff(
            tariff_id=str(uuid.uuid4()), supplier_id=supplier_id, category=category, valid_from=valid_from,
            category_known=bool(category) and uow.categories.get(category) is not None, prices=prices)
        versions = uow.tariffs.for_category(tariff.supplier_id, tariff.category)
        master.ensure_new_version(tariff, versions)
        uow.tariffs.add_new(tariff)
        uow.schedules.put_missing(tariff.supplier_id, master.DEFAULT_ZONE_SCHEDULE)
        audit(uow, staff, "tariff.added", "tariff", tariff.tariff_id, after={
            "supplier_id": tariff.supplier_id, "category": tariff.category, "valid_from": tariff.valid_from,
            "prices": {str(count): dict(by_zone) for count, by_zone in tariff.prices.items()}})
        [card] = tariff_cards(uow, [*versions, tariff], [tariff])
        uow.commit()
    return card


# --- categories ----------------------------------------------------------------------------

def list_categories(uow, staff: Caller) -> list[master.CustomerCategory]:
    return staff_list(uow, staff, "categories.listed", "category", lambda u: u.categories.list())


def put_category(uow, staff: Caller, *, code: str, title: str) -> master.CustomerCategory:
    """Create a category or rename it."""
    staff_member(staff, WRITERS)
    category = master.new_category(code, title)
    with uow:
        before = uow.categories.put(category)
        audit(uow, staff, "category.put", "category", category.code,
              before=before and {"title": before.title}, after={"title": category.title})
        uow.commit()
    return category


# --- consumption norms ------------------------------------------------------------------------

def _norm_cards(versions: list[master.ConsumptionNorm], shown: Iterable[master.ConsumptionNorm]) \
        -> list[master.NormCard]:
    return [master.NormCard(norm, valid_until(norm, [v for v in versions if v.key == norm.key])) for norm in shown]


def list_norms(uow, staff: Caller, *, supplier_id: str = "", category: str = "", on: str = "") \
        -> list[master.NormCard]:
    """Norms by supplier, category, residents and date; with `on`, the version of each in force that day."""
    staff_member(staff, READERS)
    f = filters(supplier_id, category, on)
    with uow:
        versions = uow.norms.find(supplier_id=f.supplier_id, category=f.category)
        shown = versions if f.on is None else in_force_each(versions, f.on, lambda n: n.key)
        audit(uow, staff, "norms.listed", "norm", after={
            "supplier_id": supplier_id, "category": category, "on": on, "found": len(shown)})
        uow.commit()
    return _norm_cards(versions, shown)


def set_norm(uow, staff: Caller, *, supplier_id: str, category: str, residents: int, valid_from: str,
             kwh_per_month: str) -> master.NormCard:
    """Create or replace the norm of supplier × category × residents from valid_from."""
    staff_member(staff, WRITERS)
    with uow:
        norm = master.new_norm(
            supplier_id=supplier_id, category=category, residents=residents, valid_from=valid_from,
            kwh_per_month=kwh_per_month, category_known=bool(category) and uow.categories.get(category) is not None)
        before = uow.norms.put(norm)
        audit(uow, staff, "norm.set", "norm", f"{norm.supplier_id}/{norm.category}/{norm.residents}",
              before=before and {"valid_from": before.valid_from, "kwh_per_month": before.kwh_per_month},
              after={"valid_from": norm.valid_from, "kwh_per_month": norm.kwh_per_month})
        versions = uow.norms.find(supplier_id=norm.supplier_id, category=norm.category)
        uow.commit()
    [card] = _norm_cards(versions, [norm])
    return card
