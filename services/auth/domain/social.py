"""Social sign-in (OpenID Connect: VK ID, Яндекс ID, Госуслуги, Google): an identity signs in
only once a signed-in customer has linked it; it never creates an account."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kit.errors import Conflict, InvalidInput, Unauthenticated

FLOW_TTL = dt.timedelta(minutes=10)           # state, nonce and PKCE verifier: single use, this long
PURPOSES = ("sign_in", "link")
TITLES = {"vk": "VK ID", "yandex": "Яндекс ID", "esia": "Госуслуги", "google": "Google", "sim": "Тестовый провайдер"}


def invalid_state() -> Unauthenticated:
    return Unauthenticated("Вход через внешний сервис не удался, начните заново.", code="invalid_state")


def title(provider: str) -> str:
    return TITLES.get(provider, provider)


def check_start(purpose: str, redirect_uri: str, allowed_redirects: list[str], caller_kind: str | None) -> None:
    """sign_in is public; link needs a signed-in customer; the callback must be on the allow-list."""
    if purpose not in PURPOSES:
        raise InvalidInput("Неизвестное назначение.", code="invalid_purpose",
                           fields={"purpose": "Допустимо: sign_in или link."})
    if redirect_uri not in allowed_redirects:
        raise InvalidInput("Недопустимый адрес возврата.", code="invalid_redirect_uri")
    if purpose == "link" and (caller_kind is None or caller_kind == "staff"):
        raise Unauthenticated()


@dataclass(frozen=True)
class IdentityProvider:
    id: str
    title: str


@dataclass
class OidcFlow:
    """One authorization request in flight."""

    state_hash: str
    provider: str
    purpose: str                              # sign_in | link
    user_id: str | None                       # link: who started it
    redirect_uri: str
    nonce: str
    code_verifier: str
    expires_at: dt.datetime
    used_at: dt.datetime | None = None

    def check_completable(self, caller_user_id: str | None, at: dt.datetime) -> None:
        """Single use, within FLOW_TTL, and a link flow only by the user who started it."""
        if self.used_at is not None or self.expires_at <= at:
            raise invalid_state()
        if self.purpose == "link" and caller_user_id != self.user_id:
            raise invalid_state()


@dataclass(frozen=True)
class SocialIdentity:
    identity_id: str
    user_id: str
    provider: str
    subject: str                              # the provider's "sub"
    display_name: str                         # e-mail or name the provider gave
    linked_at: dt.datetime


def check_link(linked: SocialIdentity | None, user_id: str) -> bool:
    """An identity belongs to one account; True when it still has to be linked to `user_id`."""
    if linked is not None and linked.user_id != user_id:
        raise Conflict("Этот аккаунт уже привязан к другому личному кабинету.", code="social_identity_taken")
    return linked is None


def check_linked(linked: SocialIdentity | None, provider: str) -> SocialIdentity:
    """Sign-in works only for an identity linked beforehand."""
    if linked is None:
        raise Unauthenticated(
            f"Этот аккаунт {title(provider)} не привязан к личному кабинету. Войдите по "
            "телефону, e-mail или логину и привяжите его в профиле.", code="social_identity_not_linked")
    return linked
