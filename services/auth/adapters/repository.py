"""Auth repositories over SQLAlchemy Core."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from services.auth.adapters.orm import (
    codes,
    oidc_flows,
    refresh_tokens,
    sessions,
    signing_keys,
    social_identities,
    users,
)
from services.auth.domain.model import PendingCode


def _pending(row) -> PendingCode | None:
    if row is None:
        return None
    return PendingCode(code_id=row["code_id"], user_id=row["user_id"], purpose=row["purpose"],
                       code_hash=row["code_hash"], expires_at=row["expires_at"], attempts=row["attempts"],
                       consumed=row["consumed_at"] is not None, channel=row["channel"],
                       destination=row["destination"], sends=row["sends"], last_sent_at=row["last_sent_at"])


class AuthRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # users
    def user_by(self, column: str, value: str, *, lock: bool = False):
        query = select(users).where(users.c[column] == value)
        if lock:
            query = query.with_for_update()
        return self.session.execute(query).mappings().first()

    def user(self, user_id: str, *, lock: bool = False):
        query = select(users).where(users.c.user_id == user_id)
        if lock:
            query = query.with_for_update()
        return self.session.execute(query).mappings().first()

    def add_user(self, **values) -> None:
        self.session.execute(insert(users).values(**values))

    def update_user(self, user_id: str, **values) -> None:
        self.session.execute(update(users).where(users.c.user_id == user_id).values(**values))

    def count_failed_login(self, user_id: str) -> int:
        """One more consecutive failure; the new count (atomic under concurrent attempts)."""
        return self.session.execute(update(users).where(users.c.user_id == user_id)
                                    .values(failed_logins=users.c.failed_logins + 1)
                                    .returning(users.c.failed_logins)).scalar_one()

    # codes (challenges)
    def add_code(self, **values) -> None:
        self.session.execute(insert(codes).values(**values))

    def code(self, code_id: str) -> PendingCode | None:
        return _pending(self.session.execute(
            select(codes).where(codes.c.code_id == code_id).with_for_update()).mappings().first())

    def code_by_link(self, link_hash: str) -> PendingCode | None:
        return _pending(self.session.execute(
            select(codes).where(codes.c.link_hash == link_hash).with_for_update()).mappings().first())

    def latest_code(self, user_id: str, purpose: str, channel: str, now: dt.datetime) -> PendingCode | None:
        return _pending(self.session.execute(
            select(codes).where(codes.c.user_id == user_id, codes.c.purpose == purpose,
                                codes.c.channel == channel, codes.c.consumed_at.is_(None),
                                codes.c.expires_at > now)
            .order_by(codes.c.created_at.desc()).limit(1).with_for_update()).mappings().first())

    def count_code_attempt(self, code_id: str) -> None:
        self.session.execute(update(codes).where(codes.c.code_id == code_id).values(attempts=codes.c.attempts + 1))

    def consume_code(self, code_id: str, now: dt.datetime) -> None:
        self.session.execute(update(codes).where(codes.c.code_id == code_id).values(consumed_at=now))

    def reissue_code(self, code_id: str, *, code_hash: str, link_hash: str | None, expires_at: dt.datetime,
                     now: dt.datetime) -> None:
        self.session.execute(update(codes).where(codes.c.code_id == code_id).values(
            code_hash=code_hash, link_hash=link_hash, expires_at=expires_at, attempts=0,
            sends=codes.c.sends + 1, last_sent_at=now))

    def void_codes(self, user_id: str, purpose: str, now: dt.datetime) -> None:
        """Earlier open challenges of the same purpose stop working when a new one starts."""
        self.session.execute(update(codes).where(codes.c.user_id == user_id, codes.c.purpose == purpose,
                                                 codes.c.consumed_at.is_(None)).values(consumed_at=now))

    # sessions and refresh tokens
    def add_session(self, **values) -> None:
        self.session.execute(insert(sessions).values(**values))

    def session_row(self, session_id: str, *, lock: bool = False):
        query = select(sessions).where(sessions.c.session_id == session_id)
        if lock:
            query = query.with_for_update()
        return self.session.execute(query).mappings().first()

    def live_sessions(self, user_id: str, now: dt.datetime) -> list:
        return list(self.session.execute(
            select(sessions).where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None),
                                   sessions.c.expires_at > now)
            .order_by(sessions.c.last_used_at.desc())).mappings())

    def touch_session(self, session_id: str, now: dt.datetime, ip: str = "") -> None:
        values = {"last_used_at": now} | ({"ip": ip} if ip else {})
        self.session.execute(update(sessions).where(sessions.c.session_id == session_id).values(**values))

    def revoke_session(self, session_id: str, now: dt.datetime) -> None:
        self.session.execute(update(sessions).where(sessions.c.session_id == session_id,
                                                    sessions.c.revoked_at.is_(None)).values(revoked_at=now))

    def revoke_sessions(self, user_id: str, now: dt.datetime, *, keep: str | None = None) -> int:
        query = update(sessions).where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None),
                                       sessions.c.expires_at > now)
        if keep:
            query = query.where(sessions.c.session_id != keep)
        return self.session.execute(query.values(revoked_at=now)).rowcount

    def add_refresh(self, token_hash: str, session_id: str) -> None:
        self.session.execute(insert(refresh_tokens).values(token_hash=token_hash, session_id=session_id))

    def refresh(self, token_hash: str):
        return self.session.execute(
            select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash).with_for_update()
        ).mappings().first()

    def spend_refresh(self, token_hash: str, now: dt.datetime) -> None:
        self.session.execute(update(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash)
                             .values(used_at=now))

    # social identities and OpenID Connect flows
    def social_identity(self, provider: str, subject: str):
        return self.session.execute(select(social_identities).where(
            social_identities.c.provider == provider, social_identities.c.subject == subject)).mappings().first()

    def social_identities(self, user_id: str) -> list:
        return list(self.session.execute(select(social_identities).where(
            social_identities.c.user_id == user_id).order_by(social_identities.c.linked_at)).mappings())

    def add_social_identity(self, **values) -> None:
        self.session.execute(insert(social_identities).values(**values))

    def remove_social_identity(self, user_id: str, identity_id: str) -> int:
        return self.session.execute(delete(social_identities).where(
            social_identities.c.user_id == user_id, social_identities.c.identity_id == identity_id)).rowcount

    def add_flow(self, **values) -> None:
        self.session.execute(insert(oidc_flows).values(**values))

    def flow(self, state_hash: str):
        return self.session.execute(
            select(oidc_flows).where(oidc_flows.c.state_hash == state_hash).with_for_update()).mappings().first()

    def spend_flow(self, state_hash: str, now: dt.datetime) -> None:
        self.session.execute(update(oidc_flows).where(oidc_flows.c.state_hash == state_hash).values(used_at=now))

    # signing keys
    def active_key(self):
        return self.session.execute(
            select(signing_keys).where(signing_keys.c.retired_at.is_(None))
            .order_by(signing_keys.c.created_at.desc()).limit(1)
        ).mappings().first()

    def published_keys(self, retired_since: dt.datetime) -> list[dict]:
        rows = self.session.execute(select(signing_keys.c.public_jwk).where(
            (signing_keys.c.retired_at.is_(None)) | (signing_keys.c.retired_at > retired_since)))
        return [r[0] for r in rows]

    def add_key(self, kid: str, private_pem: str, public_jwk: dict) -> None:
        self.session.execute(insert(signing_keys).values(kid=kid, private_pem=private_pem, public_jwk=public_jwk))

    def lock_keys(self) -> None:
        """One process creates the first signing key."""
        self.session.execute(select(func.pg_advisory_xact_lock(0x6B6B6579)))
