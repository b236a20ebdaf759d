"""Тарифы: the tariff of a customer's account (/api/v1/tariffs) and the staff's master data of money
(/staff/v1/tariffs, /staff/v1/tariff-categories, /staff/v1/consumption-norms). payments decides every
rule (prices, zone sets, dates, versions) and every role, and audits every staff call."""

from __future__ import annotations

import kabinet_vocabulary as vocab
from flask import Blueprint
from kabinet.payments.v1 import payments_pb2 as pb
from marshmallow import Schema, fields, validate

from gateway.openapi import operation, query_params
from gateway.schema import SHORT, OrNone, StrictSchema, body, dump, field, path_id, query, text
from gateway.security import login_required
from gateway.services import payments

bp = Blueprint("tariffs", __name__)  # both audiences: the path prefix decides who may call

DATE = {"description": "YYYY-MM-DD, the supplier's local date"}


# --- output -------------------------------------------------------------------------------

class ZoneHoursOut(Schema):
    start = fields.String(data_key="from", metadata={"description": "HH:MM, local time"})
    end = fields.String(data_key="to", metadata={"description": "HH:MM; 24:00 is midnight; before `from`: the "
                                                                "interval crosses midnight"})


class ZonePriceOut(Schema):
    zone = fields.String(metadata={"enum": list(vocab.ZONE.codes)})
    title = fields.String()
    price_rub_per_kwh = fields.String(attribute="rub_per_kwh", metadata={"description": "2 to 4 decimals"})
    hours = fields.List(fields.Nested(ZoneHoursOut), metadata={"description": "when the zone applies"})


class ZoneSetOut(Schema):
    zones = fields.Integer(metadata={"description": "prices for meters with this many zones: 1, 2 or 3"})
    prices = fields.List(fields.Nested(ZonePriceOut))


class TariffOut(Schema):
    tariff_id = fields.String()
    supplier_id = fields.String()
    category = fields.String()
    category_title = OrNone(allow_none=True)
    valid_from = fields.String(metadata=DATE)
    valid_until = OrNone(allow_none=True, metadata={"description": "the last day before the next version; null "
                                                                   "while none is scheduled"})
    zone_sets = fields.List(fields.Nested(ZoneSetOut))


class ScheduledTariff(fields.Nested):
    """The next version: null when the reply leaves it unset."""

    def _serialize(self, nested_obj, attr, obj, **kw):
        return super()._serialize(nested_obj, attr, obj, **kw) if obj.HasField(attr) else None


class AccountTariffOut(Schema):
    account_id = fields.String()
    supplier_id = fields.String()
    category = fields.String()
    category_title = OrNone(allow_none=True)
    today = fields.String(attribute="on", metadata={"description": "the supplier's local date the tariff is for"})
    meter_zones = fields.List(fields.Integer(), metadata={"description": "zone counts of the account's meters: "
                                                                        "which zone_sets apply"})
    current = fields.Nested(TariffOut)
    next = ScheduledTariff(TariffOut, allow_none=True, metadata={"description": "the next scheduled change"})


class TariffListOut(Schema):
    tariffs = fields.List(fields.Nested(TariffOut))


class TariffCategoryOut(Schema):
    code = fields.String()
    title = fields.String()


class TariffCategoryListOut(Schema):
    categories = fields.List(fields.Nested(TariffCategoryOut))


class ConsumptionNormOut(Schema):
    supplier_id = fields.String()
    category = fields.String()
    residents = fields.Integer()
    valid_from = fields.String(metadata=DATE)
    valid_until = OrNone(allow_none=True)
    kwh_per_month = fields.String(metadata={"description": "kWh per month per resident"})


class ConsumptionNormListOut(Schema):
    norms = fields.List(fields.Nested(ConsumptionNormOut))


# --- input ----------------------------------------------------------------------------------

class AccountTariffIn(StrictSchema):
    account_id = text(SHORT, required=True)


class MasterDataListIn(StrictSchema):
    supplier_id = text(SHORT)
    category = text(SHORT)
    on = text(SHORT, metadata=DATE)


def _prices_of_a_zone_set():
    return field(fields.Dict, keys=text(SHORT), values=text(SHORT),
                 validate=validate.Length(max=8, error="Слишком много зон."))


class TariffIn(StrictSchema):
    supplier_id = text(SHORT, required=True)
    category = text(SHORT, required=True)
    valid_from = text(SHORT, required=True, metadata=DATE)
    prices = field(fields.Dict, required=True, keys=text(SHORT), values=_prices_of_a_zone_set(),
                   validate=validate.Length(max=8, error="Слишком много наборов зон."),
                   metadata={"description": "zone count -> zone -> RUB per kWh as a string (up to 4 decimals, a "
                                            "point or a comma), for any of the 1-, 2- and 3-zone sets: "
                                            "{\"1\": {\"total\": \"7.05\"}, \"2\": {\"day\": \"8.11\", \"night\": "
                                            "\"4.02\"}, \"3\": {\"peak\": …, \"semi_peak\": …, \"night\": …}}"})


class TariffCategoryIn(StrictSchema):
    title = text(required=True)


class ConsumptionNormIn(StrictSchema):
    supplier_id = text(SHORT, required=True)
    category = text(SHORT, required=True)
    residents = field(fields.Integer, strict=True, required=True,
                      validate=validate.Range(min=-2**31, max=2**31 - 1, error="Слишком большое число."))
    valid_from = text(SHORT, required=True, metadata=DATE)
    kwh_per_month = text(SHORT, required=True, metadata={"description": "kWh per month per resident, a decimal "
                                                                        "string"})



# --- the customer ---------------------------------------------------------------------------

@bp.get("/api/v1/tariffs")
@operation("Тариф лицевого счёта", tag="money", response=AccountTariffOut, errors=(404, 409),
           params=({"name": "account_id", "in": "query", "required": True, "schema": {"type": "string"}},),
           description="The tariff of the account's supplier and category in force today, every zone with its "
                       "title, price and hours, and the next scheduled change (null if none). 404 "
                       "account_not_found for an account that is not the caller's; 409 tariff_not_found when no "
                       "tariff is in force.")
@login_required
def account_tariff():
    data = query(AccountTariffIn)
    return dump(AccountTariffOut, payments().call("GetAccountTariff", pb.GetAccountTariffRequest(
        account_id=data["account_id"]), idempotent=True))


# --- staff ------------------------------------------------------------------------------------

@bp.get("/staff/v1/tariffs")
@operation("Тарифы", tag="staff", response=TariffListOut, params=query_params("supplier_id", "category", "on"),
           errors=(403, 422),
           description="Every version by supplier, category and valid_from; with `on`, the version of each "
                       "supplier and category in force that day. Role operator or admin.")
@login_required
def list_tariffs():
    data = query(MasterDataListIn)
    return dump(TariffListOut, payments().call("StaffListTariffs", pb.StaffListTariffsRequest(
        supplier_id=data.get("supplier_id", ""), category=data.get("category", ""), on=data.get("on", "")),
        idempotent=True))


@bp.post("/staff/v1/tariffs")
@operation("Добавить версию тарифа", tag="staff", body=TariffIn, response=TariffOut, status=201,
           errors=(403, 409, 422),
           description="In force from valid_from until the next version of the supplier and category: a later "
                       "date schedules a change. 422 invalid_tariff with a message per field (prices.<zones> for a "
                       "zone set that is not a meter's, prices.<zones>.<zone> for a price that is not positive or "
                       "has more than 4 decimals); 409 tariff_exists for a second version from the same date. "
                       "Role admin.")
@login_required
def add_tariff():
    data = body(TariffIn)
    msg = pb.StaffAddTariffRequest(supplier_id=data["supplier_id"], category=data["category"],
                                   valid_from=data["valid_from"])
    for zones, prices in data["prices"].items():
        msg.prices[zones].rub_per_kwh.update(prices)
    return dump(TariffOut, payments().call("StaffAddTariff", msg)), 201


@bp.get("/staff/v1/tariff-categories")
@operation("Категории потребителей", tag="staff", response=TariffCategoryListOut, errors=(403,),
           description="Role operator or admin.")
@login_required
def list_categories():
    return dump(TariffCategoryListOut, payments().call("StaffListCategories", pb.StaffListCategoriesRequest(),
                                                 idempotent=True))


@bp.put("/staff/v1/tariff-categories/<code>")
@operation("Создать или переименовать категорию", tag="staff", body=TariffCategoryIn, response=TariffCategoryOut,
           errors=(403, 422),
           description="code: Latin lower case, digits and \"_\" (the accounts registry's category); 422 "
                       "invalid_category. Role admin.")
@login_required
def put_category(code: str):
    data = body(TariffCategoryIn)
    return dump(TariffCategoryOut, payments().call("StaffPutCategory", pb.CustomerCategory(
        code=path_id(code), title=data["title"]), idempotent=True))


@bp.get("/staff/v1/consumption-norms")
@operation("Нормативы потребления", tag="staff", response=ConsumptionNormListOut,
           params=query_params("supplier_id", "category", "on"), errors=(403, 422),
           description="By supplier, category, residents and valid_from; with `on`, those in force that day. "
                       "Role operator or admin.")
@login_required
def list_norms():
    data = query(MasterDataListIn)
    return dump(ConsumptionNormListOut, payments().call("StaffListNorms", pb.StaffListNormsRequest(
        supplier_id=data.get("supplier_id", ""), category=data.get("category", ""), on=data.get("on", "")),
        idempotent=True))


@bp.post("/staff/v1/consumption-norms")
@operation("Задать норматив потребления", tag="staff", body=ConsumptionNormIn, response=ConsumptionNormOut, errors=(403, 422),
           description="Creates or replaces the norm of supplier × category × residents from valid_from. 422 "
                       "invalid_norm with a message per field. Role admin.")
@login_required
def set_norm():
    data = body(ConsumptionNormIn)
    return dump(ConsumptionNormOut, payments().call("StaffSetNorm", pb.ConsumptionNorm(**data), idempotent=True))
