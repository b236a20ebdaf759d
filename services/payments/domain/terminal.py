"""What a pay terminal shows of an account to anyone who knows its number (paying without signing in, a
payment agent's *check*): the holder masked, the street without house or flat, and the amount due."""

from __future__ import annotations

import re
from dataclasses import dataclass

HOUSE_MARKERS = re.compile(
    r"^(д|дом|кв|квартира|корп|корпус|к|стр|строение|лит|литер|литера|пом|помещение|офис|оф|уч|участок|зд|здание)"
    r"(\.|\s|$)", re.IGNORECASE)
NUMBER_ONLY = re.compile(r"^№?\s*\d+[\w/\-]*$")
POSTAL_CODE = re.compile(r"^\d{6}$")
TRAILING_NUMBER = re.compile(r"\s+№?\d+[\w/\-]*$")


def masked_holder(holder: str) -> str:
    """The first two words of the holder's name, each as its first letter and three stars:
    «Иванов Пётр Сергеевич» -> «И*** П***»."""
    return " ".join(f"{word[0].upper()}***" for word in holder.split()[:2])


def address_part(address: str) -> str:
    """The address without what finds a door: no postal code, house, building or flat — the settlement and
    street only. «620000, г. Екатеринбург, ул. 8 Марта, д. 5, кв. 12» -> «г. Екатеринбург, ул. 8 Марта»."""
    kept = []
    for part in (p.strip() for p in address.split(",")):
        if not part or POSTAL_CODE.match(part) or HOUSE_MARKERS.match(part) or NUMBER_ONLY.match(part):
            continue
        kept.append(TRAILING_NUMBER.sub("", part))
    return ", ".join(kept)


@dataclass(frozen=True)
class TerminalView:
    """An account as a pay terminal shows it."""

    account_id: str
    supplier_id: str
    number: str
    holder_masked: str
    address_part: str
    amount_due_energy_kop: int
    amount_due_penalties_kop: int

    @property
    def amount_due_kop(self) -> int:
        return self.amount_due_energy_kop + self.amount_due_penalties_kop
