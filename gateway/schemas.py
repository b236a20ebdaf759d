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
CODE = validate.Regexp(r"^\s*\d{4,8}\s*$", error="Код состоит из цифр.")
SESSION_MODE = validate.OneOf(["token", "cookie"], error="Допустимо: token или cookie.")


def session_mode():
    return field(fields.String, load_default="token", validate=SESSION_MODE,
                 metadata={"description": "token: tokens in the reply (mobile); cookie: a browser session "
                                          "cookie and a CSRF token"})


class CaptchaMixin(Schema):
    captcha_id = field(fields.String, validate=length(max=64))
    captcha_answer = field(fields.String, validate=length(max=16))


class RegisterIn(StrictSchema, CaptchaMixin):
    phone = field(fields.String, validate=length(max=32))
    email = field(fields.String, validate=length(max=254))
    password = field(fields.String, required=True, validate=length(max=128))
    kind = field(fields.String, load_default="person", validate=validate.OneOf(
        ["person", "organization"], error="Допустимо: person или organization."))
    login = field(fields.String, load_default="", validate=length(max=32))
    terms_accepted = field(fields.Boolean, required=True)
    marketing_consent = field(fields.Boolean, load_default=True)

    @validates_schema
    def one_contact(self, data, **_):
        if bool(data.get("phone")) == bool(data.get("email")):
            raise ValidationError("Укажите телефон или адрес электронной почты.", "phone")
        if not data.get("terms_accepted"):
            raise ValidationError("Примите пользовательское соглашение.", "terms_accepted")


class ChallengeOut(Schema):
    code_ttl_seconds = fields.Integer()
    resend_after_seconds = fields.Integer()
    channel = fields.String(metadata={"description": "sms | email | contact"})
    detail = fields.String()


class RegisterOut(Schema):
    registration_id = fields.String()
    code_ttl_seconds = fields.Integer()
    detail = fields.String()


class ConfirmIn(StrictSchema):
    registration_id = field(fields.String, required=True, validate=length(max=64))
    code = field(fields.String, required=True, validate=CODE)


class ConfirmOut(Schema):
    status = fields.String()
    onboarding_required = fields.Boolean()
    login_taken = fields.Boolean()
    detail = fields.String()


class ConfirmLinkIn(StrictSchema):
    token = field(fields.String, required=True, validate=length(min=10, max=200))


class ConfirmLinkOut(ConfirmOut):
    purpose = fields.String()


class ResendIn(StrictSchema):
    challenge_id = field(fields.String, required=True, validate=length(min=1, max=64),
                         metadata={"description": "registration_id, recovery_id or change_id"})


class ResendOut(Schema):
    code_ttl_seconds = fields.Integer()
    resend_after_seconds = fields.Integer()
    detail = fields.String()


class LoginIn(StrictSchema, CaptchaMixin):
    identifier = field(fields.String, required=True, validate=length(min=1, max=254))
    password = field(fields.String, required=True, validate=length(min=1, max=128))
    remember_me = field(fields.Boolean, load_default=False)
    session = session_mode()


class TokensOut(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()
    refresh_token = fields.String()
    refresh_expires_in = fields.Integer()
    session_id = fields.String()
    kind = fields.String()
    onboarding_required = fields.Boolean()
    session = fields.String(metadata={"description": "token | cookie; with cookie only csrf_token, expires_in, "
                                                     "refresh_expires_in, kind and onboarding_required come back"})
    csrf_token = fields.String(metadata={"description": "cookie sessions: send it as X-CSRF-Token"})


class RefreshIn(StrictSchema):
    refresh_token = field(fields.String, validate=length(min=10, max=200),
                          metadata={"description": "bearer clients; a cookie session needs none"})


class LogoutIn(StrictSchema):
    refresh_token = field(fields.String, validate=length(max=200))


class RecoveryIn(StrictSchema, CaptchaMixin):
    identifier = field(fields.String, required=True, validate=length(min=1, max=254))


class RecoveryOut(ChallengeOut):
    recovery_id = fields.String()


class RecoveryConfirmIn(StrictSchema):
    recovery_id = field(fields.String, validate=length(max=64))
    code = field(fields.String, validate=CODE)
    link_token = field(fields.String, validate=length(max=200))
    new_password = field(fields.String, required=True, validate=length(min=1, max=128))

    @validates_schema
    def code_or_link(self, data, **_):
        if not data.get("link_token") and not (data.get("recovery_id") and data.get("code")):
            raise ValidationError("Введите код из сообщения или перейдите по ссылке из письма.", "code")


class PasswordRuleOut(Schema):
    code = fields.String()
    title = fields.String()
    pattern = fields.String(metadata={"description": "JavaScript regular expression for a live tick"})


class PasswordRulesOut(Schema):
    rules = fields.List(fields.Nested(PasswordRuleOut))
    min_length = fields.Integer()
    max_length = fields.Integer()


class ProfileOut(Schema):
    user_id = fields.String()
    kind = fields.String()
    phone = fields.String()
    email = fields.String()
    login = fields.String()
    surname = fields.String()
    first_name = fields.String()
    patronymic = fields.String()
    contact_phone = fields.String()
    marketing_consent = fields.Boolean()
    onboarding_required = fields.Boolean()
    pending_email = fields.String()
    pending_phone = fields.String()
    email_verified = fields.Boolean()
    phone_verified = fields.Boolean()
    terms_version = fields.String()
    roles = fields.List(fields.String())
    has_password = fields.Boolean()


class ProfilePatchIn(StrictSchema):
    surname = field(fields.String, validate=length(max=100))
    first_name = field(fields.String, validate=length(max=100))
    patronymic = field(fields.String, validate=length(max=100))
    contact_phone = field(fields.String, validate=length(max=32))
    marketing_consent = field(fields.Boolean)
    login = field(fields.String, validate=length(min=1, max=32))


class PasswordChangeIn(StrictSchema):
    old_password = field(fields.String, required=True, validate=length(min=1, max=128))
    new_password = field(fields.String, required=True, validate=length(min=1, max=128))
    end_other_sessions = field(fields.Boolean, load_default=True)


class PasswordChangeOut(Schema):
    sessions_ended = fields.Integer()
    detail = fields.String()


class SessionOut(Schema):
    session_id = fields.String()
    device = fields.String()
    ip = fields.String()
    created_at = fields.String()
    last_used_at = fields.String()
    expires_at = fields.String()
    remember_me = fields.Boolean()
    current = fields.Boolean()
    method = fields.String()


class SessionListOut(Schema):
    sessions = fields.List(fields.Nested(SessionOut))


class ContactChangeIn(StrictSchema):
    phone = field(fields.String, validate=length(max=32))
    email = field(fields.String, validate=length(max=254))
    password = field(fields.String, required=True, validate=length(min=1, max=128))

    @validates_schema
    def one_contact(self, data, **_):
        if bool(data.get("phone")) == bool(data.get("email")):
            raise ValidationError("Укажите новый телефон или новый адрес электронной почты.", "phone")


class ContactChangeOut(ChallengeOut):
    change_id = fields.String()


class ContactConfirmIn(StrictSchema):
    change_id = field(fields.String, required=True, validate=length(max=64))
    code = field(fields.String, required=True, validate=CODE)


class SocialStartIn(StrictSchema):
    purpose = field(fields.String, load_default="sign_in", validate=validate.OneOf(
        ["sign_in", "link"], error="Допустимо: sign_in или link."))
    remember_me = field(fields.Boolean, load_default=False)


class SocialStartOut(Schema):
    authorization_url = fields.String()


class ProviderOut(Schema):
    id = fields.String()
    title = fields.String()


class ProviderListOut(Schema):
    providers = fields.List(fields.Nested(ProviderOut))


class SocialIdentityOut(Schema):
    identity_id = fields.String()
    provider = fields.String()
    display_name = fields.String()
    linked_at = fields.String()


class SocialIdentityListOut(Schema):
    identities = fields.List(fields.Nested(SocialIdentityOut))


class StaffLoginIn(StrictSchema):
    login = field(fields.String, required=True, validate=length(min=1, max=64))
    password = field(fields.String, required=True, validate=length(min=1, max=128))
    totp_code = field(fields.String, required=True, validate=validate.Regexp(
        r"^\s*\d{6}\s*$", error="Код из приложения — 6 цифр."))
    session = session_mode()


# --- accounts ---
class LastPaymentIn(StrictSchema):
    date = field(fields.Date, required=True, error_messages={**RU, "invalid": "Дата в формате ГГГГ-ММ-ДД."})
    amount_kop = field(fields.Integer, required=True, strict=True, validate=between(1, 10**12))


PROOFS = ("last_payment", "meter_number", "activation_code")


class ProofIn(StrictSchema):
    last_payment = fields.Nested(LastPaymentIn, metadata={"description": "the last payment (or the one before it "
                                                                         "when the last was a third party's < 14 days ago)"})
    meter_number = field(fields.String, validate=length(min=1, max=40), metadata={"description": "without series"})
    activation_code = field(fields.String, validate=length(min=1, max=40),
                            metadata={"description": "from a service office; case, spaces and dashes ignored"})

    @validates_schema
    def exactly_one(self, data, **_):
        if sum(name in data for name in PROOFS) != 1:
            raise ValidationError("Укажите дату и сумму последней оплаты, номер счётчика или код активации.", "_")


class BindAccountIn(StrictSchema):
    number = field(fields.String, required=True, validate=length(min=1, max=40))
    supplier_id = field(fields.UUID)
    alias = field(fields.String, load_default="", validate=length(max=100))
    group_id = field(fields.UUID, metadata={"description": "one of my groups; default «Моя группа»"})
    proof = fields.Nested(ProofIn, required=True, error_messages=RU)


BILL_DELIVERY = validate.OneOf(["email", "paper_email", "paper"], error="Допустимо: email, paper_email или paper.")


class AccountPatchIn(StrictSchema):
    alias = field(fields.String, validate=length(max=100), metadata={"description": "\"\" clears it"})
    group_id = field(fields.UUID)
    bill_delivery = field(fields.String, validate=BILL_DELIVERY,
                          metadata={"description": "email | paper_email | paper"})

    @validates_schema
    def something(self, data, **_):
        if not data:
            raise ValidationError("Укажите, что изменить.", "_")


class MeterOut(Schema):
    meter_id = fields.String()
    number = fields.String()
    model = fields.String()
    zones = fields.Integer()
    zone_names = fields.List(fields.String())
    digits = fields.Integer()
    ratio = fields.String()
    verification_due = fields.String(allow_none=True, metadata={"description": "YYYY-MM-DD, next verification (поверка)"})


class PremiseOut(Schema):
    address = fields.String()
    area_m2 = fields.String(allow_none=True)
    residents = fields.Integer(allow_none=True)
    stove = fields.String(allow_none=True, metadata={"description": "gas | electric | null"})


class GroupRefOut(Schema):
    group_id = fields.String()
    name = fields.String()


class AccountOut(Schema):
    account_id = fields.String()
    number = fields.String()
    supplier_id = fields.String()
    supplier_name = fields.String()
    address = fields.String()
    holder = fields.String()
    category = fields.String()
    automatic_metering = fields.Boolean(metadata={"description": "АИИС КУЭ: readings arrive automatically"})
    alias = fields.String()
    group = fields.Nested(GroupRefOut)
    bill_delivery = fields.String(metadata={"description": "email | paper_email | paper"})
    premise = fields.Nested(PremiseOut)
    meters = fields.List(fields.Nested(MeterOut))


class AccountListOut(Schema):
    accounts = fields.List(fields.Nested(AccountOut))


class MeterErrorIn(StrictSchema):
    meter_id = field(fields.UUID, metadata={"description": "optional: the meter concerned"})
    description = field(fields.String, required=True, validate=length(min=1, max=2000))


# --- groups ---
class GroupIn(StrictSchema):
    name = field(fields.String, required=True, validate=length(min=1, max=60))


class GroupOut(Schema):
    group_id = fields.String()
    name = fields.String()
    is_default = fields.Boolean()
    account_count = fields.Integer()


class GroupListOut(Schema):
    groups = fields.List(fields.Nested(GroupOut))


class GroupDeletedOut(Schema):
    default_group_id = fields.String(metadata={"description": "where the group's accounts went"})
    moved_accounts = fields.Integer()


# --- contracts ---
CONTRACT_NUMBER = validate.Regexp(r"^[\d\s]{14,30}$", error="Номер договора — 14 цифр.")


class BindContractIn(StrictSchema):
    number = field(fields.String, required=True, validate=CONTRACT_NUMBER)
    email = field(fields.Email, required=True, validate=length(max=254),
                  error_messages={**RU, "invalid": "Неверный адрес электронной почты."})

    @validates_schema
    def fourteen_digits(self, data, **_):
        if "number" in data and len("".join(data["number"].split())) != 14:
            raise ValidationError("Номер договора — 14 цифр.", "number")


class BindContractOut(Schema):
    detail = fields.String()
    link_ttl_seconds = fields.Integer()


class ContractConfirmIn(StrictSchema):
    token = field(fields.String, required=True, validate=length(min=10, max=200))


class ContractConfirmOut(Schema):
    contract_id = fields.String()
    number = fields.String()
    detail = fields.String()


class ContractOut(Schema):
    contract_id = fields.String()
    number = fields.String()
    supplier_id = fields.String()
    supplier_name = fields.String()
    holder = fields.String()
    inn = fields.String()
    address = fields.String()
    emails = fields.List(fields.String())
    bound_at = fields.String(allow_none=True)


class ContractListOut(Schema):
    contracts = fields.List(fields.Nested(ContractOut))


# --- service requests ---
class ServiceRequestIn(StrictSchema):
    account_id = field(fields.UUID, required=True)
    type = field(fields.String, required=True, validate=validate.OneOf(
        ["electrical", "plumbing"], error="Допустимо: electrical или plumbing."))
    description = field(fields.String, required=True, validate=length(min=1, max=2000))
    preferred_from = field(fields.AwareDateTime, error_messages={
        **RU, "invalid": "Время в формате ISO 8601 с часовым поясом.", "invalid_awareness": "Укажите часовой пояс."})
    preferred_to = field(fields.AwareDateTime, error_messages={
        **RU, "invalid": "Время в формате ISO 8601 с часовым поясом.", "invalid_awareness": "Укажите часовой пояс."})

    @validates_schema(skip_on_field_errors=False)
    def window(self, data, **_):
        start, end = data.get("preferred_from"), data.get("preferred_to")
        if start and end and start >= end:
            raise ValidationError("Конец интервала должен быть позже начала.", "preferred_to")


class CancelIn(StrictSchema):
    comment = field(fields.String, load_default="", validate=length(max=2000))


class HistoryOut(Schema):
    status = fields.String()
    comment = fields.String()
    actor = fields.String(metadata={"description": "customer | staff"})
    at = fields.String()


class ServiceRequestOut(Schema):
    request_id = fields.String()
    account_id = fields.String()
    account_number = fields.String()
    type = fields.String(metadata={"description": "electrical | plumbing | meter_data"})
    description = fields.String()
    address = fields.String()
    preferred_from = fields.String(allow_none=True)
    preferred_to = fields.String(allow_none=True)
    meter_id = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "new | accepted | in_progress | done | cancelled"})
    created_at = fields.String()
    updated_at = fields.String()
    history = fields.List(fields.Nested(HistoryOut), metadata={"description": "oldest first; single-item replies only"})


class ServiceRequestListOut(Schema):
    requests = fields.List(fields.Nested(ServiceRequestOut))


# --- staff ---
class StaffSearchIn(StrictSchema):
    number = field(fields.String, validate=length(min=1, max=40))
    address = field(fields.String, validate=length(min=3, max=200))
    holder = field(fields.String, validate=length(min=3, max=200))
    meter_number = field(fields.String, validate=length(min=1, max=40))
    user_id = field(fields.UUID)
    phone = field(fields.String, validate=length(max=32))
    limit = field(fields.Integer, load_default=50, validate=between(1, 200))

    @validates_schema
    def some_filter(self, data, **_):
        if not any(data.get(k) for k in ("number", "address", "holder", "meter_number", "user_id", "phone")):
            raise ValidationError("Укажите номер счёта, адрес, ФИО, номер счётчика или телефон.", "_")


class BindingOut(Schema):
    user_id = fields.String()
    bound_at = fields.String()
    alias = fields.String()


class StaffAccountOut(Schema):
    account_id = fields.String()
    number = fields.String()
    supplier_id = fields.String()
    supplier_name = fields.String()
    address = fields.String()
    holder = fields.String()
    category = fields.String()
    automatic_metering = fields.Boolean()
    bill_delivery = fields.String()
    premise = fields.Nested(PremiseOut)
    meters = fields.List(fields.Nested(MeterOut))
    bindings = fields.List(fields.Nested(BindingOut))


class StaffAccountListOut(Schema):
    accounts = fields.List(fields.Nested(StaffAccountOut))


class MeterCorrectionIn(StrictSchema):
    number = field(fields.String, validate=length(min=1, max=40))
    model = field(fields.String, validate=length(min=1, max=100))
    zones = field(fields.Integer, strict=True, validate=between(1, 3))
    digits = field(fields.Integer, strict=True, validate=between(4, 9))
    ratio = field(fields.String, validate=validate.Regexp(r"^\d{1,6}([.,]\d{1,4})?$", error="Неверный коэффициент."))
    verification_due = field(fields.String, validate=validate.Regexp(
        r"^(\d{4}-\d{2}-\d{2})?$", error="Дата в формате ГГГГ-ММ-ДД."), metadata={"description": "\"\" clears it"})
    reason = field(fields.String, required=True, validate=length(min=3, max=500),
                   metadata={"description": "goes to the audit log"})


class ActivationCodeOut(Schema):
    account_id = fields.String()
    code = fields.String(metadata={"description": "shown once; single use"})
    expires_at = fields.String()


class StaffRequestListIn(StrictSchema):
    status = field(fields.String, validate=validate.OneOf(
        ["new", "accepted", "in_progress", "done", "cancelled"], error="Неизвестный статус."))
    type = field(fields.String, validate=validate.OneOf(
        ["electrical", "plumbing", "meter_data"], error="Неизвестный тип заявки."))
    account_id = field(fields.UUID)
    limit = field(fields.Integer, load_default=100, validate=between(1, 500))


class StaffRequestUpdateIn(StrictSchema):
    status = field(fields.String, required=True, validate=validate.OneOf(
        ["accepted", "in_progress", "done", "cancelled"], error="Допустимо: accepted, in_progress, done, cancelled."))
    comment = field(fields.String, load_default="", validate=length(max=2000))


class StaffServiceRequestOut(ServiceRequestOut):
    user_id = fields.String(metadata={"description": "the cabinet that filed it"})


class StaffServiceRequestListOut(Schema):
    requests = fields.List(fields.Nested(StaffServiceRequestOut))


class AuditListIn(StrictSchema):
    entity = field(fields.String, validate=length(max=40))
    entity_id = field(fields.String, validate=length(max=64))
    actor_id = field(fields.String, validate=length(max=64))
    limit = field(fields.Integer, load_default=100, validate=between(1, 1000))


class AuditEntryOut(Schema):
    id = fields.Integer()
    at = fields.String()
    actor_id = fields.String()
    action = fields.String()
    entity = fields.String()
    entity_id = fields.String()
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)


class AuditListOut(Schema):
    entries = fields.List(fields.Nested(AuditEntryOut))


class RejectedRowOut(Schema):
    line = fields.Integer()
    reason = fields.String()


class FileReportOut(Schema):
    kind = fields.String(metadata={"description": "accounts | meters | payments | contracts"})
    rows = fields.Integer()
    inserted = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    closed = fields.Integer(metadata={"description": "meters closed because the file no longer lists them"})
    rejected = fields.List(fields.Nested(RejectedRowOut))


class RegistryReportOut(Schema):
    files = fields.List(fields.Nested(FileReportOut))
    changed_accounts = fields.Integer()


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
    groups = fields.List(fields.Dict(), metadata={"description": "groups (empty ones too) -> accounts, each with "
                                                                "balance, last_charge, last_reading; a part that "
                                                                "could not be fetched is {\"unavailable\": true}"})
    contracts = fields.Raw(metadata={"description": "list of contracts, or {\"unavailable\": true}"})
    notifications = fields.Dict()
