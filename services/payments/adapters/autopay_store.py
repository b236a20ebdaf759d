"""Saved cards, autopay settings, their e-mail confirmations and the monthly autopay charges (autopay_runs)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from kit.ids import is_uuid
from services.payments.adapters.orm import (
    account_access,
    autopay_confirmations,
    autopay_runs,
    autopays,
    saved_cards,
)
from services.payments.domain.autopay import Autopay, AutopayRun, Card, Settings

_CARD_FIELDS = ("title", "last4", "first6", "expiry_month", "expiry_year", "card_type")


def _card(row) -> Card:
    return Card(card_id=row["card_id"], user_id=row["user_id"], method_id=row["method_id"],
                **{name: row[name] for name in _CARD_FIELDS})


def _autopay(row) -> Autopay:
    return Autopay(account_id=row["account_id"], user_id=row["user_id"], enabled=row["enabled"],
                   receipt_email=row["receipt_email"],
                   off_reason=row["off_reason"], activated_at=row["activated_at"],
                   settings=Settings(card_id=row["card_id"], day=row["day"], mode=row["mode"],
                                     amount_kop=row["amount_kop"], cap_kop=row["cap_kop"]))


def _settings(stored: dict) -> dict:
    return {f: stored[f] for f in ("card_id", "day", "mode", "amount_kop", "cap_kop")}


def _run(row) -> AutopayRun:
    return AutopayRun(**{c.name: row[c.name] for c in autopay_runs.columns if c.name != "updated_at"})


class AutopayStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- cards ---
    def remember_card(self, *, user_id: str, method_id: str, **details: str) -> None:
        """Insert the card, or refresh it (and bring a deleted one back): once per (user, method)."""
        values = {name: details[name] for name in _CARD_FIELDS}
        self.session.execute(
            pg_insert(saved_cards).values(card_id=str(uuid.uuid4()), user_id=user_id, method_id=method_id, **values)
            .on_conflict_do_update(constraint="saved_cards_one_per_method", set_={**values, "deleted_at": None}))

    def cards(self, user_id: str) -> list[Card]:
        rows = self.session.execute(
            select(saved_cards).where(saved_cards.c.user_id == user_id, saved_cards.c.deleted_at.is_(None))
            .order_by(saved_cards.c.created_at, saved_cards.c.card_id)).mappings().all()
        return [_card(row) for row in rows]

    def card(self, card_id: str) -> Card | None:
        """A card that is not deleted (None for an id that is not a UUID: nobody's card)."""
        if not is_uuid(card_id):
            return None
        row = self.session.execute(
            select(saved_cards).where(saved_cards.c.card_id == card_id, saved_cards.c.deleted_at.is_(None))
        ).mappings().first()
        return _card(row) if row else None

    def delete_card(self, card_id: str, *, now: dt.datetime) -> None:
        self.session.execute(update(saved_cards).where(saved_cards.c.card_id == card_id).values(deleted_at=now))

    # --- autopay settings ---
    def autopay(self, account_id: str, *, lock: bool = False) -> Autopay | None:
        query = select(autopays).where(autopays.c.account_id == account_id)
        row = self.session.execute(query.with_for_update() if lock else query).mappings().first()
        return _autopay(row) if row else None

    def autopays_of_card(self, card_id: str) -> list[Autopay]:
        rows = self.session.execute(
            select(autopays).where(autopays.c.card_id == card_id, autopays.c.enabled).with_for_update()
        ).mappings().all()
        return [_autopay(row) for row in rows]

    def put_autopay(self, autopay: Autopay, *, now: dt.datetime) -> None:
        s = autopay.settings
        values = dict(user_id=autopay.user_id, card_id=s.card_id, day=s.day, mode=s.mode, amount_kop=s.amount_kop,
                      cap_kop=s.cap_kop, receipt_email=autopay.receipt_email, enabled=autopay.enabled, off_reason=autopay.off_reason,
                      activated_at=autopay.activated_at, updated_at=now)
        self.session.execute(pg_insert(autopays).values(account_id=autopay.account_id, **values)
                             .on_conflict_do_update(index_elements=[autopays.c.account_id], set_=values))

    def unbound(self, user_id: str, account_id: str) -> bool:
        """The access projection says the user was unbound from the account (not merely: does not know)."""
        t = account_access
        return self.session.execute(
            select(t.c.bound).where(t.c.user_id == user_id, t.c.account_id == account_id)).scalar() is False

    def enabled_autopays(self, *, max_day: int = 31, periods: tuple[dt.date, ...] = ()) -> list[Autopay]:
        """Enabled autopays whose day is ≤ max_day, less those whose month is claimed in each of `periods`
        (the local months it may be anywhere now): what may be due, without the ones done this month."""
        query = select(autopays).where(autopays.c.enabled, autopays.c.day <= max_day)
        if periods:
            claimed = (select(func.count(autopay_runs.c.period.distinct()))
                       .where(autopay_runs.c.account_id == autopays.c.account_id,
                              autopay_runs.c.period.in_(periods)).scalar_subquery())
            query = query.where(claimed < len(periods))
        rows = self.session.execute(query.order_by(autopays.c.account_id)).mappings().all()
        return [_autopay(row) for row in rows]

    # --- e-mail confirmations ---
    def add_confirmation(self, *, token_hash: str, account_id: str, user_id: str, settings: Settings,
                         receipt_email: str, expires_at: dt.datetime) -> None:
        self.session.execute(pg_insert(autopay_confirmations).values(
            token_hash=token_hash, account_id=account_id, user_id=user_id,
            settings={**settings.as_dict(), "receipt_email": receipt_email}, expires_at=expires_at))

    def take_confirmation(self, token_hash: str, *, now: dt.datetime) -> tuple[str, str, Settings, str] | None:
        """Use the confirmation once: (account_id, user_id, settings, receipt e-mail), or None when unknown,
        used or expired."""
        row = self.session.execute(
            update(autopay_confirmations)
            .where(autopay_confirmations.c.token_hash == token_hash, autopay_confirmations.c.used_at.is_(None),
                   autopay_confirmations.c.expires_at > now)
            .values(used_at=now).returning(autopay_confirmations)).mappings().first()
        if row is None:
            return None
        settings = dict(row["settings"])
        return row["account_id"], row["user_id"], Settings(**_settings(settings)), settings.get("receipt_email", "")

    def pending_confirmation(self, account_id: str, *, now: dt.datetime) -> Settings | None:
        """The newest confirmation of the account still waiting for its link."""
        row = self.session.execute(
            select(autopay_confirmations.c.settings)
            .where(autopay_confirmations.c.account_id == account_id, autopay_confirmations.c.used_at.is_(None),
                   autopay_confirmations.c.expires_at > now)
            .order_by(autopay_confirmations.c.created_at.desc()).limit(1)).first()
        return Settings(**_settings(row[0])) if row else None

    def drop_confirmations(self, account_id: str, *, now: dt.datetime) -> None:
        """Links sent before are void (a newer request, the autopay switched off)."""
        self.session.execute(
            update(autopay_confirmations)
            .where(autopay_confirmations.c.account_id == account_id, autopay_confirmations.c.used_at.is_(None))
            .values(used_at=now))

    # --- the monthly charges ---
    def claim_period(self, account_id: str, period: dt.date, *, now: dt.datetime) -> bool:
        """The account's row for the period, new (status charging): True when this call made it."""
        made = self.session.execute(
            pg_insert(autopay_runs).values(account_id=account_id, period=period, status="charging", attempt=1,
                                           updated_at=now)
            .on_conflict_do_nothing().returning(autopay_runs.c.account_id)).first()
        return made is not None

    def runs_to_drive(self, *, now: dt.datetime, limit: int = 100) -> list[AutopayRun]:
        """Rows a worker may charge now, locked (SKIP LOCKED: concurrent workers take different rows): charging
        ones whose lease is free or expired (new, or their worker died mid-charge), retries whose time came."""
        query = (select(autopay_runs)
                 .where(or_(and_(autopay_runs.c.status == "charging",
                                 or_(autopay_runs.c.lease_until.is_(None), autopay_runs.c.lease_until <= now)),
                            and_(autopay_runs.c.status == "retry", autopay_runs.c.next_attempt_at <= now)))
                 .order_by(autopay_runs.c.account_id, autopay_runs.c.period).limit(limit)
                 .with_for_update(skip_locked=True))
        return [_run(row) for row in self.session.execute(query).mappings().all()]

    def run(self, account_id: str, period: dt.date, *, lock: bool = False) -> AutopayRun | None:
        query = select(autopay_runs).where(autopay_runs.c.account_id == account_id, autopay_runs.c.period == period)
        row = self.session.execute(query.with_for_update() if lock else query).mappings().first()
        return _run(row) if row else None

    def runs(self, account_id: str) -> list[AutopayRun]:
        rows = self.session.execute(select(autopay_runs).where(autopay_runs.c.account_id == account_id)
                                    .order_by(autopay_runs.c.period.desc())).mappings().all()
        return [_run(row) for row in rows]

    def save_run(self, run: AutopayRun, *, now: dt.datetime) -> None:
        values = {c.name: getattr(run, c.name) for c in autopay_runs.columns
                  if c.name not in ("account_id", "period", "updated_at")}
        self.session.execute(update(autopay_runs).where(autopay_runs.c.account_id == run.account_id,
                                                        autopay_runs.c.period == run.period)
                             .values(**values, updated_at=now))
