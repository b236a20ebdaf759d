"""Service requests with their status history, over SQLAlchemy Core."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from services.accounts.adapters.orm import accounts, service_request_history, service_requests
from services.accounts.domain.requests import ServiceRequest, StatusChange

R = service_requests


class RequestsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, *, request_id: str, user_id: str, account_id: str, type: str, description: str,
            address: str, preferred_from: dt.datetime | None, preferred_to: dt.datetime | None,
            meter_id: str | None, now: dt.datetime) -> None:
        self.session.execute(insert(R).values(
            request_id=request_id, user_id=user_id, account_id=account_id, type=type, description=description,
            address=address, preferred_from=preferred_from, preferred_to=preferred_to, meter_id=meter_id,
            status="new", created_at=now, updated_at=now))
        self.record(request_id, "new", "", "customer", user_id, now)

    def record(self, request_id: str, status: str, comment: str, actor: str, actor_id: str,
               now: dt.datetime) -> None:
        self.session.execute(insert(service_request_history).values(
            request_id=request_id, status=status, comment=comment, actor=actor, actor_id=actor_id, at=now))

    def set_status(self, request_id: str, status: str, now: dt.datetime) -> None:
        self.session.execute(update(R).where(R.c.request_id == request_id).values(status=status, updated_at=now))

    def get(self, request_id: str, *, user_id: str | None = None, lock: bool = False) -> ServiceRequest | None:
        """One request with its history; with user_id, only if that user filed it."""
        query = self._query().where(R.c.request_id == request_id)
        if user_id is not None:
            query = query.where(R.c.user_id == user_id)
        if lock:
            query = query.with_for_update(of=R)
        found = self._load(query)
        if not found:
            return None
        history = self.session.execute(select(service_request_history).where(
            service_request_history.c.request_id == request_id).order_by(service_request_history.c.id)).mappings()
        return replace(found[0], history=tuple(
            StatusChange(h["status"], h["comment"], h["actor"], h["at"]) for h in history))

    def of_user(self, user_id: str, account_id: str | None) -> list[ServiceRequest]:
        query = self._query().where(R.c.user_id == user_id)
        if account_id:
            query = query.where(R.c.account_id == account_id)
        return self._load(query.order_by(R.c.created_at.desc()))

    def for_staff(self, *, status: str, type: str, account_id: str, limit: int) -> list[ServiceRequest]:
        query = self._query()
        if status:
            query = query.where(R.c.status == status)
        if type:
            query = query.where(R.c.type == type)
        if account_id:
            query = query.where(R.c.account_id == account_id)
        return self._load(query.order_by(R.c.created_at).limit(limit))

    def _query(self):
        return select(R, accounts.c.number.label("account_number")).join(
            accounts, accounts.c.account_id == R.c.account_id)

    def _load(self, query) -> list[ServiceRequest]:
        return [ServiceRequest(
            request_id=r["request_id"], user_id=r["user_id"], account_id=r["account_id"],
            account_number=r["account_number"], type=r["type"], description=r["description"], address=r["address"],
            status=r["status"], created_at=r["created_at"], updated_at=r["updated_at"],
            preferred_from=r["preferred_from"], preferred_to=r["preferred_to"], meter_id=r["meter_id"] or "")
            for r in self.session.execute(query).mappings()]

