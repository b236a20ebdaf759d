"""Request and response schemas of the public API (marshmallow). Money is integer kopecks."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

RU = {"required": "Обязательное поле.", "null": "Поле не может быть пустым.",
      "invalid": "Неверное значение.", "invalid_uuid": "Неверный идентификатор.",
      "too_large": "Слишком большое число.", "invalid_utf8": "Неверная строка."}


def length(min: int | None = None, max: int | None = None) -> validate.Length:  # noqa: A002
    if min and max:
        message = f"От {min} до {max} символов."
    elif max:
        message = f"Не больше {max} символов."
    else:
        message = f"Не меньше {min} символов."
    return validate.Length(min=min, max=max, error=message)


def between(min: int, max: int) -> validate.Range:  # noqa: A002
    return validate.Range(min=min, max=max, error=f"Допустимо от {min} до {max}.")


def field(kind, **kw):
    kw.setdefault("error_messages", RU)
    return kind(**kw)


class StrictSchema(Schema):
    error_messages = {"unknown": "Неизвестное поле.", "type": "Ожидается JSON-объект."}

    class Meta:
        unknown = "raise"


def load(schema: type[Schema], data) -> dict:
    if not isinstance(data, dict):
        raise ValidationError({"_": ["Ожидается JSON-объект."]})
    return schema().load(data)


# --- auth ---
class RegisterIn(StrictSchema):
    phone = field(fields.String, validate=length(max=32))
    email = field(fields.String, validate=length(max=254))
    password = field(fields.String, required=True, validate=length(max=128))
    terms_accepted = field(fields.Boolean, required=True)
    marketing_consent = field(fields.Boolean, load_default=True)

    @validates_schema
    def one_contact(self, data, **_):
        if bool(data.get("phone")) == bool(data.get("email")):
            raise ValidationError("Укажите телефон или адрес электронной почты.", "phone")
        if not data.get("terms_accepted"):
            raise ValidationError("Примите пользовательское соглашение.", "terms_accepted")


class RegisterOut(Schema):
    registration_id = fields.String()
    code_ttl_seconds = fields.Integer()
    detail = fields.String()


class ConfirmIn(StrictSchema):
    registration_id = field(fields.String, required=True, validate=length(max=64))
    code = field(fields.String, required=True, validate=validate.Regexp(r"^\s*\d{4,8}\s*$",
                                                                        error="Код состоит из цифр."))


class LoginIn(StrictSchema):
    identifier = field(fields.String, required=True, validate=length(min=1, max=254))
    password = field(fields.String, required=True, validate=length(min=1, max=128))
    remember_me = field(fields.Boolean, load_default=False)


class TokensOut(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()
    refresh_token = fields.String()
    refresh_expires_in = fields.Integer()


class RefreshIn(StrictSchema):
    refresh_token = field(fields.String, required=True, validate=length(min=10, max=200))


class LogoutIn(StrictSchema):
    refresh_token = field(fields.String, validate=length(max=200))


class ProfileOut(Schema):
    user_id = fields.String()
    kind = fields.String()
    phone = fields.String()
    email = fields.String()
    login = fields.String()


# --- accounts ---
class LastPaymentIn(StrictSchema):
    date = field(fields.Date, required=True, error_messages={**RU, "invalid": "Дата в формате ГГГГ-ММ-ДД."})
    amount_kop = field(fields.Integer, required=True, strict=True, validate=between(1, 10**12))


class ProofIn(StrictSchema):
    last_payment = fields.Nested(LastPaymentIn)
    meter_number = field(fields.String, validate=length(min=1, max=40))

    @validates_schema
    def exactly_one(self, data, **_):
        if ("last_payment" in data) == ("meter_number" in data):
            raise ValidationError("Укажите дату и сумму последней оплаты или номер счётчика.", "_")


class BindAccountIn(StrictSchema):
    number = field(fields.String, required=True, validate=length(min=1, max=40))
    supplier_id = field(fields.UUID)
    alias = field(fields.String, load_default="", validate=length(max=100))
    proof = fields.Nested(ProofIn, required=True, error_messages=RU)


class MeterOut(Schema):
    meter_id = fields.String()
    number = fields.String()
    model = fields.String()
    zones = fields.Integer()
    zone_names = fields.List(fields.String())
    digits = fields.Integer()
    ratio = fields.String()


class AccountOut(Schema):
    account_id = fields.String()
    number = fields.String()
    supplier_id = fields.String()
    supplier_name = fields.String()
    address = fields.String()
    holder = fields.String()
    category = fields.String()
    automatic_metering = fields.Boolean()
    alias = fields.String()
    group = fields.Dict()
    meters = fields.List(fields.Nested(MeterOut))


class AccountListOut(Schema):
    accounts = fields.List(fields.Nested(AccountOut))


# --- readings ---
ZONE_VALUE = validate.Regexp(r"^\s*\d{1,9}([.,]\d{1,3})?\s*$", error="Введите число, не больше 3 знаков после запятой.")


class SubmitReadingIn(StrictSchema):
    meter_id = field(fields.UUID, required=True)
    values = field(fields.Dict, required=True, keys=fields.String(validate=validate.OneOf(
        ["total", "day", "night", "peak", "semi_peak"], error="Неизвестная зона.")),
        values=fields.String(validate=ZONE_VALUE), validate=validate.Length(min=1, max=3, error="От одной до трёх зон."))


class ReadingOut(Schema):
    reading_id = fields.String()
    account_id = fields.String()
    meter_id = fields.String()
    values = fields.Dict(keys=fields.String(), values=fields.String())
    consumption = fields.Dict(keys=fields.String(), values=fields.String())
    source = fields.String()
    status = fields.String()
    taken_at = fields.String()


class ReadingListOut(Schema):
    readings = fields.List(fields.Nested(ReadingOut))


# --- money ---
class BalanceOut(Schema):
    account_id = fields.String()
    balance_kop = fields.Integer()
    state = fields.String(metadata={"description": "debt | zero | overpayment"})
    amount_due_kop = fields.Integer()


class ChargeLineOut(Schema):
    zone = fields.String()
    consumption = fields.String()
    price_rub_per_kwh = fields.String()
    amount_kop = fields.Integer()


class ChargeOut(Schema):
    charge_id = fields.String()
    kind = fields.String()
    amount_kop = fields.Integer()
    reading_id = fields.String()
    lines = fields.List(fields.Nested(ChargeLineOut))
    posted_at = fields.String()


class ChargeListOut(Schema):
    charges = fields.List(fields.Nested(ChargeOut))


# --- notifications ---
class NotificationOut(Schema):
    id = fields.String()
    category = fields.String()
    title = fields.String()
    body = fields.String()
    account_id = fields.String()
    read = fields.Boolean()
    created_at = fields.String()


class NotificationListOut(Schema):
    notifications = fields.List(fields.Nested(NotificationOut))


class DashboardOut(Schema):
    groups = fields.List(fields.Dict())
    notifications = fields.Dict()
