"""Auth repositories over SQLAlchemy Core."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from services.auth.adapters.orm import codes, refresh_tokens, sessions, signing_keys, users
from services.auth.domain.model import PendingCode


class AuthRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # users
    def user_by(self, column: str, value: str, *, lock: bool = False):
        query = select(users).where(users.c[column] == value)
        if lock:
            query = query.with_for_update()
        return self.session.execute(query).mappings().first()

    def user(self, user_id: str):
        return self.session.execute(select(users).where(users.c.user_id == user_id)).mappings().first()

    def add_user(self, **values) -> None:
        self.session.execute(insert(users).values(**values))

    def update_user(self, user_id: str, **values) -> None:
        self.session.execute(update(users).where(users.c.user_id == user_id).values(**values))

    # codes
    def add_code(self, **values) -> None:
        self.session.execute(insert(codes).values(**values))

    def code(self, code_id: str) -> PendingCode | None:
        row = self.session.execute(select(codes).where(codes.c.code_id == code_id).with_for_update()).mappings().first()
        if row is None:
            return None
        return PendingCode(code_id=row["code_id"], user_id=row["user_id"], purpose=row["purpose"],
                           code_hash=row["code_hash"], expires_at=row["expires_at"], attempts=row["attempts"],
                           consumed=row["consumed_at"] is not None)

    def count_code_attempt(self, code_id: str) -> None:
        self.session.execute(update(codes).where(codes.c.code_id == code_id).values(attempts=codes.c.attempts + 1))

    def consume_code(self, code_id: str, now: dt.datetime) -> None:
        self.session.execute(update(codes).where(codes.c.code_id == code_id).values(consumed_at=now))

    # sessions and refresh tokens
    def add_session(self, **values) -> None:
        self.session.execute(insert(sessions).values(**values))

    def session_row(self, session_id: str):
        return self.session.execute(select(sessions).where(sessions.c.session_id == session_id)).mappings().first()

    def touch_session(self, session_id: str, now: dt.datetime) -> None:
        self.session.execute(update(sessions).where(sessions.c.session_id == session_id).values(last_used_at=now))

    def revoke_session(self, session_id: str, now: dt.datetime) -> None:
        self.session.execute(update(sessions).where(sessions.c.session_id == session_id,
                                                    sessions.c.revoked_at.is_(None)).values(revoked_at=now))

    def add_refresh(self, token_hash: str, session_id: str) -> None:
        self.session.execute(insert(refresh_tokens).values(token_hash=token_hash, session_id=session_id))

    def refresh(self, token_hash: str):
        return self.session.execute(
            select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash).with_for_update()
        ).mappings().first()

    def spend_refresh(self, token_hash: str, now: dt.datetime) -> None:
        self.session.execute(update(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash)
                             .values(used_at=now))

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
