"""One-click unsubscribe (RFC 8058): the signed token of an e-mail's List-Unsubscribe link.

The token names the user, the category, the channel (e-mail) and the message it came in, signed with
HMAC-SHA256 under KABINET_UNSUBSCRIBE_SECRET: nobody can make one for another user or category, and the message id
lets each link work once. It does not expire (a letter may be read months later); it only ever switches e-mails
of its one category off.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from kit.errors import InvalidInput
from services.notify.domain.model import EMAIL

VERSION = "u1"
DEV_UNSUBSCRIBE_SECRET = "dev-unsubscribe-secret"  # the dev and test profiles' KABINET_UNSUBSCRIBE_SECRET
UNSUBSCRIBE_PATH = "/api/v1/notifications/unsubscribe"  # the List-Unsubscribe header's: a mail client POSTs it
UNSUBSCRIBE_PAGE = "/unsubscribe"  # the letter's own link: the cabinet's page says what it does and asks first


@dataclass(frozen=True)
class Unsubscription:
    user_id: str
    category: str
    channel: str
    message_id: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class UnsubscribeSigner:
    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("the unsubscribe secret is empty")
        self._key = hashlib.sha256(f"kabinet-unsubscribe:{secret}".encode()).digest()

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()

    def sign(self, u: Unsubscription) -> str:
        payload = "|".join((VERSION, u.user_id, u.category, u.channel, u.message_id)).encode()
        return f"{_b64(payload)}.{_b64(self._mac(payload))}"

    def verify(self, token: str) -> Unsubscription:
        """The token's unsubscription; InvalidInput "unsubscribe_invalid" for anything we did not sign."""
        try:
            body, mac = token.strip().split(".")
            payload = _unb64(body)
            good = hmac.compare_digest(_unb64(mac), self._mac(payload))
            version, user_id, category, channel, message_id = payload.decode().split("|")
            uuid.UUID(user_id), uuid.UUID(message_id)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            good = False
        if not good or version != VERSION or channel != EMAIL:
            raise InvalidInput("Ссылка для отписки повреждена или устарела.", code="unsubscribe_invalid")
        return Unsubscription(user_id, category, channel, message_id)


@dataclass(frozen=True)
class Links:
    """Where links in the catalogue's messages point: the cabinet, and the signed unsubscribe links."""

    public_url: str
    signer: UnsubscribeSigner

    @property
    def cabinet(self) -> str:
        return self.public_url.rstrip("/")

    def unsubscribe_links(self, *, user_id: str, category: str, message_id: str) -> tuple[str, str]:
        """(the one-click URL for the List-Unsubscribe header, the page a person opens from the letter): one
        token in both."""
        query = urlencode({"token": self.signer.sign(Unsubscription(user_id, category, EMAIL, message_id))})
        return f"{self.cabinet}{UNSUBSCRIBE_PATH}?{query}", f"{self.cabinet}{UNSUBSCRIBE_PAGE}?{query}"
