"""What a customer charts and downloads: the account's consumption by month and zone, with what was charged."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from kit.errors import DomainError, InvalidInput
from kit.ids import is_uuid
from services.readings.domain import consumption as rules
from services.readings.domain.windows import DEFAULT_TIMEZONE
from services.readings.service_layer.accounts import AccountsPort, allowed_account

log = logging.getLogger("readings.consumption")


class ChargesPort(Protocol):
    def charged_by_period(self, account_id: str, *, since: dt.datetime) -> dict[dt.date, int]:
        """Charged per billing period (its first day), positive = owed, with the caller's access."""


@dataclass(frozen=True)
class File:
    filename: str
    content_type: str
    content: bytes


def series(uow, accounts: AccountsPort, payments: ChargesPort, *, user_id: str, account_id: str,
           granularity: str = "", from_period: str = "", to_period: str = "", meter_id: str = "",
           now: dt.datetime | None = None) -> rules.Series:
    """Every month of the range with its zones and charges (charges_available is False when payments did not
    answer: the consumption still shows); by day or hour every local day or hour from hourly values, per the
    meter's tariff zones, without charges (those are monthly)."""
    with uow:
        facts = allowed_account(uow, accounts, user_id=user_id, account_id=account_id)
        if meter_id:
            if not is_uuid(meter_id):
                raise InvalidInput("Счётчик не относится к этому лицевому счёту.", code="meter_not_on_account",
                                   fields={"meter_id": "Выберите счётчик этого лицевого счёта."})
            facts.meter(meter_id)
        tz = supplier_timezone(uow, facts.supplier_id)
        today = (now or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(tz)).date()
        query = rules.check_query(granularity=granularity, from_period=from_period, to_period=to_period,
                                  today=today)
        start, end = rules.bounds(query, tz)
        if query.granularity != rules.MONTH:
            rules.require_hourly(uow.consumption.has_hourly(account_id, meter_id=meter_id))
            used = uow.consumption.hourly(account_id, meter_id=meter_id, start=start, end=end, tz=tz)
            return rules.Series(account_id=account_id, meter_id=meter_id, granularity=query.granularity,
                                first=query.first, last=query.last, timezone=tz, charges_available=False,
                                points=rules.hourly_points(query, tz, used, {m.meter_id: m.zones for m in facts.meters}))
        used = uow.consumption.monthly(account_id, meter_id=meter_id, start=start, end=end, tz=tz)
    try:
        charged, available = payments.charged_by_period(account_id, since=start), True
    except DomainError as exc:  # payments down or late: the chart still shows the consumption
        log.warning("charges unavailable for the consumption series: %s", exc.code)
        charged, available = {}, False
    return rules.Series(account_id=account_id, meter_id=meter_id, granularity=query.granularity,
                        first=query.first, last=query.last, timezone=tz,
                        points=rules.points(query, tz, used, charged), charges_available=available)


def supplier_timezone(uow, supplier_id: str) -> str:
    """The supplier's IANA zone (the suppliers projection); accounts' default until the projection has it."""
    supplier = uow.suppliers.get(supplier_id)
    return supplier.timezone if supplier else DEFAULT_TIMEZONE


def export(uow, accounts: AccountsPort, payments: ChargesPort, render, *, user_id: str, account_id: str,
           file_format: str, **query) -> File:
    """The series as a file: `render` maps a format to (builder, content type, extension)."""
    if file_format not in render:
        raise InvalidInput(fields={"format": "Допустимо: csv, xml."})
    built = series(uow, accounts, payments, user_id=user_id, account_id=account_id, **query)
    build, content_type, extension = render[file_format]
    name = f"potreblenie-{built.first:%Y-%m}-{built.last:%Y-%m}.{extension}"
    return File(filename=name, content_type=content_type, content=build(built))
