"""The public shapes that more than one resource returns (an account card, a reading, a balance …).

A shape used by one resource lives in that resource's module under gateway/api/;
the ones here are shared, because the dashboard and the staff tools show them too.
Each dumps the service's protobuf reply directly (see gateway/schema.py).
"""

from __future__ import annotations

import kabinet_vocabulary as vocab
from flask import current_app, request
from marshmallow import Schema, fields

from gateway.schema import (
    SECRET,
    Inline,
    IntOrNone,
    OrNone,
    Scaled,
    StrictSchema,
    Timestamp,
    ZoneValues,
    capped,
    field,
)
from kit.errors import InvalidInput

# --- accounts ---


class MeterOut(Schema):
    meter_id = fields.String()
    number = fields.String()
    model = fields.String()
    zones = fields.Integer()
    zone_names = fields.List(fields.String(metadata={"enum": list(vocab.ZONE.codes)}),
                             metadata={"description": "the keys of this meter's readings, in reading order"})
    digits = fields.Integer()
    ratio = fields.String(metadata={"description": "КТ, the transformation coefficient"})
    verification_due = OrNone(allow_none=True, metadata={"description": "YYYY-MM-DD, next verification (поверка)"})


class PremiseOut(Schema):
    address = fields.String()
    area_m2 = OrNone(attribute="premise.area_m2", allow_none=True)
    residents = IntOrNone(attribute="premise.residents", allow_none=True)
    stove = OrNone(attribute="premise.stove", allow_none=True, metadata={"description": "gas | electric | null"})


class GroupRefOut(Schema):
    group_id = fields.String()
    name = fields.String(attribute="group_name")


class AccountFactsOut(Schema):
    """What the supplier knows of a лицевой счёт (the same for every cabinet that holds it)."""

    account_id = fields.String()
    number = fields.String()
    supplier_id = fields.String()
    supplier_name = fields.String()
    address = fields.String()
    holder = fields.String()
    category = fields.String()
    automatic_metering = fields.Boolean(metadata={"description": "АИИС КУЭ: readings arrive automatically"})
    bill_delivery = fields.String(metadata={"enum": list(vocab.BILL_DELIVERY.codes)})
    premise = Inline(PremiseOut)
    meters = fields.List(fields.Nested(MeterOut))


class AccountOut(AccountFactsOut):
    """A лицевой счёт in my cabinet: the facts plus my alias and group."""

    alias = fields.String()
    group = Inline(GroupRefOut)


class HistoryOut(Schema):
    status = fields.String(metadata={"enum": list(vocab.SERVICE_REQUEST_STATUS.codes)})
    comment = fields.String()
    actor = fields.String(metadata={"description": "customer | staff"})
    at = fields.String()


class ServiceRequestOut(Schema):
    request_id = fields.String()
    account_id = fields.String()
    account_number = fields.String()
    type = fields.String(metadata={"enum": list(vocab.SERVICE_REQUEST_TYPE.codes)})
    description = fields.String()
    address = fields.String()
    preferred_from = OrNone(allow_none=True)
    preferred_to = OrNone(allow_none=True)
    meter_id = OrNone(allow_none=True)
    status = fields.String(metadata={"enum": list(vocab.SERVICE_REQUEST_STATUS.codes)})
    created_at = fields.String()
    updated_at = fields.String()
    history = fields.List(fields.Nested(HistoryOut), metadata={"description": "oldest first; single-item replies only"})


class ContractOut(Schema):
    contract_id = fields.String()
    number = fields.String()
    supplier_id = fields.String()
    supplier_name = fields.String()
    holder = fields.String()
    inn = fields.String()
    address = fields.String()
    emails = fields.List(fields.String())
    bound_at = OrNone(allow_none=True)


# --- readings and money ---

class ReadingOut(Schema):
    reading_id = fields.String()
    account_id = fields.String()
    meter_id = fields.String()
    values = ZoneValues(metadata={"description": "zone -> reading, kWh with up to 3 decimals"})
    consumption = ZoneValues(metadata={"description": "zone -> kWh since the previous reading"})
    source = fields.String(metadata={"enum": list(vocab.READING_SOURCE.codes)})
    status = fields.String(metadata={"enum": list(vocab.READING_STATUS.codes),
                                     "description": "accepted → billed (taken into the billing run) / superseded "
                                                    "(corrected) / rejected"})
    taken_at = Timestamp(allow_none=True)
    period = fields.String(metadata={"description": "YYYY-MM: the billing month the reading counts for"})
    flagged = fields.Boolean(metadata={"description": "confirmed despite the plausibility check: staff will look"})
    flag_reason = fields.String()
    corrects = fields.String(metadata={"description": "the reading_id this one corrected, \"\" if none"})
    reason = fields.String(metadata={"description": "a staff correction's reason"})
    status_title = fields.Function(
        lambda r: vocab.READING_STATUS.title(r.status) if r.status in vocab.READING_STATUS else "",
        metadata={"type": "string", "description": "the status as shown: «Принято», «Учтено в начислении», "
                                                   "«Исправлено», «Отклонено»"})
    review = fields.String(metadata={"enum": ["", "accepted", "rejected"],
                                     "description": "staff's decision on a flagged reading (\"\" none)"})
    review_reason = fields.String(metadata={"description": "why: a rejection's reason, shown to the customer"})
    reviewed_at = Timestamp(allow_none=True)


class BalanceOut(Schema):
    account_id = fields.String()
    balance_kop = fields.Integer(metadata={"description": "positive: overpayment; negative: debt"})
    state = fields.String(metadata={"enum": list(vocab.BALANCE_STATE.codes)})
    amount_due_kop = fields.Integer(metadata={"description": "к оплате: energy + penalties"})
    energy_kop = fields.Integer(metadata={"description": "the energy bucket's balance (negative: debt)"})
    penalties_kop = fields.Integer(metadata={"description": "the penalties bucket's balance (negative: пени owed)"})
    amount_due_energy_kop = fields.Integer()
    amount_due_penalties_kop = fields.Integer(metadata={"description": "payable separately; an energy "
                                                                       "overpayment does not pay them"})
    overdue_kop = fields.Integer(metadata={"description": "energy debt past its due date"})
    overdue = fields.Function(lambda balance: balance.overdue_kop > 0, metadata={
        "type": "boolean", "description": "overdue_kop > 0: the orange «!»"})
    due_on = OrNone(allow_none=True, metadata={"description": "YYYY-MM-DD: when the oldest unpaid energy debt is "
                                                             "due; null when none"})
    overdue_since = OrNone(allow_none=True, metadata={"description": "YYYY-MM-DD: the due date of the oldest "
                                                                    "overdue debt; null when none"})


class ChargeLineOut(Schema):
    zone = fields.String(metadata={"enum": list(vocab.ZONE.codes)})
    consumption = fields.String()
    price_rub_per_kwh = Scaled(10000, attribute="price_kop_per_kwh_x100")
    amount_kop = fields.Integer()


class ChargeOut(Schema):
    charge_id = fields.String()
    kind = fields.String()
    amount_kop = fields.Integer()
    reading_id = fields.String()
    lines = fields.List(fields.Nested(ChargeLineOut))
    posted_at = Timestamp(allow_none=True)


class NotificationOut(Schema):
    id = fields.String(attribute="message_id")
    category = fields.String()
    title = fields.String()
    body = fields.String()
    account_id = fields.String()
    read = fields.Boolean()
    created_at = Timestamp(allow_none=True)


# --- identity ---

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
    refresh_token = field(fields.String, validate=capped(SECRET),
                          metadata={"description": "bearer clients; a cookie session needs none"})


class LogoutIn(StrictSchema):
    refresh_token = field(fields.String, validate=capped(SECRET))


# ChallengeOut.detail: what was sent, by channel ("contact": auth decided, and never says whether it sent)
SENT = {"sms": "Мы отправили код в SMS.", "email": "Мы отправили письмо с кодом и ссылкой.",
        "contact": "Если такой пользователь есть, мы отправили ему код или ссылку."}


class ChallengeOut(Schema):
    """A code (or link) was sent: how long it lives and when another may be asked for."""

    code_ttl_seconds = fields.Integer()
    resend_after_seconds = fields.Integer()
    channel = fields.String(metadata={"description": "sms | email | contact"})
    detail = fields.String()


# --- bank registries (the partner API and the staff tools) ---

class BankRegistryOut(Schema):
    registry_id = fields.String()
    partner_id = fields.String()
    supplier_id = fields.String()
    source = fields.String(metadata={"enum": ["partner", "staff"]})
    uploaded_by = fields.String()
    registry_date = fields.String(metadata={"description": "YYYY-MM-DD"})
    sha256 = fields.String()
    rows = fields.Integer()
    total_kop = fields.Integer()
    status = fields.String()
    created_at = Timestamp()
    matched = fields.Integer()
    missing_in_ledger = fields.Integer(metadata={"description": "rows without the bank's payment: posted or listed"})
    posted = fields.Integer(metadata={"description": "of those, posted now"})
    missing_in_registry = fields.Integer(metadata={"description": "the bank's payments of the day not in the file"})
    amount_mismatch = fields.Integer()
    matched_kop = fields.Integer()
    posted_kop = fields.Integer()
    replayed = fields.Boolean(metadata={"description": "true: the same file again, the first result"})


def bank_registry_file() -> bytes:
    """The bank registry of a multipart body, the part `registry` and nothing else; the route alone takes bodies
    up to KABINET_REGISTRY_MAX_BYTES (set before the body is read)."""
    request.max_content_length = current_app.config["KABINET"].registry_max_bytes
    request.max_form_memory_size = 1024 * 1024
    upload = request.files.get("registry")
    if upload is None or set(request.files) - {"registry"} or request.form:
        raise InvalidInput("Приложите файл реестра (часть registry).", code="registry_empty")
    return upload.read()
