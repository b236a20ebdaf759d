"""Legal entities' monthly documents (счёт, счёт-фактура, акт приёма-передачи) of a договор энергоснабжения,
as the supplier's billing system gives them in the registry file `contract_documents.csv`.

One row per contract and month makes the three documents: the same volume, price and VAT, each with its
number (the счёт-фактура and the act take the счёт's number unless the row names their own). Money is
integer kopecks: the amount without VAT is kWh × price rounded half up to the kopeck, the VAT is that
amount × rate rounded half up, the total is their sum (Налоговый кодекс, ст. 168: the tax is added to the
price; the форма счёта-фактуры, Постановление Правительства № 1137, shows all three).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from kabinet_vocabulary import LEGAL_DOCUMENT_KIND

from kit.errors import InvalidInput
from services.payments.domain.model import parse_decimal, price_problem

INVOICE, VAT_INVOICE, ACT = LEGAL_DOCUMENT_KIND.INVOICE, LEGAL_DOCUMENT_KIND.VAT_INVOICE, LEGAL_DOCUMENT_KIND.ACT
KINDS = (INVOICE, VAT_INVOICE, ACT)

COLUMNS = ("supplier_code", "contract_number", "period", "number", "issued_on", "holder", "inn", "address",
           "kwh", "price", "vat_rate")
OPTIONAL = ("kpp", "vat_invoice_number", "act_number", "description")
DEFAULT_DESCRIPTION = "Электрическая энергия"
NO_VAT = "без НДС"
VAT_RATES = (Decimal(0), Decimal(5), Decimal(7), Decimal(10), Decimal(20))  # НК РФ ст. 164 (5 и 7 — УСН)
MAX_KWH = Decimal("1e12")
MAX_NUMBER, MAX_TEXT = 40, 500
INN = re.compile(r"\d{10}|\d{12}")
KPP = re.compile(r"\d{4}[\dA-Z]{2}\d{3}")
PERIOD = (re.compile(r"(\d{4})-(\d{2})"), re.compile(r"(\d{2})\.(\d{4})"))
DOCUMENT_IDS = uuid.UUID("6f1c1f64-3e0a-5f7e-9a55-8d7c1e0b2c41")  # namespace of documents' ids


class RowError(ValueError):
    """Why a row is rejected (Russian, for the staff member who imported it)."""


@dataclass(frozen=True)
class Rejection:
    line: int
    reason: str


def round_kop(value: Decimal) -> int:
    with localcontext() as ctx:
        ctx.prec = 60
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Buyer:
    """Покупатель: the legal entity of the contract, as the registry names it."""

    holder: str
    inn: str
    kpp: str
    address: str


@dataclass(frozen=True)
class MonthRow:
    """One row of contract_documents.csv: a contract's month."""

    line: int
    supplier_code: str
    contract_number: str  # as given
    period: dt.date  # first day of the month
    numbers: Mapping[str, str]  # kind -> the document's number
    issued_on: dt.date
    buyer: Buyer
    description: str
    kwh: Decimal
    price_rub: Decimal  # per kWh, without VAT
    vat_rate: Decimal | None  # percent; None: без НДС

    @property
    def key(self) -> tuple[str, str, dt.date]:
        return self.supplier_code, contract_key(self.contract_number), self.period

    @property
    def net_kop(self) -> int:
        """Стоимость без налога: kWh × price, to the kopeck."""
        return round_kop(self.kwh * self.price_rub * 100)

    @property
    def vat_kop(self) -> int:
        return 0 if self.vat_rate is None else round_kop(Decimal(self.net_kop) * self.vat_rate / 100)

    @property
    def total_kop(self) -> int:
        return self.net_kop + self.vat_kop

    def documents(self, *, contract_id: str, supplier_id: str) -> list[ContractDocument]:
        content = {"holder": self.buyer.holder, "inn": self.buyer.inn, "kpp": self.buyer.kpp,
                   "address": self.buyer.address, "description": self.description,
                   "price_rub": f"{self.price_rub.normalize():f}",
                   "vat_rate": NO_VAT if self.vat_rate is None else f"{self.vat_rate.normalize():f}",
                   "net_kop": self.net_kop}
        return [ContractDocument(
            document_id=document_id(contract_id, self.period, kind), supplier_id=supplier_id,
            contract_id=contract_id, contract_number=contract_key(self.contract_number), kind=kind,
            period=self.period, number=self.numbers[kind], issued_on=self.issued_on, kwh=self.kwh,
            amount_kop=self.total_kop, vat_kop=self.vat_kop, content=content) for kind in KINDS]


@dataclass(frozen=True)
class ContractDocument:
    """Счёт, счёт-фактура or акт of a contract's month. `amount_kop` is with VAT; `content` holds the buyer,
    the line's description, price (RUB/kWh without VAT), VAT rate and the amount without VAT."""

    document_id: str
    supplier_id: str
    contract_id: str
    contract_number: str
    kind: str  # LEGAL_DOCUMENT_KIND
    period: dt.date
    number: str
    issued_on: dt.date
    kwh: Decimal
    amount_kop: int
    vat_kop: int
    content: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return LEGAL_DOCUMENT_KIND.title(self.kind)

    @property
    def net_kop(self) -> int:
        return self.amount_kop - self.vat_kop

    @property
    def price_rub(self) -> Decimal:
        return Decimal(self.content.get("price_rub", "0"))

    @property
    def vat_rate_text(self) -> str:
        """"20%" or «без НДС»."""
        rate = self.content.get("vat_rate", NO_VAT)
        return rate if rate == NO_VAT else f"{rate}%"

    def same_as(self, other: ContractDocument) -> bool:
        """Nothing to update: everything but the id is the same."""
        mine, theirs = self.__dict__.copy(), other.__dict__.copy()
        mine.pop("document_id"), theirs.pop("document_id")
        return mine == theirs

    def filename(self) -> str:
        prefix = {INVOICE: "schet", VAT_INVOICE: "schet-faktura", ACT: "akt"}[self.kind]
        return f"{prefix}-{self.contract_number}-{self.period:%Y-%m}.pdf"


def document_id(contract_id: str, period: dt.date, kind: str) -> str:
    """A document's id follows from its contract, month and kind: a re-import finds it."""
    return str(uuid.uuid5(DOCUMENT_IDS, f"{contract_id}/{period:%Y-%m}/{kind}"))


def contract_key(number: str) -> str:
    """The contract number as compared: without spaces and dashes (accounts' rule for typing it)."""
    return re.sub(r"[\s-]+", "", number)


# --- reading the file --------------------------------------------------------------------

def read_rows(data: bytes | str) -> list[tuple[int, dict[str, str]]]:
    """(line, row) of each data row of the CSV (UTF-8, a BOM is fine, ";"); the header must name COLUMNS
    (any order, extra columns ignored), else `registry_header` and nothing is imported."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    missing = [c for c in COLUMNS if c not in set(reader.fieldnames or [])]
    if missing:
        raise InvalidInput(f"В заголовке файла contract_documents.csv нет колонок: {', '.join(missing)}.",
                           code="registry_header")
    return [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader]


def parse_rows(rows: list[tuple[int, dict[str, str]]]) -> tuple[list[MonthRow], list[Rejection]]:
    """Every row checked; a second row of the same supplier, contract and month is rejected, the first stands."""
    good: list[MonthRow] = []
    rejected: list[Rejection] = []
    seen: dict[tuple, int] = {}
    for line, raw in rows:
        try:
            row = month_row(line, raw)
        except RowError as exc:
            rejected.append(Rejection(line, str(exc)))
            continue
        if row.key in seen:
            rejected.append(Rejection(line, f"Повтор строки {seen[row.key]} (тот же договор и месяц)."))
            continue
        seen[row.key] = line
        good.append(row)
    return good, rejected


def month_row(line: int, raw: Mapping[str, str]) -> MonthRow:
    """One row, or RowError with the first problem found."""
    for name in COLUMNS:
        if not raw.get(name):
            raise RowError(f"Не заполнена колонка {name}.")
    number = _number(raw["number"], "number")
    numbers = {INVOICE: number,
               VAT_INVOICE: _number(raw.get("vat_invoice_number") or number, "vat_invoice_number"),
               ACT: _number(raw.get("act_number") or number, "act_number")}
    if not INN.fullmatch(raw["inn"]):
        raise RowError("ИНН покупателя — 10 или 12 цифр.")
    kpp = raw.get("kpp", "")
    if kpp and not KPP.fullmatch(kpp):
        raise RowError("КПП покупателя — 9 знаков.")
    for name in ("holder", "address", "description"):
        if len(raw.get(name, "")) > MAX_TEXT:
            raise RowError(f"Колонка {name}: не больше {MAX_TEXT} символов.")
    kwh = parse_decimal(raw["kwh"])
    if kwh is None or kwh < 0 or kwh >= MAX_KWH or kwh != kwh.quantize(Decimal("0.001")):
        raise RowError("Объём (kwh) — неотрицательное число кВт·ч, не больше 3 знаков после запятой.")
    price = parse_decimal(raw["price"])
    if price is None:
        raise RowError("Цена (price) — число рублей за кВт·ч без НДС.")
    if problem := price_problem(price):
        raise RowError(f"Цена (price): {problem}")
    return MonthRow(line=line, supplier_code=raw["supplier_code"], contract_number=raw["contract_number"],
                    period=_period(raw["period"]), numbers=numbers, issued_on=_date(raw["issued_on"]),
                    buyer=Buyer(holder=raw["holder"], inn=raw["inn"], kpp=kpp, address=raw["address"]),
                    description=raw.get("description") or DEFAULT_DESCRIPTION, kwh=kwh, price_rub=price,
                    vat_rate=_vat_rate(raw["vat_rate"]))


def _number(value: str, column: str) -> str:
    if len(value) > MAX_NUMBER or any(ord(c) < 32 for c in value):
        raise RowError(f"Колонка {column}: номер документа — не больше {MAX_NUMBER} символов.")
    return value


def _period(text: str) -> dt.date:
    for pattern in PERIOD:
        if match := pattern.fullmatch(text):
            year, month = match.groups() if pattern is PERIOD[0] else reversed(match.groups())
            if 1 <= int(month) <= 12 and int(year) >= 2000:
                return dt.date(int(year), int(month), 1)
    raise RowError("Период (period) — месяц в виде ГГГГ-ММ или ММ.ГГГГ.")


def _date(text: str) -> dt.date:
    for form in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise RowError("Дата (issued_on) — ГГГГ-ММ-ДД или ДД.ММ.ГГГГ.")


def _vat_rate(text: str) -> Decimal | None:
    if text.casefold().replace(" ", "") in ("безндс", "-", "нет"):
        return None
    rate = parse_decimal(text.removesuffix("%").strip())
    if rate is None or rate not in VAT_RATES:
        raise RowError("Ставка НДС (vat_rate) — 20, 10, 7, 5, 0 или «без НДС».")
    return rate
