"""SMS readings, as auth sees them: whose verified phone sent this SMS (readings asks, with the SMS gateway's
partner token that the gateway got for the signed delivery)."""

from __future__ import annotations

from kit.context import Caller
from kit.errors import DomainError, Forbidden, NotFound
from services.auth.domain.contacts import normalize_phone
from services.auth.domain.users import KINDS

SMS_GATEWAY = "sms_gateway"  # the partner kind of SMS gateways (domain/partners.py:KINDS)
ACTIVE = "active"  # a user whose first contact was confirmed


def user_not_found() -> NotFound:
    """The one answer for a phone that is unknown, unverified, malformed or not a customer's."""
    return NotFound("Пользователь не найден.", code="user_not_found")


def find_user_by_phone(uow, caller: Caller | None, *, phone: str) -> tuple[str, str]:
    """(user id, the phone normalised) of the active customer whose verified sign-in phone this is. Only an SMS
    gateway asks: a customer or a stranger holding a token must not learn whose a phone is."""
    if caller is None or caller.kind != "partner" or SMS_GATEWAY not in caller.roles:
        raise Forbidden("Доступно только SMS-шлюзам.", code="partner_only")
    try:
        phone = normalize_phone(phone)
    except DomainError:
        raise user_not_found() from None
    with uow:
        user = uow.users.by("phone", phone)  # users.phone is set only once a code confirmed it
    if user is None or user.kind not in KINDS or user.status != ACTIVE:
        raise user_not_found()
    return user.user_id, phone
