"""The registry's readings.csv (docs/registry-format.md): each meter's last reading in the supplier's billing
system, the baseline the cabinet's next reading is counted from.

A row is checked by the rules a customer's reading passes (`model.parse_value`, `consumption_since`) once
its meter is known; stored with source "registry", never charged (the billing system billed it). The same
reading again is unchanged; one not later than the meter's last reading is reported, not stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from kabinet_vocabulary import READING_SOURCE, ZONE

from kit.errors import Rejected
from kit.registry import RowError, account_number, date, required
from services.readings.domain.model import BILLED, Meter, Reading, consumption_since, parse_value

REGISTRY = READING_SOURCE.REGISTRY  # the supplier's billing system, by the registry import
COLUMNS = ("supplier_code", "account_number", "meter_number", "taken_at")
ZONE_COLUMNS = (ZONE.TOTAL, ZONE.DAY, ZONE.NIGHT, ZONE.PEAK, ZONE.SEMI_PEAK)  # the zone codes name the columns

NOT_FOUND = "Лицевой счёт не найден: сначала импортируйте реестр счетов."
METER_NOT_FOUND = "Счётчик {number} не найден у этого лицевого счёта: сначала импортируйте реестр счётчиков."


@dataclass(frozen=True)
class ReadingRow:
    line: int
    supplier_code: str
    account_number: str
    meter_number: str
    taken_at: dt.datetime
    values: Mapping[str, str]  # zone -> value as written, the filled zone columns

    def key(self) -> tuple:
        return self.supplier_code, self.account_number, self.meter_number


def reading_row(line: int, r: Mapping[str, str]) -> ReadingRow:
    supplier = required(r, "supplier_code", "код поставщика")
    number = account_number(r)
    meter_number = required(r, "meter_number", "номер счётчика")
    values = {zone: r[zone] for zone in ZONE_COLUMNS if r.get(zone)}
    if not values:
        raise RowError("Нет показаний: заполните total, или day и night, или peak, semi_peak и night.")
    return ReadingRow(line=line, supplier_code=supplier, account_number=number, meter_number=meter_number,
                      taken_at=taken_at(required(r, "taken_at", "дата показаний")), values=values)


def taken_at(text: str) -> dt.datetime:
    """A date (then midnight UTC: the same local date in every Russian time zone) or an ISO timestamp with
    its offset."""
    if len(text) <= 10:
        return dt.datetime.combine(date(text, "дата показаний"), dt.time(0), dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise RowError(f"«дата показаний»: ожидается дата или время ISO 8601, получено «{text}».") from None
    if moment.tzinfo is None:
        raise RowError(f"«дата показаний»: укажите часовой пояс (например +03:00), получено «{text}».")
    return moment


def registry_reading(row: ReadingRow, account_id: str, meter: Meter, last: Reading | None,
                     stored: Mapping[str, Decimal] | None = None) -> Reading | None:
    """The row as the meter's new last reading; None when the meter has this reading already (`stored`: the
    values of its reading at the row's moment, if any) — unchanged. RowError when the values do not fit the
    meter, when it is not later than the meter's last reading, or when a value fell (the rules of a
    customer's reading)."""
    problems = [f"{zone}: нет такой зоны у {meter.zones}-зонного счётчика." for zone in row.values
                if zone not in meter.zone_names]
    values: dict[str, Decimal] = {}
    for zone in meter.zone_names:
        value = parse_value(meter, zone, row.values.get(zone))
        if isinstance(value, Decimal):
            values[zone] = value
        else:
            problems.append(f"{zone}: {value}")
    if problems:
        raise RowError(" ".join(problems))
    if stored is not None and dict(stored) == values:
        return None
    if last is not None and last.taken_at >= row.taken_at:
        raise RowError(f"У счётчика есть показания не раньше этих (от {last.taken_at:%d.%m.%Y %H:%M} UTC): "
                       "строка не загружена.")
    try:
        consumption = consumption_since(meter, last, values)
    except Rejected as exc:
        raise RowError(exc.message) from None
    return Reading(account_id=account_id, meter_id=meter.meter_id, values=values, consumption=consumption,
                   taken_at=row.taken_at, source=REGISTRY, status=BILLED)  # the supplier's billing billed it
