"""Auth repositories over SQLAlchemy Core: rows in, domain objects out (and back)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import delete, exists, func, insert, select, update
from sqlalchemy.orm import Session as DbSession

from services.auth.adapters.orm import (
    codes,
    oidc_flows,
    refresh_tokens,
    sessions,
    signing_keys,
    social_identities,
    users,
)
from services.auth.domain.challenges import Challenge
from services.auth.domain.sessions import RefreshToken, Session
from services.auth.domain.social import OidcFlow, SocialIdentity
from services.auth.domain.users import User

CONTACT_COLUMNS = ("phone", "email", "login")


def _build(cls, row, **extra):
    if row is None:
        return None
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in row.items() if k in names}, **extra)


def _values(obj, *exclude: str) -> dict:
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if f.name not in exclude}


class Users:
    def __init__(self, db: DbSession) -> None:
        self.db = db

    def get(self, user_id: str, *, lock: bool = False) -> User | None:
        return self._one(users.c.user_id == user_id, lock)

    def by(self, column: str, value: str, *, lock: bool = False) -> User | None:
        """The user with this phone, e-mail or login."""
        assert column in CONTACT_COLUMNS
        return self._one(users.c[column] == value, lock)

    def _one(self, where, lock: bool) -> User | None:
        query = select(users).where(where)
        if lock:
            query = query.with_for_update()
        return _build(User, self.db.execute(query).mappings().first())

    def add(self, user: User) -> None:
        self.db.execute(insert(users).values(**_values(user, "changed")))
        user.changed.clear()

    def save(self, user: User) -> None:
        """Writes only the columns the domain changed."""
        if user.changed:
            self.db.execute(update(users).where(users.c.user_id == user.user_id)
                            .values(**{name: getattr(user, name) for name in user.changed}))
            user.changed.clear()

    def count_failed_sign_in(self, user_id: str) -> int:
        """One more consecutive failure; the new count (atomic under concurrent attempts)."""
        return self.db.execute(update(users).where(users.c.user_id == user_id)
                               .values(failed_logins=users.c.failed_logins + 1)
                               .returning(users.c.failed_logins)).scalar_one()


class Challenges:
    """Challenges are read FOR UPDATE: a code is checked, counted and spent by one request at a time."""

    def __init__(self, db: DbSession) -> None:
        self.db = db

    def add(self, challenge: Challenge) -> None:
        self.db.execute(insert(codes).values(**_values(challenge)))

    def get(self, code_id: str) -> Challenge | None:
        return self._one(codes.c.code_id == code_id)

    def by_link(self, link_hash: str) -> Challenge | None:
        return self._one(codes.c.link_hash == link_hash)

    def latest(self, user_id: str, purpose: str, channel: str, at: dt.datetime) -> Challenge | None:
        """The newest open challenge of a kind (e.g. the e-mail change waiting for confirmation)."""
        return _build(Challenge, self.db.execute(
            select(codes).where(codes.c.user_id == user_id, codes.c.purpose == purpose,
                                codes.c.channel == channel, codes.c.consumed_at.is_(None),
                                codes.c.expires_at > at)
            .order_by(codes.c.created_at.desc()).limit(1).with_for_update()).mappings().first())

    def _one(self, where) -> Challenge | None:
        return _build(Challenge, self.db.execute(select(codes).where(where).with_for_update()).mappings().first())

    def save(self, challenge: Challenge) -> None:
        self.db.execute(update(codes).where(codes.c.code_id == challenge.code_id).values(
            **_values(challenge, "code_id", "user_id", "purpose", "channel", "destination")))

    def void(self, user_id: str, purpose: str, at: dt.datetime) -> None:
        """Earlier open challenges of the same purpose stop working when a new one starts."""
        self.db.execute(update(codes).where(codes.c.user_id == user_id, codes.c.purpose == purpose,
                                            codes.c.consumed_at.is_(None)).values(consumed_at=at))


class Sessions:
    """Sessions and their refresh tokens (a session is one token family)."""

    def __init__(self, db: DbSession) -> None:
        self.db = db

    def add(self, session: Session) -> None:
        self.db.execute(insert(sessions).values(**_values(session)))

    def get(self, session_id: str, *, lock: bool = False) -> Session | None:
        query = select(sessions).where(sessions.c.session_id == session_id)
        if lock:
            query = query.with_for_update()
        return _build(Session, self.db.execute(query).mappings().first())

    def live(self, user_id: str, at: dt.datetime) -> list[Session]:
        """Unrevoked and unexpired, most recently used first (idle ones are still listed here)."""
        rows = self.db.execute(
            select(sessions).where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None),
                                   sessions.c.expires_at > at)
            .order_by(sessions.c.last_used_at.desc())).mappings()
        return [_build(Session, row) for row in rows]

    def device_new(self, user_id: str, device: str) -> bool:
        """Whether the user had earlier sessions (live or over) but none with this device: a user's very first
        session is no news to them (ix_sessions_user_device)."""
        earlier = exists().where(sessions.c.user_id == user_id)
        known = exists().where(sessions.c.user_id == user_id, sessions.c.device == device)
        return self.db.execute(select(earlier & ~known)).scalar_one()

    def touch(self, session: Session) -> None:
        self.db.execute(update(sessions).where(sessions.c.session_id == session.session_id)
                        .values(last_used_at=session.last_used_at, ip=session.ip,
                                authenticated_at=session.authenticated_at or session.created_at))

    def revoke(self, session_id: str, at: dt.datetime) -> list[str]:
        """Ends the session; [its id] if it was not ended already, else []."""
        return self._revoke(update(sessions).where(sessions.c.session_id == session_id,
                                                   sessions.c.revoked_at.is_(None)), at)

    def revoke_all(self, user_id: str, at: dt.datetime, *, keep: str | None = None) -> list[str]:
        """Ends every unexpired session of the user (but `keep`); the ids it ended."""
        query = update(sessions).where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None),
                                       sessions.c.expires_at > at)
        if keep:
            query = query.where(sessions.c.session_id != keep)
        return self._revoke(query, at)

    def _revoke(self, query, at: dt.datetime) -> list[str]:
        return sorted(self.db.execute(query.values(revoked_at=at).returning(sessions.c.session_id)).scalars())

    def add_refresh(self, token: RefreshToken) -> None:
        self.db.execute(insert(refresh_tokens).values(token_hash=token.token_hash, session_id=token.session_id))

    def refresh_token(self, token_hash: str) -> RefreshToken | None:
        return _build(RefreshToken, self.db.execute(
            select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash).with_for_update()
        ).mappings().first())

    def spend_refresh(self, token: RefreshToken, at: dt.datetime) -> None:
        token.used_at = at
        self.db.execute(update(refresh_tokens).where(refresh_tokens.c.token_hash == token.token_hash)
                        .values(used_at=at))


class SocialLinks:
    """Linked social identities and the OpenID Connect flows in flight."""

    def __init__(self, db: DbSession) -> None:
        self.db = db

    def identity(self, provider: str, subject: str) -> SocialIdentity | None:
        return _build(SocialIdentity, self.db.execute(select(social_identities).where(
            social_identities.c.provider == provider, social_identities.c.subject == subject)).mappings().first())

    def identities(self, user_id: str) -> list[SocialIdentity]:
        rows = self.db.execute(select(social_identities).where(
            social_identities.c.user_id == user_id).order_by(social_identities.c.linked_at)).mappings()
        return [_build(SocialIdentity, row) for row in rows]

    def link(self, identity: SocialIdentity) -> None:
        self.db.execute(insert(social_identities).values(**_values(identity)))

    def unlink(self, user_id: str, identity_id: str) -> int:
        return self.db.execute(delete(social_identities).where(
            social_identities.c.user_id == user_id, social_identities.c.identity_id == identity_id)).rowcount

    def add_flow(self, flow: OidcFlow) -> None:
        self.db.execute(insert(oidc_flows).values(**_values(flow)))

    def flow(self, state_hash: str) -> OidcFlow | None:
        return _build(OidcFlow, self.db.execute(
            select(oidc_flows).where(oidc_flows.c.state_hash == state_hash).with_for_update()).mappings().first())

    def spend_flow(self, flow: OidcFlow, at: dt.datetime) -> None:
        flow.used_at = at
        self.db.execute(update(oidc_flows).where(oidc_flows.c.state_hash == flow.state_hash).values(used_at=at))


@dataclasses.dataclass(frozen=True)
class SigningKey:
    kid: str
    private_pem: str


class SigningKeys:
    def __init__(self, db: DbSession) -> None:
        self.db = db

    def active(self) -> SigningKey | None:
        row = self.db.execute(
            select(signing_keys.c.kid, signing_keys.c.private_pem).where(signing_keys.c.retired_at.is_(None))
            .order_by(signing_keys.c.created_at.desc()).limit(1)).mappings().first()
        return SigningKey(row["kid"], row["private_pem"]) if row else None

    def published(self, retired_since: dt.datetime) -> list[dict]:
        rows = self.db.execute(select(signing_keys.c.public_jwk).where(
            (signing_keys.c.retired_at.is_(None)) | (signing_keys.c.retired_at > retired_since)))
        return [r[0] for r in rows]

    def add(self, kid: str, private_pem: str, public_jwk: dict) -> None:
        self.db.execute(insert(signing_keys).values(kid=kid, private_pem=private_pem, public_jwk=public_jwk))

    def lock(self) -> None:
        """One process creates the first signing key."""
        self.db.execute(select(func.pg_advisory_xact_lock(0x6B6B6579)))
