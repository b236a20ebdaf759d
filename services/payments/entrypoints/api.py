"""The payments gRPC API: protobuf in, use case, protobuf out."""

from __future__ import annotations

import datetime as dt

from kabinet.payments.v1 import payments_pb2 as pb
from kabinet.payments.v1 import payments_pb2_grpc as pb_grpc
from kabinet_vocabulary import ZONE

from kit.context import require_caller
from kit.errors import InvalidInput
from kit.ids import is_uuid
from services.payments.domain.ledger import AccountBalance
from services.payments.domain.model import (
    Charge,
    ChargeLine,
    ChargePreview,
    parse_decimal,
    price_text,
)
from services.payments.domain.tariffs import AccountTariff, CustomerCategory, NormCard, TariffCard
from services.payments.entrypoints.api_autopay import AutopayRpcs
from services.payments.entrypoints.api_billing import BillingRpcs
from services.payments.entrypoints.api_card_payments import CardPaymentRpcs
from services.payments.entrypoints.api_invoices import InvoiceRpcs
from services.payments.entrypoints.api_ledger import LedgerRpcs, account_balance_to_pb
from services.payments.entrypoints.api_partner_payments import PartnerPaymentRpcs
from services.payments.entrypoints.api_penalties import PenaltyRpcs
from services.payments.entrypoints.api_registry import RegistryRpcs
from services.payments.entrypoints.api_summaries import SummaryRpcs
from services.payments.service_layer import charging, ledger, master_data, views
from services.payments.service_layer.accounts import AccountsPort

MAX_LIMIT = 200


class PaymentsServicer(LedgerRpcs, InvoiceRpcs, BillingRpcs, PenaltyRpcs, RegistryRpcs, CardPaymentRpcs, AutopayRpcs,
                       PartnerPaymentRpcs, SummaryRpcs, pb_grpc.PaymentsServicer):
    def __init__(self, uow_factory, accounts: AccountsPort, *, test_clock: bool = False, auth=None,
                 provider=None, card_settings=None) -> None:
        self.uow = uow_factory
        self.accounts = accounts
        self.provider = provider  # service_layer/provider.py:ProviderPort (the card acquirer)
        self.card_settings = card_settings  # entrypoints/api_card_payments.py:CardSettings
        self.auth = auth  # services/payments/service_layer/autopay.py:AuthPort (the caller's confirmed e-mail)
        self.test_clock = test_clock  # dev, test: any as_of of a billing run, any through of an accrual

    def GetBalance(self, request, context):
        user = require_caller()
        return balance_to_pb(ledger.get_balance(self.uow(), self.accounts, user_id=user.user_id,
                                                account_id=request.account_id, now=dt.datetime.now(dt.UTC)))

    def ListCharges(self, request, context):
        user = require_caller()
        limit = min(max(request.limit or 20, 1), MAX_LIMIT)
        charges = views.list_charges(self.uow(), self.accounts, user_id=user.user_id,
                                     account_id=request.account_id, limit=limit)
        return pb.ListChargesReply(charges=[charge_to_pb(c) for c in charges])

    def GetAccountTariff(self, request, context):
        user = require_caller()
        return account_tariff_to_pb(views.account_tariff(self.uow(), self.accounts, user_id=user.user_id,
                                                         account_id=request.account_id, now=dt.datetime.now(dt.UTC)))

    def PreviewCharge(self, request, context):
        # no caller needed: no account is named (readings has checked it), and tariffs are no secret (readings
        # submitted without signing in are priced too)
        return preview_to_pb(charging.preview_charge(self.uow(), **preview_request(request)))

    # ---- staff: master data ----

    def StaffListTariffs(self, request, context):
        cards = master_data.list_tariffs(self.uow(), require_caller(), supplier_id=request.supplier_id,
                                         category=request.category, on=request.on)
        return pb.StaffListTariffsReply(tariffs=[tariff_to_pb(c) for c in cards])

    def StaffAddTariff(self, request, context):
        card = master_data.add_tariff(
            self.uow(), require_caller(), supplier_id=request.supplier_id, category=request.category,
            valid_from=request.valid_from,
            prices={count: dict(zones.rub_per_kwh) for count, zones in request.prices.items()})
        return tariff_to_pb(card)

    def StaffListCategories(self, request, context):
        return pb.StaffListCategoriesReply(categories=[
            category_to_pb(c) for c in master_data.list_categories(self.uow(), require_caller())])

    def StaffPutCategory(self, request, context):
        return category_to_pb(master_data.put_category(self.uow(), require_caller(), code=request.code,
                                                       title=request.title))

    def StaffListNorms(self, request, context):
        cards = master_data.list_norms(self.uow(), require_caller(), supplier_id=request.supplier_id,
                                       category=request.category, on=request.on)
        return pb.StaffListNormsReply(norms=[norm_to_pb(c) for c in cards])

    def StaffSetNorm(self, request, context):
        return norm_to_pb(master_data.set_norm(
            self.uow(), require_caller(), supplier_id=request.supplier_id, category=request.category,
            residents=request.residents, valid_from=request.valid_from, kwh_per_month=request.kwh_per_month))


def balance_to_pb(balance: AccountBalance) -> pb.Balance:
    """The balance by bucket, with what is due, the due date and the overdue debt (entrypoints/api_ledger.py)."""
    return account_balance_to_pb(balance)


def charge_to_pb(charge: Charge) -> pb.Charge:
    msg = pb.Charge(
        charge_id=charge.charge_id, account_id=charge.account_id, kind=charge.kind, amount_kop=charge.amount_kop,
        reading_id=charge.reading_id or "", lines=[line_to_pb(line) for line in charge.lines],
    )
    msg.posted_at.FromDatetime(charge.posted_at)
    return msg


def line_to_pb(line: ChargeLine) -> pb.ChargeLine:
    return pb.ChargeLine(zone=line.zone, consumption=str(line.billed_kwh),
                         price_kop_per_kwh_x100=line.price_kop_per_kwh_x100, amount_kop=line.amount_kop)


def preview_request(request: pb.PreviewChargeRequest) -> dict:
    """PreviewChargeRequest -> the arguments of `charging.preview_charge`; every malformed field at once
    (`invalid_input`). What the numbers may be (КТ positive, consumption not negative, the zones of a
    meter) is the domain's to say."""
    problems: dict[str, str] = {}
    if not is_uuid(request.supplier_id):
        problems["supplier_id"] = "Укажите идентификатор поставщика."
    ratio = parse_decimal(request.ratio or "1")
    if ratio is None:
        problems["ratio"] = "Коэффициент трансформации — число."
    consumption = {}
    for zone in request.consumption:
        kwh = parse_decimal(zone.kwh)
        if zone.zone in consumption:
            problems[f"consumption.{zone.zone}"] = "Зона указана дважды."
        elif kwh is None:
            problems[f"consumption.{zone.zone}"] = "Расход — число кВт·ч."
        else:
            consumption[zone.zone] = kwh
    if problems:
        raise InvalidInput("Проверьте данные расчёта.", code="invalid_input", fields=problems)
    as_of = request.as_of.ToDatetime(dt.UTC) if request.HasField("as_of") else dt.datetime.now(dt.UTC)
    return dict(supplier_id=request.supplier_id, category=request.category, ratio=ratio,
                consumption=consumption, as_of=as_of)


def preview_to_pb(preview: ChargePreview) -> pb.ChargePreview:
    return pb.ChargePreview(lines=[line_to_pb(line) for line in preview.lines], amount_kop=preview.amount_kop,
                            tariff_id=preview.tariff.tariff_id,
                            tariff_valid_from=_day(preview.tariff.valid_from))


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def tariff_to_pb(card: TariffCard) -> pb.Tariff:
    t = card.tariff
    return pb.Tariff(
        tariff_id=t.tariff_id, supplier_id=t.supplier_id, category=t.category, category_title=card.category_title,
        valid_from=_day(t.valid_from), valid_until=_day(card.valid_until),
        zone_sets=[pb.ZoneSetPrices(zones=count, prices=[
            pb.ZonePrice(zone=zone, title=ZONE.title(zone), rub_per_kwh=price_text(t.prices[count][zone]),
                         hours=[pb.ZoneHours(start=h.texts[0], end=h.texts[1]) for h in card.schedule.hours_of(zone)])
            for zone in ZONE.of_meter(count)])
            for count in sorted(t.prices)])


def account_tariff_to_pb(view: AccountTariff) -> pb.AccountTariff:
    a = view.account
    msg = pb.AccountTariff(account_id=a.account_id, supplier_id=a.supplier_id, category=a.category,
                           category_title=view.current.category_title, on=_day(view.on),
                           meter_zones=list(a.meter_zones), current=tariff_to_pb(view.current))
    if view.next is not None:
        msg.next.CopyFrom(tariff_to_pb(view.next))
    return msg


def category_to_pb(category: CustomerCategory) -> pb.CustomerCategory:
    return pb.CustomerCategory(code=category.code, title=category.title)


def norm_to_pb(card: NormCard) -> pb.ConsumptionNorm:
    n = card.norm
    return pb.ConsumptionNorm(supplier_id=n.supplier_id, category=n.category, residents=n.residents,
                              valid_from=_day(n.valid_from), kwh_per_month=f"{n.kwh_per_month.normalize():f}",
                              valid_until=_day(card.valid_until))
