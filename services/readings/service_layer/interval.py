"""Interval (hourly) profiles of legal entities: the template, the upload («В ожидании»), the list (by account,
meter, month or contract), one profile, its deletion before acceptance, and staff's decision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from kit.errors import Forbidden, InvalidInput, NotFound
from kit.ids import is_uuid
from services.readings.adapters import interval_xlsx
from services.readings.adapters.interval_events import interval_submitted
from services.readings.domain import interval as rules
from services.readings.domain.interval_grid import read_grid
from services.readings.service_layer.accounts import AccountsPort, allowed_account
from services.readings.service_layer.consumption import supplier_timezone

DEFAULT_PAGE, MAX_PAGE = 50, 200


class FindAccountPort(Protocol):
    def find(self, number: str, supplier_id: str) -> str:
        """The id of the account with this number (NotFound otherwise); no access check."""


@dataclass(frozen=True)
class Shown:
    """A profile as its owner sees it: with «Расход интервальный» (profile.total), the integral consumption in
    the profile's units and «Дельта»."""

    profile: rules.Profile
    integral: Decimal | None
    delta: Decimal | None


@dataclass(frozen=True)
class File:
    filename: str
    content_type: str
    content: bytes


def template(uow, accounts: AccountsPort, *, user_id: str, account_id: str, meter_id: str, period: str) -> File:
    """The month's empty template for a legal entity's meter («Экспорт»); nothing is stored."""
    month = rules.parse_period(period)
    with uow:
        meter = rules.interval_meter(allowed_account(uow, accounts, user_id=user_id, account_id=account_id),
                                     meter_id)
    return File(interval_xlsx.filename(month, meter.number), interval_xlsx.XLSX,
                interval_xlsx.template(month, meter.number))


def submit(uow, accounts: AccountsPort, *, user_id: str, account_id: str, meter_id: str, period: str, mode: str,
           content: bytes, now: dt.datetime | None = None) -> Shown:
    """A filled template in a mode: checked cell by cell (nothing stored from a file with errors), the integral
    reading of the month first, one live profile per meter and month; stored pending and announced."""
    month = rules.parse_period(period) if period else None
    with uow:
        account = allowed_account(uow, accounts, user_id=user_id, account_id=account_id)
        meter = rules.interval_meter(account, meter_id)
        rules.check_mode(mode)
        grid = read_grid(interval_xlsx.read_rows(content), month)
        uow.interval.lock_meter(meter_id)
        rules.require_integral(uow.interval.integral_counted(meter_id, grid.period))
        profile = rules.new_profile(account, meter, grid, mode, user_id=user_id,
                                    now=now or dt.datetime.now(dt.UTC))
        existing = uow.interval.live(meter_id, grid.period)
        if existing is not None:
            first = rules.same_or_refuse(existing, profile)
            return _shown(uow, uow.interval.get(first.profile_id))
        uow.interval.add(profile)
        uow.emit(interval_submitted(profile))
        shown = _shown(uow, profile)
        uow.commit()
    return shown


def list_profiles(uow, accounts: AccountsPort, finder: FindAccountPort, *, user_id: str, account_id: str = "",
                  meter_id: str = "", period: str = "", contract: str = "", status: str = "",
                  page_size: int = 0) -> list[Shown]:
    """The caller's profiles, newest month first: of a contract (its account), of an account, or of all the
    caller's accounts (the bindings' projection)."""
    month, status = rules.parse_period(period) if period else None, rules.check_status(status)
    with uow:
        if contract:
            account_id = _contract_account(uow, accounts, finder, user_id=user_id, contract=contract,
                                           account_id=account_id)
        elif account_id:
            facts = allowed_account(uow, accounts, user_id=user_id, account_id=account_id)
            if meter_id:
                facts.meter(meter_id)
        profiles = uow.interval.listed(user_id=None if account_id else user_id, account_id=account_id,
                                       meter_id=meter_id, period=month, status=status,
                                       limit=min(page_size or DEFAULT_PAGE, MAX_PAGE))
        return _shown_many(uow, profiles)


def get_profile(uow, accounts: AccountsPort, *, user_id: str, account_id: str, meter_id: str,
                profile_id: str) -> Shown:
    with uow:
        allowed_account(uow, accounts, user_id=user_id, account_id=account_id)
        return _shown(uow, _profile_of(uow, account_id, meter_id, profile_id))


def delete_profile(uow, accounts: AccountsPort, *, user_id: str, account_id: str, meter_id: str, profile_id: str,
                   now: dt.datetime | None = None) -> Shown:
    """The trash icon: a pending profile is deleted (kept as "deleted"); a new one may then be uploaded."""
    with uow:
        allowed_account(uow, accounts, user_id=user_id, account_id=account_id)
        profile = rules.deleted(_profile_of(uow, account_id, meter_id, profile_id, lock=True),
                                now or dt.datetime.now(dt.UTC), user_id)
        uow.interval.save_status(profile)
        shown = _shown(uow, profile)
        uow.commit()
    return shown


def staff_list(uow, caller, *, supplier_id: str = "", status: str = "", period: str = "",
               page_size: int = 0) -> list[Shown]:
    """The review queue: every customer's profiles (pending by default), oldest submission first."""
    _require_staff(caller)
    if supplier_id and not is_uuid(supplier_id):
        raise InvalidInput(fields={"supplier_id": "Неверный идентификатор."})
    month, status = rules.parse_period(period) if period else None, rules.check_status(status)
    with uow:
        return _shown_many(uow, uow.interval.listed(
            user_id=None, supplier_id=supplier_id, status=status or rules.PENDING, period=month,
            limit=min(page_size or DEFAULT_PAGE, MAX_PAGE), oldest_first=True))


def staff_decide(uow, caller, *, profile_id: str, accept: bool, reason: str, now: dt.datetime | None = None) -> Shown:
    """Staff (admin, operator) accept a pending profile — its hours become the meter's hourly values (source
    "interval", UTC hours of the supplier's local ones) — or reject it with a reason; audited."""
    _require_staff(caller)
    with uow:
        old = uow.interval.get(profile_id, lock=True) if is_uuid(profile_id) else None
        if old is None:
            raise rules.not_found()
        profile = rules.decided(old, rules.ACCEPTED if accept else rules.REJECTED,
                                now=now or dt.datetime.now(dt.UTC), staff_id=caller.user_id, reason=reason)
        uow.interval.save_status(profile)
        if accept:
            uow.interval.write_hours(profile, rules.hourly(profile, supplier_timezone(uow, profile.supplier_id)))
        uow.audit.record(actor_id=caller.user_id, roles=tuple(caller.roles),
                         action="interval.accept" if accept else "interval.reject", entity="interval_profile",
                         entity_id=profile.profile_id, before={"status": old.status},
                         after={"status": profile.status, "reason": profile.reason or ""})
        shown = _shown(uow, profile)
        uow.commit()
    return shown


def _require_staff(caller) -> None:
    if caller.kind != "staff" or not set(caller.roles) & set(rules.STAFF_ROLES):
        raise Forbidden("Недостаточно прав для этого действия.", code="staff_only")


def _contract_account(uow, accounts: AccountsPort, finder: FindAccountPort, *, user_id: str, contract: str,
                      account_id: str) -> str:
    """A legal entity's contract is its лицевой счёт numbered as the contract: found by accounts, then the
    caller's access; anything else is one answer, contract_not_found."""
    try:
        found = finder.find(contract, "")
        allowed_account(uow, accounts, user_id=user_id, account_id=found)
    except (NotFound, InvalidInput):  # unknown, foreign or malformed: one answer
        raise NotFound("Договор не найден среди ваших.", code="contract_not_found") from None
    if account_id and account_id != found:
        raise NotFound("Договор не найден среди ваших.", code="contract_not_found")
    return found


def _profile_of(uow, account_id: str, meter_id: str, profile_id: str, *, lock: bool = False) -> rules.Profile:
    profile = uow.interval.get(profile_id, lock=lock) if is_uuid(profile_id) else None
    if profile is None or profile.account_id != account_id or profile.meter_id != meter_id:
        raise rules.not_found()
    return profile


def _shown(uow, profile: rules.Profile) -> Shown:
    return _shown_many(uow, [profile])[0]


def _shown_many(uow, profiles: list[rules.Profile]) -> list[Shown]:
    used = uow.interval.integral({(p.meter_id, p.period) for p in profiles})
    return [Shown(p, rules.integral_in_mode(used.get((p.meter_id, p.period)), p.mode, p.ratio),
                  rules.delta(p, used.get((p.meter_id, p.period)))) for p in profiles]
