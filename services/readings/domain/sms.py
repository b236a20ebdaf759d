"""SMS readings (показания по SMS): the text a customer sends and what it names.

    PESC DISP 012-12345678 00325              one zone (Круглосуточные)
    PESC DISP 012-12345678 00325 00030        two zones: day, night
    PESC DISP 012-12345678 00325 00150 00030  three zones: peak, semi_peak, night

`012` is the supplier's SMS code (accounts' `sms_code`), `012-12345678` the account as its holder reads it off
the invoice (accounts' number rule ignores leading zeros and separators, so it is the account 12-12345678); a
supplier whose numbers do not start with its code is reached by the part after the code (`012-5-100` → "5-100").
The values come in the meter's reading order (the ZONE vocabulary: day before night, peak before semi-peak).

People type on phones, so the parser forgives what a phone does to a text: any case, blanks anywhere between
words, Cyrillic letters that look like the Latin ones (a keyboard left in Russian: «РЕSС DISР» → PESC DISP),
any dash or a blank around it in the account, a decimal comma or point. Anything else is refused as malformed
(the answer shows the format) rather than guessed at.

The SMS does not name the meter: it is the account's only meter, or its only meter with as many zones as
the SMS has values; the values then go to the meter's zones in their reading order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.readings.domain import sms_replies as replies
from services.readings.domain.model import Meter

# Cyrillic (and a few other) capitals that look like Latin ones; the text is upper-cased first.
LOOK_ALIKES = str.maketrans({
    "А": "A", "В": "B", "Е": "E", "Ё": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ї": "I", "Ѕ": "S", "Ј": "J", "Ԁ": "D",
})
DASHES = re.compile(r"\s*[-\u2010-\u2015\u2212_/\\]\s*")  # hyphen, en/em dashes, minus, underscore, slashes
KEYWORD = re.compile(r"^PESC\s*DISP\s+")
ACCOUNT = re.compile(r"(?P<code>\d{1,3})-(?P<rest>\d+(?:-\d+)*)")
VALUE = re.compile(r"\d+(?:[.,]\d+)?")
MAX_ZONES = 3
MAX_TEXT = 480  # a text longer than a few SMS parts is not a reading


def malformed() -> replies.Refused:
    return replies.Refused(replies.MALFORMED, replies.MALFORMED_TEXT)


@dataclass(frozen=True)
class SmsReading:
    supplier_code: str          # three digits, as accounts keeps `sms_code`
    account_token: str          # "012-12345678": the account as written, dashes unified
    account_rest: str           # "12345678": the part after the supplier's code
    values: tuple[str, ...]     # as typed ("00325", "12,5"), in the meter's zone order

    @property
    def account_numbers(self) -> tuple[str, ...]:
        """The account numbers to look the account up by, in order: as written, then without the code."""
        return tuple(dict.fromkeys((self.account_token, self.account_rest)))


def canonical(text: str) -> str:
    """Upper case, look-alikes Latin, blanks single, dashes (with any blanks around them) one hyphen."""
    text = " ".join((text or "").upper().translate(LOOK_ALIKES).split())
    return DASHES.sub("-", text)


def parse(text: str) -> SmsReading:
    """The reading an SMS names; Refused (malformed) when the text is not one."""
    if len(text or "") > MAX_TEXT:
        raise malformed()
    keyword = KEYWORD.match(canonical(text))
    if keyword is None:
        raise malformed()
    words = canonical(text)[keyword.end():].split(" ")
    account = ACCOUNT.fullmatch(words[0])
    values = tuple(words[1:])
    if account is None or not 1 <= len(values) <= MAX_ZONES or not all(VALUE.fullmatch(v) for v in values):
        raise malformed()
    return SmsReading(supplier_code=account["code"].zfill(3), account_token=words[0],
                      account_rest=account["rest"], values=values)


def zone_values(meters: tuple[Meter, ...], values: tuple[str, ...]) -> tuple[Meter, dict[str, str]]:
    """The meter the SMS reads and its values by zone (as typed: the submission rules judge them)."""
    same = [m for m in meters if m.zones == len(values)]
    if len(meters) == 1:
        meter = meters[0]
    elif len(same) == 1:
        meter = same[0]
    elif meters:
        raise replies.Refused(replies.SEVERAL_METERS, replies.SEVERAL_METERS_TEXT)
    else:
        raise replies.Refused(replies.NO_METER, replies.OTHER_REFUSAL)
    if meter.zones != len(values):
        raise replies.Refused(replies.WRONG_ZONES, replies.wrong_zones(meter.zones))
    return meter, dict(zip(meter.zone_names, values, strict=True))
