"""A reading without signing in (source "public"): the account by its number, proved by a second fact — the
number of one of its meters, printed on the meter and on the invoice — then the rules of any submission, and
the preliminary charge it brings. Nothing about the holder is told.

Why the meter's number: a stranger who knows (or guesses) an account number cannot guess a 6–12 digit serial
number that has no relation to it at scale, while its holder reads it off the meter they are reading anyway.
The holder's surname would be guessable from a handful of common names; the address is public knowledge.
An unknown account, an unknown meter number and a meter of another account all get one and the same answer,
so the route cannot be used to learn whether an account exists (captcha and a per-address limit in the
gateway bound the guessing).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from kabinet_vocabulary import READING_SOURCE

from kit.errors import DomainError, NotFound
from services.readings.domain import model
from services.readings.service_layer import submission
from services.readings.service_layer.accounts import AccountsPort
from services.readings.service_layer.calculator import PaymentsPort

log = logging.getLogger(__name__)
PUBLIC = READING_SOURCE.PUBLIC
NOISE = re.compile(r"[\s\-./\\№#]+")


def not_found() -> NotFound:
    """The one answer for an unknown account, an unknown meter number and another account's meter."""
    return NotFound("Не нашли лицевой счёт с таким счётчиком. Проверьте номер лицевого счёта и номер счётчика "
                    "(он напечатан на счётчике и в квитанции).", code="public_reading_not_found",
                    fields={"meter_number": "Проверьте номер счётчика.", "account_number": "Проверьте номер."})


def same_number(typed: str, printed: str) -> bool:
    """Meter numbers as people type them: blanks, dashes, dots and slashes, case and leading zeros ignored."""
    def norm(text: str) -> str:
        return NOISE.sub("", text).upper().lstrip("0")
    return bool(norm(typed)) and norm(typed) == norm(printed)


def proved_meter(account: model.AccountFacts | None, meter_number: str) -> model.Meter:
    """The account's meter with this number; the neutral not-found otherwise."""
    for meter in account.meters if account is not None else ():
        if same_number(meter_number, meter.number):
            return meter
    raise not_found()


@dataclass(frozen=True)
class PublicReading:
    reading: model.Reading
    charge: model.PreliminaryCharge | None  # None when payments could not price it now


def submit_public_reading(uow_factory, accounts: AccountsPort, payments: PaymentsPort, *, account_number: str,
                          supplier_id: str, meter_number: str, values: dict[str, str], confirm: bool,
                          idempotency_key: str | None, now: dt.datetime | None = None) -> PublicReading:
    try:
        account_id = accounts.find(account_number, supplier_id)
    except NotFound:
        raise not_found() from None
    with uow_factory() as uow:
        account = uow.accounts.facts(account_id)
    meter = proved_meter(account, meter_number)
    reading = submission.submit_reading(
        uow_factory(), accounts, user_id=None, account_id=account_id, meter_id=meter.meter_id, values=values,
        idempotency_key=idempotency_key, confirm=confirm, source=PUBLIC, now=now, account=account)
    try:
        charge = payments.preview_charge(supplier_id=account.supplier_id, category=account.category,
                                         ratio=meter.ratio, consumption=reading.consumption, as_of=reading.taken_at)
    except DomainError as exc:  # the reading is accepted; only the preview is missing
        log.info("public reading %s: no preliminary charge (%s)", reading.reading_id, exc.code)
        charge = None
    return PublicReading(reading=reading, charge=charge)
