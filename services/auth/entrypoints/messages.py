"""Domain results -> auth.proto replies. The only place (with adapters/events.py) that builds them."""

from __future__ import annotations

import datetime as dt

from kabinet.auth.v1 import auth_pb2 as pb

from services.auth.domain.challenges import Started
from services.auth.domain.passwords import MAX_LENGTH, MIN_LENGTH, RULES
from services.auth.domain.sessions import ACCESS_TTL_SECONDS, Session, TokenPair
from services.auth.domain.social import IdentityProvider, SocialIdentity
from services.auth.domain.users import Profile


def rfc3339(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def started(reply_class, result: Started, id_field: str | None = None):
    """RegisterReply, StartRecoveryReply, StartContactChangeReply and ResendCodeReply share these."""
    values = {"code_ttl_seconds": result.ttl_seconds, "resend_after_seconds": result.resend_after_seconds}
    if id_field:
        values[id_field] = result.challenge_id
    if "channel" in reply_class.DESCRIPTOR.fields_by_name:
        values["channel"] = result.channel
    return reply_class(**values)


def password_rules() -> pb.PasswordRules:
    return pb.PasswordRules(rules=[pb.PasswordRule(code=r.code, title=r.title, pattern=r.pattern) for r in RULES],
                            min_length=MIN_LENGTH, max_length=MAX_LENGTH)


def sign_in(result: TokenPair | Started) -> pb.TokenPair:
    """Login: the tokens, or the step-up challenge in their place."""
    if isinstance(result, Started):
        return pb.TokenPair(step_up=pb.LoginStepUp(
            step_up_id=result.challenge_id, channel=result.channel, code_ttl_seconds=result.ttl_seconds,
            resend_after_seconds=result.resend_after_seconds))
    return token_pair(result)


def ended(reply_class, session_ids: list[str], **values):
    """A reply of an RPC that ends sessions: which, and how long their access tokens may still verify."""
    return reply_class(ended_session_ids=session_ids, access_ttl_seconds=ACCESS_TTL_SECONDS, **values)


def token_pair(pair: TokenPair) -> pb.TokenPair:
    return pb.TokenPair(access_token=pair.access_token, access_expires_in=pair.access_expires_in,
                        refresh_token=pair.refresh_token, refresh_expires_in=pair.refresh_expires_in,
                        session_id=pair.session_id, remember_me=pair.remember_me,
                        onboarding_required=pair.onboarding_required, kind=pair.kind, roles=list(pair.roles))


def session_list(sessions: list[Session], current_session_id: str) -> pb.SessionList:
    return pb.SessionList(sessions=[pb.Session(
        session_id=s.session_id, device=s.device, ip=s.ip, created_at=rfc3339(s.created_at),
        last_used_at=rfc3339(s.last_used_at), expires_at=rfc3339(s.expires_at), remember_me=s.remember,
        current=s.session_id == current_session_id, method=s.method) for s in sessions])


def profile(result: Profile) -> pb.Profile:
    user = result.user
    return pb.Profile(
        user_id=user.user_id, kind=user.kind, phone=user.phone or "", email=user.email or "",
        login=user.login or "", surname=user.surname or "", first_name=user.first_name or "",
        patronymic=user.patronymic or "", contact_phone=user.contact_phone or "",
        marketing_consent=user.marketing_consent, onboarding_required=user.onboarding_required,
        pending_email=result.pending_email, pending_phone=result.pending_phone,
        email_verified=bool(user.email), phone_verified=bool(user.phone), terms_version=user.terms_version or "",
        roles=list(user.roles), has_password=True)


def providers(items: list[IdentityProvider]) -> pb.IdentityProviderList:
    return pb.IdentityProviderList(providers=[pb.IdentityProvider(id=p.id, title=p.title) for p in items])


def social_identity(identity: SocialIdentity) -> pb.SocialIdentity:
    return pb.SocialIdentity(identity_id=identity.identity_id, provider=identity.provider,
                             display_name=identity.display_name, linked_at=rfc3339(identity.linked_at))
