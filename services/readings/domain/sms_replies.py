"""The answer SMS to an SMS reading, in Russian, and how many SMS parts a text takes.

A text with any Cyrillic letter travels in UCS-2: 70 characters fit one SMS, a longer one is split into parts
of 67 (GSM-7, Latin only: 160 and 153). Every answer is written to fit one part (tests/unit/test_sms.py checks
each with the longest values a dial can show); only an accepted three-zone reading with long values and a
charge may take two.

An unknown account, an unverified phone and a phone not bound to the account get one and the same answer
(NOT_FOUND_TEXT), so an SMS tells no stranger whether an account exists or whose it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kabinet_vocabulary import ZONE

from kit.errors import Rejected

ACCEPTED = "accepted"
MALFORMED = "malformed"
NOT_FOUND = "not_found"            # unknown supplier code or account, unverified phone, phone not bound
WRONG_ZONES = "wrong_zones"        # the number of values is not the meter's number of zones
SEVERAL_METERS = "several_meters"  # the account has several meters of that kind: the SMS cannot say which
NO_METER = "no_meter"              # the account has no meter

MALFORMED_TEXT = "Не удалось разобрать SMS. Пример: PESC DISP 012-12345678 00325"
NOT_FOUND_TEXT = "Показания не приняты: счёт не привязан к кабинету с этим номером."
SEVERAL_METERS_TEXT = "На счёте несколько счётчиков: передайте показания в личном кабинете."
REFUSALS = {  # a refusal of the submission rules (readings' codes) -> the answer
    "confirmation_required": "Расход намного выше обычного. Подтвердите показания в кабинете.",
    "reading_below_previous": "Показания меньше прошлых. Проверьте их и отправьте SMS снова.",
    "automatic_metering": "Счётчик в АИИС КУЭ: показания передаются автоматически.",
    "invalid_reading": "Показания не приняты: проверьте число цифр и отправьте снова.",
}
OTHER_REFUSAL = "Показания не приняты. Передайте их в личном кабинете."
ZONE_WORDS = {"total": "", "day": "день", "night": "ночь", "peak": "пик", "semi_peak": "полупик"}



@dataclass(frozen=True)
class SmsAnswer:
    """What became of an incoming SMS: the outcome (a code above or a refusal code of the submission rules),
    the answer SMS, the reading it stored."""

    outcome: str
    reply: str
    reading_id: str = ""
    replayed: bool = False  # the answer to an earlier delivery of the same message


class Refused(Rejected):
    """An SMS that is answered without a reading: its outcome and the answer SMS."""

    def __init__(self, outcome: str, reply: str) -> None:
        super().__init__(reply, code=outcome)
        self.answer = SmsAnswer(outcome=outcome, reply=reply)


GSM7 = frozenset("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                 "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")


def segments(text: str) -> int:
    """SMS parts a text takes: 160/153 characters in GSM-7, 70/67 in UCS-2 (any character outside GSM-7)."""
    single, part = (160, 153) if set(text) <= GSM7 else (70, 67)
    return 1 if len(text) <= single else -(-len(text) // part)


def number(value: Decimal) -> str:
    """325.000 -> "325", 12.500 -> "12,5": as short as the value allows, with a decimal comma."""
    return f"{value.normalize():f}".replace(".", ",")


def money(kop: int) -> str:
    return f"{kop // 100},{kop % 100:02d}" if kop >= 0 else f"-{money(-kop)}"


def values_text(values: dict[str, Decimal]) -> str:
    """"325" for one zone; "день 325, ночь 30" for two; "пик 1, полупик 2, ночь 3" for three."""
    return ", ".join(f"{ZONE_WORDS.get(z, z)} {number(v)}".strip() for z, v in values.items())


def accepted(values: dict[str, Decimal], charge_kop: int | None) -> str:
    """The values and the preliminary charge (or that the charge comes with the invoice), in the longest
    wording that fits one SMS."""
    v = values_text(values)
    if charge_kop is None:
        return fit(f"Приняты показания {v}. Начисление будет в квитанции.", f"Приняты: {v}. Начисление в квитанции.",
                   f"Приняты: {v}.")
    m = money(charge_kop)
    return fit(f"Приняты показания {v}. Предварительно начислено {m} ₽", f"Приняты: {v}. Предварительно {m} ₽",
               f"Приняты: {v}. Начислено {m} ₽ (предв.)", f"Приняты: {v}. Начислено {m} ₽")


def fit(*wordings: str) -> str:
    """The first wording that fits one SMS part; the first when none does (it then takes two)."""
    return next((w for w in wordings if segments(w) == 1), wordings[0])


def wrong_zones(zones: int) -> str:
    """The meter has `zones` zones and the SMS another number of values."""
    names = ", ".join(ZONE.title(z).lower() for z in ZONE.of_meter(zones))
    if zones == 1:
        return "Счётчик однотарифный: отправьте одно число показаний."
    return f"Отправьте {zones} числа через пробел: {names}."


def outside_window(from_day: int, to_day: int) -> str:
    return f"Показания принимаются с {from_day} по {to_day} число. Отправьте их в эти дни."


def refusal(code: str) -> str:
    """The answer to a refusal of the submission rules (window aside: `outside_window`)."""
    return REFUSALS.get(code, OTHER_REFUSAL)
