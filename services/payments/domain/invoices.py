"""Квитанция: the monthly invoice of a лицевой счёт and its payment QR code (ГОСТ Р 56042-2014).

The billing run gives the numbers (readings, charge lines, the ledger's balances and payments of the
period, the penalties bucket, the invoice number); this module checks them, adds them up and builds
the QR payload, once, for the PDF and for anything else that shows the invoice.

Money is integer kopecks, prices RUB per kWh (Decimal). Balances carry the ledger's sign
(`model.LedgerEntry`): + paid ahead (переплата), − owed (задолженность).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from kabinet_vocabulary import ZONE

from kit.errors import InvalidInput
from services.payments.domain.model import Balance, ChargeLine, Supplier, price_problem

# --- ГОСТ Р 56042-2014 ----------------------------------------------------------------
# Service block: format "ST", version "0001", character set "2" = UTF-8 (1 = windows-1251, 3 = KOI8-R).
# The payload must therefore be put into the QR code as its UTF-8 bytes.
QR_HEADER = "ST00012"
QR_SEPARATOR = "|"
# Lengths of the standard's requisites, in characters (Purpose: at most 210; ours stays far below,
# since the identifiers in it are capped).
MAX_NAME, MAX_BANK_NAME = 160, 45
MAX_NUMBER = 30  # an account or invoice number, printed on the invoice and carried in the QR code

DIGITS = {n: re.compile(rf"\d{{{n}}}") for n in (9, 20)}
INN = re.compile(r"\d{10}|\d{12}")  # 10 digits: an organisation; 12: an individual entrepreneur
KPP = re.compile(r"\d{4}[\dA-Z]{2}\d{3}")  # characters 5-6 may be Latin capitals (since 2019)
CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def qr_text(value: str) -> str:
    """A free-text value (payee's name, bank's name, purpose) as the QR payload carries it: "|" separates
    requisites, so one inside a value becomes "/"; line breaks and other control characters become a
    space; runs of spaces shrink to one."""
    value = CONTROL.sub(" ", value).replace(QR_SEPARATOR, "/")
    return " ".join(value.split())


def _is_int(value: object) -> bool:
    return type(value) is int  # not bool, not Decimal: money is whole kopecks


def _identifier_problem(value: str, what: str) -> str | None:
    """Identifiers (account number, invoice number) are refused, not mended, when they cannot go into
    the QR payload: a payment must come back with the number exactly as it was issued."""
    if not value.strip():
        return f"Укажите {what}."
    if len(value) > MAX_NUMBER:
        return f"Не больше {MAX_NUMBER} символов."
    if QR_SEPARATOR in value or CONTROL.search(value):
        return "Недопустимый символ: «|» или управляющий символ."
    if value != value.strip():
        return "Без пробелов в начале и в конце."
    return None


@dataclass(frozen=True)
class SupplierDetails:
    """Реквизиты поставщика: who is paid and where, as the invoice and its QR code show them."""

    name: str
    inn: str
    kpp: str  # "" for a payee without one (an individual entrepreneur)
    bank_name: str
    bic: str  # БИК
    settlement_account: str  # расчётный счёт (PersonalAcc)
    correspondent_account: str  # корреспондентский счёт of the bank (CorrespAcc)

    def problems(self) -> dict[str, str]:
        """Field errors of the details, keyed supplier.<field>; empty when they are right."""
        found: dict[str, str] = {}
        for key, text, cap in (("name", self.name, MAX_NAME), ("bank_name", self.bank_name, MAX_BANK_NAME)):
            if not qr_text(text):
                found[key] = "Заполните поле."
            elif len(qr_text(text)) > cap:
                found[key] = f"Не больше {cap} символов (ГОСТ Р 56042-2014)."
        if not INN.fullmatch(self.inn):
            found["inn"] = "ИНН — 10 или 12 цифр."
        if self.kpp and not KPP.fullmatch(self.kpp):
            found["kpp"] = "КПП — 9 знаков."
        if not DIGITS[9].fullmatch(self.bic):
            found["bic"] = "БИК — 9 цифр."
        for key, account in (("settlement_account", self.settlement_account),
                             ("correspondent_account", self.correspondent_account)):
            if not DIGITS[20].fullmatch(account):
                found[key] = "Номер счёта — 20 цифр."
        return {f"supplier.{key}": text for key, text in found.items()}


def supplier_details(supplier: Supplier) -> SupplierDetails:
    """The payee of an invoice from the projected supplier (accounts.supplier.changed); the details are
    checked where the invoice is built (`Invoice.problems`)."""
    return SupplierDetails(name=supplier.name, inn=supplier.inn, kpp=supplier.kpp, bank_name=supplier.bank_name,
                           bic=supplier.bic, settlement_account=supplier.settlement_account,
                           correspondent_account=supplier.correspondent_account)


@dataclass(frozen=True)
class BillingPeriod:
    """Расчётный период: a calendar month."""

    year: int
    month: int

    def problem(self) -> str | None:
        if _is_int(self.year) and _is_int(self.month) and 1 <= self.month <= 12 and 2000 <= self.year <= 9999:
            return None
        return "Период — месяц (1–12) и год."

    @property
    def mmyyyy(self) -> str:
        """The period as the QR payload's paymPeriod carries it: November 2026 -> "112026"."""
        return f"{self.month:02d}{self.year:04d}"

    @property
    def text(self) -> str:
        """"11.2026"."""
        return f"{self.month:02d}.{self.year:04d}"


@dataclass(frozen=True)
class InvoiceLine:
    """A line of the invoice, one per tariff zone: the meter's readings at the start and the end of the
    period (None when the charge is not from readings: average consumption or the norm), the kWh billed
    (metered × КТ: not always current − previous), the zone's price and the amount charged."""

    zone: str  # ZONE code
    previous_reading: Decimal | None
    current_reading: Decimal | None
    consumption_kwh: Decimal
    price_rub: Decimal  # per kWh
    amount_kop: int

    @classmethod
    def for_charge_line(cls, line: ChargeLine, *, previous_reading: Decimal | None,
                        current_reading: Decimal | None) -> InvoiceLine:
        """The invoice's line of a charge line (the billing run's final charge), with the readings."""
        return cls(zone=line.zone, previous_reading=previous_reading, current_reading=current_reading,
                   consumption_kwh=line.billed_kwh, price_rub=line.price_rub, amount_kop=line.amount_kop)

    @property
    def zone_title(self) -> str:
        return ZONE.title(self.zone)

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if self.zone not in ZONE:
            found["zone"] = f"Неизвестная тарифная зона: {self.zone}."
        for key in ("previous_reading", "current_reading", "consumption_kwh"):
            value = getattr(self, key)
            if value is None and key != "consumption_kwh":
                continue
            if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
                found[key] = "Неотрицательное число."
        if not isinstance(self.price_rub, Decimal):
            found["price_rub"] = "Цена — число."
        elif problem := price_problem(self.price_rub):
            found["price_rub"] = problem
        if not _is_int(self.amount_kop) or self.amount_kop < 0:
            found["amount_kop"] = "Сумма — целое неотрицательное число копеек."
        return found


@dataclass(frozen=True)
class Penalties:
    """Пени: a ledger bucket of their own, payable separately; an overpayment for energy does not pay
    them (DESIGN §5). The balance carries the ledger's sign."""

    opening_balance_kop: int = 0
    accrued_kop: int = 0
    paid_kop: int = 0

    @property
    def closing_balance_kop(self) -> int:
        return self.opening_balance_kop - self.accrued_kop + self.paid_kop

    @property
    def amount_due_kop(self) -> int:
        """Пени к оплате: the penalties owed at the end of the period, or nothing."""
        return max(0, -self.closing_balance_kop)

    def problems(self) -> dict[str, str]:
        found = {}
        if not _is_int(self.opening_balance_kop):
            found["penalties.opening_balance_kop"] = "Целое число копеек."
        for key in ("accrued_kop", "paid_kop"):
            value = getattr(self, key)
            if not _is_int(value) or value < 0:
                found[f"penalties.{key}"] = "Целое неотрицательное число копеек."
        return found


@dataclass(frozen=True)
class Invoice:
    """Квитанция of a лицевой счёт for a month: the supplier's details, the account, consumption and
    charges by zone, the energy balance (opening, charges, recalculation, payments, closing), the
    penalties bucket, what is due and by when. The number is the billing run's (its numbering)."""

    number: str
    period: BillingPeriod
    supplier: SupplierDetails
    account_number: str  # as the supplier prints it, e.g. 12-12345678 or 018\00028517
    holder: str
    address: str
    lines: tuple[InvoiceLine, ...]
    opening_balance_kop: int  # energy, ledger sign, at the start of the period
    payments_kop: int  # received in the period for energy
    due_date: dt.date  # оплатить до
    penalties: Penalties = field(default_factory=Penalties)
    adjustments_kop: int = 0  # перерасчёт, ledger sign: + in the customer's favour

    def __post_init__(self) -> None:
        if problems := self.problems():
            raise InvalidInput("Квитанция не может быть сформирована: проверьте её данные.",
                               code="invalid_invoice", fields=problems)

    def problems(self) -> dict[str, str]:
        """Every problem of the invoice's data at once, keyed by field (lines.<i>.<field>, supplier.<field>,
        penalties.<field>)."""
        found: dict[str, str] = {}
        for key, value, what in (("number", self.number, "номер квитанции"),
                                 ("account_number", self.account_number, "номер лицевого счёта")):
            if problem := _identifier_problem(value, what):
                found[key] = problem
        for key in ("holder", "address"):
            if not getattr(self, key).strip():
                found[key] = "Заполните поле."
        if problem := self.period.problem():
            found["period"] = problem
        found.update(self.supplier.problems())
        if not isinstance(self.lines, tuple):
            found["lines"] = "Строки квитанции — кортеж."
        else:
            for i, line in enumerate(self.lines):
                found.update({f"lines.{i}.{key}": text for key, text in line.problems().items()})
        for key in ("opening_balance_kop", "adjustments_kop"):
            if not _is_int(getattr(self, key)):
                found[key] = "Целое число копеек."
        if not _is_int(self.payments_kop) or self.payments_kop < 0:
            found["payments_kop"] = "Целое неотрицательное число копеек."
        if not isinstance(self.due_date, dt.date):
            found["due_date"] = "Дата."
        found.update(self.penalties.problems())
        return found

    @property
    def charges_kop(self) -> int:
        """Начислено за период: the lines' amounts, each already rounded to the kopeck."""
        return sum(line.amount_kop for line in self.lines)

    @property
    def closing_balance_kop(self) -> int:
        """The energy balance at the end of the period: opening − charges + recalculation + payments."""
        return self.opening_balance_kop - self.charges_kop + self.adjustments_kop + self.payments_kop

    @property
    def amount_due_kop(self) -> int:
        """К оплате за электроэнергию: the debt at the end of the period, or nothing (`Balance`)."""
        return Balance(account_id=self.account_number, balance_kop=self.closing_balance_kop).amount_due_kop

    @property
    def total_due_kop(self) -> int:
        """Итого к оплате: energy and penalties (two payments, two QR codes)."""
        return self.amount_due_kop + self.penalties.amount_due_kop


# --- the payment QR code ---------------------------------------------------------------

ENERGY, PENALTIES = "energy", "penalties"


def payment_purpose(invoice: Invoice, bucket: str = ENERGY) -> str:
    """Назначение платежа: what is paid, for which month, account and invoice."""
    what = "Пени" if bucket == PENALTIES else "Электроэнергия"
    return qr_text(f"{what} за {invoice.period.text}, л/с {invoice.account_number}, квитанция № {invoice.number}")


def payment_qr_payload(invoice: Invoice, bucket: str = ENERGY) -> str:
    """The text of the invoice's payment QR code, ГОСТ Р 56042-2014, UTF-8 (ST00012):

    ST00012|Name=…|PersonalAcc=…|BankName=…|BIC=…|CorrespAcc=…|PayeeINN=…|KPP=…|Sum=…|Purpose=…|
    persAcc=…|paymPeriod=MMYYYY

    The five mandatory requisites come first, in the standard's order; then the payee's INN and KPP
    (KPP left out when the payee has none), Sum — the amount due in kopecks, digits only, left out
    when nothing is due so that the bank asks the payer for an amount —, the purpose, the account
    number and the period. `bucket` is ENERGY (the energy amount due) or PENALTIES (the penalties
    due): penalties are paid separately (DESIGN §5), so each has a code of its own. A "|" in the
    payee's or the bank's name becomes "/" (`qr_text`); identifiers that would need mending are refused
    when the Invoice is made. No separator at the end."""
    if bucket not in (ENERGY, PENALTIES):
        raise InvalidInput(f"Неизвестный вид платежа: {bucket}.", code="invalid_invoice", fields={"bucket": bucket})
    supplier = invoice.supplier
    due = invoice.penalties.amount_due_kop if bucket == PENALTIES else invoice.amount_due_kop
    requisites = [
        ("Name", qr_text(supplier.name)),
        ("PersonalAcc", supplier.settlement_account),
        ("BankName", qr_text(supplier.bank_name)),
        ("BIC", supplier.bic),
        ("CorrespAcc", supplier.correspondent_account),
        ("PayeeINN", supplier.inn),
        ("KPP", supplier.kpp),
        ("Sum", str(due) if due > 0 else ""),
        ("Purpose", payment_purpose(invoice, bucket)),  # at most ~110 characters: identifiers are capped
        ("persAcc", invoice.account_number),
        ("paymPeriod", invoice.period.mmyyyy),
    ]
    return QR_SEPARATOR.join([QR_HEADER, *(f"{key}={value}" for key, value in requisites if value)])


# --- an issued invoice, as the billing run stored it, and the document made of it ---------------

@dataclass(frozen=True)
class IssuedInvoice:
    """A row of `invoices`: the квитанция the billing run issued for an account and a period, with the sums
    it computed then. The number is gapless per supplier."""

    invoice_id: str
    supplier_id: str
    account_id: str
    period: dt.date  # the billing month, its first day
    number: int
    issued_at: dt.datetime
    due_on: dt.date
    opening_kop: int
    charged_kop: int
    paid_kop: int
    penalties_kop: int
    closing_kop: int
    amount_due_energy_kop: int
    amount_due_penalties_kop: int
    run_id: str | None = None
    account_number: str = ""  # from the projection of accounts' facts, "" when unknown

    @property
    def number_text(self) -> str:
        """The number as printed and carried in the QR code."""
        return str(self.number)

    @property
    def period_text(self) -> str:
        """"2026-11"."""
        return f"{self.period:%Y-%m}"

    @property
    def amount_due_kop(self) -> int:
        return self.amount_due_energy_kop + self.amount_due_penalties_kop

    def filename(self, account_number: str) -> str:
        """kvitanciya-12-10000001-2026-11.pdf: the account number with anything but Latin letters and digits
        made a dash (018\\00028517 -> 018-00028517)."""
        safe = re.sub(r"[^0-9A-Za-z]+", "-", account_number).strip("-") or self.account_id
        return f"kvitanciya-{safe}-{self.period_text}.pdf"


@dataclass(frozen=True)
class PeriodLedger:
    """The ledger of an account around a period, as the invoice shows it (ledger sign: + pays, − owes).
    An entry belongs to the period it names, else to the month it was paid (a payment) or posted in; an
    opening balance (входящее сальдо, imported when the supplier came to the cabinet) comes before every
    period; only entries known when the invoice was issued count (those of its own run always), so the
    document reads the same however often it is rendered."""

    energy_opening_kop: int = 0  # energy before the period, and openings (входящее сальдо) booked to it
    energy_payments_kop: int = 0  # payments of the period for energy
    energy_other_kop: int = 0  # charges, their reversals, adjustments and refunds of the period
    penalties_opening_kop: int = 0
    penalties_credits_kop: int = 0  # payments (and anything else in the customer's favour) for penalties
    penalties_debits_kop: int = 0  # accrued penalties (and refunds): ≤ 0


def invoice_document(issued: IssuedInvoice, *, supplier: SupplierDetails, account_number: str, holder: str,
                     address: str, lines: tuple[InvoiceLine, ...], ledger: PeriodLedger) -> Invoice:
    """The квитанция of an issued invoice: its number, period and due date, the final charge's lines, and the
    period's ledger split as the document shows it — opening balance, charges (the lines), payments, and
    as перерасчёт whatever else moved the energy balance in the period (adjustments, refunds; the final
    charge and the reversals of the preliminary ones net to minus the lines); penalties apart. So the
    closing balance is the ledger's at the end of the period."""
    charges_kop = sum(line.amount_kop for line in lines)
    return Invoice(
        number=issued.number_text, period=BillingPeriod(issued.period.year, issued.period.month),
        supplier=supplier, account_number=account_number, holder=holder, address=address, lines=lines,
        opening_balance_kop=ledger.energy_opening_kop, payments_kop=ledger.energy_payments_kop,
        adjustments_kop=ledger.energy_other_kop + charges_kop, due_date=issued.due_on,
        penalties=Penalties(opening_balance_kop=ledger.penalties_opening_kop,
                            accrued_kop=-ledger.penalties_debits_kop, paid_kop=ledger.penalties_credits_kop))
