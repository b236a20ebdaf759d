"""Social sign-in through OpenID Connect, only for identities linked beforehand in the profile."""

from __future__ import annotations

import dataclasses
import logging
import secrets
import uuid

from kit.context import Caller
from kit.errors import InvalidInput, NotFound, Unauthenticated, Unavailable
from kit.ids import is_uuid
from services.auth.adapters import crypto
from services.auth.adapters.oidc import OidcClient, OidcError
from services.auth.domain.sessions import TokenPair
from services.auth.domain.social import (
    FLOW_TTL,
    IdentityProvider,
    OidcFlow,
    SocialIdentity,
    check_link,
    check_linked,
    check_start,
    invalid_state,
    title,
)
from services.auth.service_layer.context import now
from services.auth.service_layer.sessions import live_session, open_session

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class SocialStart:
    authorization_url: str         # send the browser here
    state: str


@dataclasses.dataclass(frozen=True)
class SocialResult:
    purpose: str                   # "sign_in" | "link"
    tokens: TokenPair | None = None
    linked: SocialIdentity | None = None


class SocialSignIn:
    """The configured providers and the two halves of the flow."""

    def __init__(self, providers: dict) -> None:
        self.providers = providers
        self.clients = {name: OidcClient(cfg) for name, cfg in providers.items()}

    def list_providers(self) -> list[IdentityProvider]:
        return [IdentityProvider(name, cfg.title or title(name)) for name, cfg in sorted(self.providers.items())]

    def start(self, uow, caller: Caller | None, *, provider: str, redirect_uri: str, purpose: str) -> SocialStart:
        client = self._client(provider)
        check_start(purpose, redirect_uri, self.providers[provider].redirect_uris, caller.kind if caller else None)
        state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(48)
        try:
            url = client.authorization_url(redirect_uri=redirect_uri, state=state, nonce=nonce, code_verifier=verifier)
        except Exception as exc:  # noqa: BLE001 - discovery failed: the provider is down
            log.warning("oidc discovery failed for %s: %s", provider, exc)
            raise Unavailable("Сервис входа временно недоступен.", code="provider_unavailable") from None
        with uow:
            if caller is not None and purpose == "link":
                live_session(uow, caller)
            uow.social.add_flow(OidcFlow(
                state_hash=crypto.token_digest(state), provider=provider, purpose=purpose,
                user_id=caller.user_id if purpose == "link" else None, redirect_uri=redirect_uri, nonce=nonce,
                code_verifier=verifier, expires_at=now() + FLOW_TTL))
            uow.commit()
        return SocialStart(url, state)

    def complete(self, uow, caller: Caller | None, *, state: str, code: str, remember_me: bool, device: str,
                 ip: str) -> SocialResult:
        at = now()
        with uow:  # the state is single use: spend it before talking to the provider
            flow = uow.social.flow(crypto.token_digest(state or ""))
            if flow is None:
                raise invalid_state()
            flow.check_completable(caller.user_id if caller else None, at)
            uow.social.spend_flow(flow, at)
            uow.commit()
        try:
            identity = self._client(flow.provider).identity(
                code=code, redirect_uri=flow.redirect_uri, code_verifier=flow.code_verifier, nonce=flow.nonce)
        except OidcError as exc:
            log.warning("oidc sign-in failed for %s: %s", flow.provider, exc)
            raise Unauthenticated("Не удалось подтвердить вход через внешний сервис.",
                                  code="social_login_failed") from None
        if flow.purpose == "link":
            return SocialResult("link", linked=self._link(uow, flow, identity, at))
        return SocialResult("sign_in", tokens=self._sign_in(uow, flow.provider, identity, remember_me=remember_me,
                                                             device=device, ip=ip))

    def _sign_in(self, uow, provider: str, identity, **session) -> TokenPair:
        with uow:
            linked = check_linked(uow.social.identity(provider, identity.subject), provider)
            user = uow.users.get(linked.user_id)
            user.check_may_sign_in()
            pair = open_session(uow, user, method=f"social:{provider}", **session)
            uow.commit()
        return pair

    def _link(self, uow, flow: OidcFlow, identity, at) -> SocialIdentity:
        with uow:
            linked = uow.social.identity(flow.provider, identity.subject)
            if check_link(linked, flow.user_id):
                linked = SocialIdentity(identity_id=str(uuid.uuid4()), user_id=flow.user_id, provider=flow.provider,
                                        subject=identity.subject, display_name=identity.display_name, linked_at=at)
                uow.social.link(linked)
                uow.commit()
        return linked

    def list_identities(self, uow, caller: Caller) -> list[SocialIdentity]:
        with uow:
            live_session(uow, caller)
            return uow.social.identities(caller.user_id)

    def unlink(self, uow, caller: Caller, identity_id: str) -> None:
        with uow:
            live_session(uow, caller)
            if not is_uuid(identity_id) or not uow.social.unlink(caller.user_id, identity_id):
                raise NotFound("Привязка не найдена.", code="social_identity_not_found")
            uow.commit()

    def _client(self, provider: str) -> OidcClient:
        client = self.clients.get(provider)
        if client is None:
            raise InvalidInput("Этот способ входа не настроен.", code="unknown_provider",
                               fields={"provider": "Неизвестный провайдер."})
        return client
