"""Notify domain: outgoing SMS and e-mail, their delivery record, and the in-app inbox."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from kabinet_vocabulary import DELIVERY_CHANNEL

SMS, EMAIL = DELIVERY_CHANNEL.SMS, DELIVERY_CHANNEL.EMAIL
CHANNELS = (SMS, EMAIL)
PENDING, SENT, FAILED = "pending", "sent", "failed"
ERROR_LIMIT = 1000


def message_id_for(event_id: str, what: str) -> str:
    """A message's id follows from the fact that caused it, so a redelivered fact finds the
    message it already produced instead of producing a second one."""
    return str(uuid.uuid5(uuid.UUID(event_id), what))


@dataclass(frozen=True)
class Outgoing:
    """An SMS or an e-mail to send."""

    message_id: str
    channel: str
    destination: str  # phone (+7...) or e-mail address
    subject: str  # e-mail subject; "" for SMS
    body: str
    purpose: str  # what it is for, e.g. "registration"; never the text, which may hold a code
    link: str = ""  # a confirmation link the text carries, if any (e-mail renders it as a link too)
    html: str = ""  # e-mail: the HTML part as rendered from its template ("" -> made from `body`)
    unsubscribe_url: str = ""  # e-mail: RFC 8058 one-click unsubscribe (List-Unsubscribe); "" for critical ones


class DeliveryFailed(Exception):
    """A delivery adapter could not hand the message over (the reason, without the message text).

    `permanent`: the provider refused this very message (a bad number, a rejected recipient), so
    trying again cannot help; otherwise (network, provider down, throttling) it is worth a retry.
    """

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


@dataclass
class Delivery:
    """Доставка: what happened to one outgoing message, so a failure is visible."""

    message_id: str
    channel: str
    destination: str
    purpose: str
    status: str = PENDING
    attempts: int = 0
    error: str = ""

    @classmethod
    def of(cls, message: Outgoing) -> Delivery:
        return cls(message_id=message.message_id, channel=message.channel, destination=message.destination,
                   purpose=message.purpose)

    def succeeded(self) -> None:
        self.status, self.attempts, self.error = SENT, self.attempts + 1, ""

    def failed(self, error: str) -> None:
        """The last attempt failed and there will be no other: visible as `failed`."""
        self.status, self.attempts, self.error = FAILED, self.attempts + 1, error[:ERROR_LIMIT]

    def will_retry(self, error: str) -> None:
        """An attempt failed and another will follow: stays `pending`, with the reason."""
        self.status, self.attempts, self.error = PENDING, self.attempts + 1, error[:ERROR_LIMIT]


@dataclass(frozen=True)
class InboxMessage:
    """Сообщение в колокольчике: an in-app message to one user."""

    message_id: str
    user_id: str
    category: str  # "readings", "charges", ...
    title: str
    body: str
    created_at: dt.datetime
    account_id: str | None = None
    read: bool = False


@dataclass(frozen=True)
class Queued:
    """An SMS or e-mail of the catalogue waiting in the outgoing queue (table `outgoing`) for the dispatcher,
    which sends it within the provider's rate and, for SMS, outside the quiet hours of `time_zone`."""

    message: Outgoing  # message.purpose is the catalogue kind
    category: str  # the preference category (NOTIFICATION_CATEGORY code)
    user_id: str | None = None  # None: a destination without a cabinet (an anonymous feedback's e-mail)
    time_zone: str = "Europe/Moscow"  # the customer's: their account's supplier's
    not_before: dt.datetime | None = None  # None: as soon as allowed


@dataclass(frozen=True)
class Notice:
    """A fact a customer should hear about, as the catalogue names it: `kind` (a catalogue entry), the
    template parameters, and whom it is for — `user_ids`, or the users bound to `account_id` when no
    user is named, or a bare `email` / `phone` (no cabinet: an anonymous feedback's reply)."""

    kind: str
    event_id: str  # the fact's id: message ids follow from it (exactly once)
    occurred_at: dt.datetime
    params: dict
    user_ids: tuple[str, ...] = ()
    account_id: str | None = None
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class AccountFact:
    """What notify knows of an account (its projection of accounts' facts): the number as printed, the category,
    and its supplier's time zone ("" when the supplier is not known yet)."""

    number: str
    category: str
    time_zone: str
