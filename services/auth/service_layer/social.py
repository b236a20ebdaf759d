"""Social sign-in through OpenID Connect, only for identities linked beforehand in the profile."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import uuid

from kabinet.auth.v1 import auth_pb2 as pb

from kit.context import Caller
from kit.errors import Conflict, InvalidInput, NotFound, Unauthenticated, Unavailable
from services.auth.adapters import crypto
from services.auth.adapters.oidc import OidcClient, OidcError
from services.auth.service_layer.challenges import now
from services.auth.service_layer.handlers import check_can_sign_in, live_session, open_session

log = logging.getLogger(__name__)
FLOW_TTL = dt.timedelta(minutes=10)
TITLES = {"vk": "VK ID", "yandex": "Яндекс ID", "esia": "Госуслуги", "google": "Google", "sim": "Тестовый провайдер"}
PURPOSES = ("sign_in", "link")


def invalid_state() -> Unauthenticated:
    return Unauthenticated("Вход через внешний сервис не удался, начните заново.", code="invalid_state")


class SocialSignIn:
    """The configured providers and the two halves of the flow."""

    def __init__(self, providers: dict) -> None:
        self.providers = providers
        self.clients = {name: OidcClient(cfg) for name, cfg in providers.items()}

    def list_providers(self) -> pb.IdentityProviderList:
        return pb.IdentityProviderList(providers=[
            pb.IdentityProvider(id=name, title=cfg.title or TITLES.get(name, name))
            for name, cfg in sorted(self.providers.items())])

    def start(self, uow, caller: Caller | None, *, provider: str, redirect_uri: str,
              purpose: str) -> pb.StartSocialLoginReply:
        client = self._client(provider)
        if purpose not in PURPOSES:
            raise InvalidInput("Неизвестное назначение.", code="invalid_purpose", fields={"purpose": "sign_in или link"})
        if redirect_uri not in self.providers[provider].redirect_uris:
            raise InvalidInput("Недопустимый адрес возврата.", code="invalid_redirect_uri")
        if purpose == "link" and (caller is None or caller.kind == "staff"):
            raise Unauthenticated()
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
            uow.auth.add_flow(state_hash=crypto.token_digest(state), provider=provider, purpose=purpose,
                              user_id=caller.user_id if purpose == "link" else None, redirect_uri=redirect_uri,
                              nonce=nonce, code_verifier=verifier, expires_at=now() + FLOW_TTL)
            uow.commit()
        return pb.StartSocialLoginReply(authorization_url=url, state=state)

    def complete(self, uow, caller: Caller | None, *, state: str, code: str, remember_me: bool, device: str,
                 ip: str) -> pb.CompleteSocialLoginReply:
        at = now()
        with uow:  # the state is single use: spend it before talking to the provider
            flow = uow.auth.flow(crypto.token_digest(state or ""))
            if flow is None or flow["used_at"] is not None or flow["expires_at"] <= at:
                raise invalid_state()
            if flow["purpose"] == "link" and (caller is None or caller.user_id != flow["user_id"]):
                raise invalid_state()
            uow.auth.spend_flow(flow["state_hash"], at)
            uow.commit()
        try:
            identity = self._client(flow["provider"]).identity(
                code=code, redirect_uri=flow["redirect_uri"], code_verifier=flow["code_verifier"], nonce=flow["nonce"])
        except OidcError as exc:
            log.warning("oidc sign-in failed for %s: %s", flow["provider"], exc)
            raise Unauthenticated("Не удалось подтвердить вход через внешний сервис.",
                                  code="social_login_failed") from None
        if flow["purpose"] == "link":
            return pb.CompleteSocialLoginReply(purpose="link", linked=self._link(uow, flow, identity, at))
        return pb.CompleteSocialLoginReply(purpose="sign_in", tokens=self._sign_in(
            uow, flow["provider"], identity, remember_me=remember_me, device=device, ip=ip))

    def _sign_in(self, uow, provider: str, identity, **session) -> pb.TokenPair:
        with uow:
            linked = uow.auth.social_identity(provider, identity.subject)
            if linked is None:
                raise Unauthenticated(
                    f"Этот аккаунт {TITLES.get(provider, provider)} не привязан к личному кабинету. Войдите по "
                    "телефону, e-mail или логину и привяжите его в профиле.", code="social_identity_not_linked")
            user = uow.auth.user(linked["user_id"])
            check_can_sign_in(user)
            pair = open_session(uow, user, method=f"social:{provider}", **session)
            uow.commit()
        return pair

    def _link(self, uow, flow, identity, at) -> pb.SocialIdentity:
        with uow:
            linked = uow.auth.social_identity(flow["provider"], identity.subject)
            if linked is not None and linked["user_id"] != flow["user_id"]:
                raise Conflict("Этот аккаунт уже привязан к другому личному кабинету.", code="social_identity_taken")
            if linked is None:
                identity_id = str(uuid.uuid4())
                uow.auth.add_social_identity(identity_id=identity_id, user_id=flow["user_id"],
                                             provider=flow["provider"], subject=identity.subject,
                                             display_name=identity.display_name, linked_at=at)
                uow.commit()
                linked = uow.auth.social_identity(flow["provider"], identity.subject)
        return _identity(linked)

    def list_identities(self, uow, caller: Caller) -> pb.SocialIdentityList:
        with uow:
            live_session(uow, caller)
            return pb.SocialIdentityList(identities=[_identity(r) for r in uow.auth.social_identities(caller.user_id)])

    def unlink(self, uow, caller: Caller, identity_id: str) -> None:
        with uow:
            live_session(uow, caller)
            try:
                uuid.UUID(identity_id)
            except ValueError:
                raise NotFound("Привязка не найдена.", code="social_identity_not_found") from None
            if not uow.auth.remove_social_identity(caller.user_id, identity_id):
                raise NotFound("Привязка не найдена.", code="social_identity_not_found")
            uow.commit()

    def _client(self, provider: str) -> OidcClient:
        client = self.clients.get(provider)
        if client is None:
            raise InvalidInput("Этот способ входа не настроен.", code="unknown_provider",
                               fields={"provider": "Неизвестный провайдер."})
        return client


def _identity(row) -> pb.SocialIdentity:
    return pb.SocialIdentity(identity_id=row["identity_id"], provider=row["provider"],
                             display_name=row["display_name"],
                             linked_at=row["linked_at"].astimezone(dt.UTC).isoformat().replace("+00:00", "Z"))
