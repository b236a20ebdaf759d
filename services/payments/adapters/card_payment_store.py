"""Card payments, their items and refunds, and the provider's notification inbox (tables in orm.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.payments.adapters.orm import (
    account_access,
    card_payment_items,
    card_payments,
    card_refunds,
    provider_notifications,
)
from services.payments.domain.card_payments import CANCELED, SUCCEEDED, Item, PaymentView

P, IT, R, N = card_payments, card_payment_items, card_refunds, provider_notifications


class CardPaymentStore:
    def __init__(self, session) -> None:
        self.session = session

    # -- payments ------------------------------------------------------------------------------------

    def add(self, view: PaymentView, *, numbers: dict[str, str], scope: str, idempotency_key: str,
            request_hash: str, contact: dict, receipt: dict | None, save_card: bool, method_id: str = "") -> bool:
        """Inserts a payment and its items; False (nothing written) when its idempotency key or provider
        payment is known already (a concurrent twin won)."""
        inserted = self.session.execute(pg_insert(P).values(
            payment_id=view.payment_id, user_id=view.user_id, channel=view.channel, status=view.status,
            amount_kop=view.amount_kop, provider_payment_id=view.provider_payment_id, idempotency_scope=scope,
            idempotency_key=idempotency_key or None, request_hash=request_hash,
            confirmation_url=view.confirmation_url or None, receipt_contact=contact, receipt=receipt,
            save_card=save_card, method_id=method_id or None, created_at=view.created_at,
            updated_at=view.created_at).on_conflict_do_nothing().returning(P.c.payment_id)).scalar()
        if inserted is None:
            return False
        self.session.execute(insert(IT), [
            {"payment_id": view.payment_id, "account_id": item.account_id, "bucket": item.bucket, "position": i,
             "amount_kop": item.amount_kop, "account_number": numbers.get(item.account_id, "")}
            for i, item in enumerate(view.items)])
        return True

    def by_key(self, scope: str, idempotency_key: str) -> tuple[PaymentView, str] | None:
        """The payment made with this idempotency key, and its request's fingerprint."""
        row = self.session.execute(select(P).where(P.c.idempotency_scope == scope,
                                                   P.c.idempotency_key == idempotency_key)).mappings().first()
        return (self._view(row), row["request_hash"]) if row else None

    def get(self, payment_id: str, *, lock: bool = False) -> PaymentView | None:
        query = select(P).where(P.c.payment_id == payment_id)
        row = self.session.execute(query.with_for_update() if lock else query).mappings().first()
        return self._view(row) if row else None

    def by_provider_id(self, provider_payment_id: str, *, lock: bool = False) -> PaymentView | None:
        query = select(P).where(P.c.provider_payment_id == provider_payment_id)
        row = self.session.execute(query.with_for_update() if lock else query).mappings().first()
        return self._view(row) if row else None

    def details(self, payment_id: str) -> dict:
        """What the receipt prints beyond the view: the contact, the receipt sent, the accounts' numbers."""
        row = self.session.execute(select(P.c.receipt_contact, P.c.receipt).where(
            P.c.payment_id == payment_id)).mappings().one()
        numbers = dict(self.session.execute(select(IT.c.account_id, IT.c.account_number).where(
            IT.c.payment_id == payment_id)).all())
        return {"contact": row["receipt_contact"], "receipt": row["receipt"], "numbers": numbers}

    def mark_succeeded(self, payment_id: str, *, at: dt.datetime, card: str, method_id: str) -> None:
        self.session.execute(update(P).where(P.c.payment_id == payment_id).values(
            status=SUCCEEDED, succeeded_at=at, updated_at=at, card=card or None, method_id=method_id or None))

    def mark_canceled(self, payment_id: str, *, at: dt.datetime, reason: str, message: str, card: str) -> None:
        self.session.execute(update(P).where(P.c.payment_id == payment_id).values(
            status=CANCELED, updated_at=at, cancel_reason=reason, cancel_message=message, card=card or None))

    def stale_pending(self, older_than: dt.datetime, limit: int = 100) -> list[str]:
        """Provider ids of pending payments created before `older_than`, oldest first (the reconciler)."""
        return list(self.session.execute(
            select(P.c.provider_payment_id).where(P.c.status == "pending", P.c.created_at < older_than)
            .order_by(P.c.created_at).limit(limit)).scalars())

    def _view(self, row) -> PaymentView:
        rows = self.session.execute(
            select(IT.c.account_id, IT.c.bucket, IT.c.amount_kop, IT.c.account_number)
            .where(IT.c.payment_id == row["payment_id"]).order_by(IT.c.position)).all()
        items = tuple(Item(r.account_id, r.bucket, r.amount_kop) for r in rows)
        return PaymentView(
            payment_id=row["payment_id"], status=row["status"], channel=row["channel"], amount_kop=row["amount_kop"],
            items=items, created_at=row["created_at"], user_id=row["user_id"],
            provider_payment_id=row["provider_payment_id"], confirmation_url=row["confirmation_url"] or "",
            cancel_reason=row["cancel_reason"] or "", cancel_message=row["cancel_message"] or "",
            succeeded_at=row["succeeded_at"], card=row["card"] or "", refunded_kop=row["refunded_kop"],
            numbers={r.account_id: r.account_number for r in rows})

    # -- refunds -------------------------------------------------------------------------------------

    def refunded_kop(self, payment_id: str, account_id: str, bucket: str) -> int:
        return int(self.session.execute(select(func.coalesce(func.sum(R.c.amount_kop), 0)).where(
            R.c.payment_id == payment_id, R.c.account_id == account_id, R.c.bucket == bucket,
            R.c.status != "canceled")).scalar())

    def add_refund(self, *, refund_id: str, payment_id: str, account_id: str, bucket: str, amount_kop: int,
                   provider_refund_id: str, status: str, reason: str, created_by: str, at: dt.datetime) -> bool:
        inserted = self.session.execute(pg_insert(R).values(
            refund_id=refund_id, payment_id=payment_id, account_id=account_id, bucket=bucket, amount_kop=amount_kop,
            provider_refund_id=provider_refund_id, status=status, reason=reason, created_by=created_by,
            created_at=at).on_conflict_do_nothing().returning(R.c.refund_id)).scalar()
        if inserted is not None and status != "canceled":
            self.session.execute(update(P).where(P.c.payment_id == payment_id).values(
                refunded_kop=P.c.refunded_kop + amount_kop, updated_at=at))
        return inserted is not None

    def refund_by_provider_id(self, provider_refund_id: str, *, lock: bool = False) -> dict | None:
        query = select(R).where(R.c.provider_refund_id == provider_refund_id)
        row = self.session.execute(query.with_for_update() if lock else query).mappings().first()
        return dict(row) if row else None

    def set_refund_status(self, refund: dict, status: str, *, at: dt.datetime) -> None:
        """A refund's final status; a canceled one gives its amount back to what may be refunded."""
        self.session.execute(update(R).where(R.c.refund_id == refund["refund_id"]).values(status=status))
        if status == "canceled":
            self.session.execute(update(P).where(P.c.payment_id == refund["payment_id"]).values(
                refunded_kop=P.c.refunded_kop - refund["amount_kop"], updated_at=at))

    # -- the notification inbox ----------------------------------------------------------------------

    def add_notification(self, *, provider: str, event: str, object_id: str, body: str, source_ip: str) -> int:
        return int(self.session.execute(insert(N).values(
            provider=provider, event=event, object_id=object_id, body=body, source_ip=source_ip)
            .returning(N.c.notification_id)).scalar())

    def next_notification(self, now: dt.datetime) -> dict | None:
        """The oldest unprocessed notification that is due, locked (others skip it) until this transaction
        ends: a worker killed before its commit leaves it for the next one."""
        row = self.session.execute(
            select(N.c.notification_id, N.c.event, N.c.object_id, N.c.attempts)
            .where(N.c.processed_at.is_(None), N.c.next_attempt_at <= now)
            .order_by(N.c.next_attempt_at, N.c.notification_id).limit(1)
            .with_for_update(skip_locked=True)).mappings().first()
        return dict(row) if row else None

    def finish_notification(self, notification_id: int, *, outcome: str, at: dt.datetime) -> None:
        self.session.execute(update(N).where(N.c.notification_id == notification_id).values(
            processed_at=at, outcome=outcome))

    def postpone_notification(self, notification_id: int, *, until: dt.datetime) -> None:
        self.session.execute(update(N).where(N.c.notification_id == notification_id, N.c.processed_at.is_(None))
                             .values(attempts=N.c.attempts + 1, next_attempt_at=until))

    # -- the payment history ---------------------------------------------------------------------------

    def bound_accounts(self, user_id: str) -> list[str]:
        a = account_access
        return list(self.session.execute(select(a.c.account_id).where(
            and_(a.c.user_id == user_id, a.c.bound.is_(True)))).scalars())

    def history(self, *, user_id: str, account_ids: list[str], only_account: str, size: int,
                after: tuple[dt.datetime, str] | None) -> list[dict]:
        """One page of the user's payments, newest first: his card payments (any status; with only_account,
        those paying it) and the payments and refunds on his accounts' ledgers that are not his card payments'
        items. Keyset by (time, id)."""
        rows = self.session.execute(text(HISTORY), {
            "user_id": user_id, "accounts": account_ids, "only": only_account or None, "size": size,
            "after_at": after[0] if after else None, "after_id": after[1] if after else None}).mappings().all()
        return [dict(r) for r in rows]

    def items_of(self, payment_ids: list[str]) -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = {pid: [] for pid in payment_ids}
        for r in self.session.execute(select(IT).where(IT.c.payment_id.in_(payment_ids)).order_by(IT.c.position)):
            found[r.payment_id].append({"account_id": r.account_id, "bucket": r.bucket, "amount_kop": r.amount_kop,
                                        "account_number": r.account_number})
        return found


HISTORY = """
WITH entries AS (
    SELECT 'card' AS source, p.payment_id::text AS id, p.created_at AS at, p.channel, p.status,
           'payment' AS kind, p.amount_kop, p.cancel_message, NULL::text AS description,
           NULL::text AS account_id, NULL::text AS bucket
      FROM card_payments p
     WHERE p.user_id = CAST(:user_id AS uuid)
       AND (CAST(:only AS uuid) IS NULL OR EXISTS (
            SELECT 1 FROM card_payment_items i WHERE i.payment_id = p.payment_id AND i.account_id = CAST(:only AS uuid)))
    UNION ALL
    SELECT 'ledger', l.entry_id::text, l.posted_at, COALESCE(l.channel, ''), 'succeeded',
           l.kind, l.amount_kop, NULL, l.description, l.account_id::text, l.bucket
      FROM ledger l
     WHERE l.account_id = ANY(CAST(:accounts AS uuid[]))
       AND (CAST(:only AS uuid) IS NULL OR l.account_id = CAST(:only AS uuid))
       AND l.kind IN ('payment', 'refund')
       AND NOT (l.external_id LIKE 'yookassa:%' AND EXISTS (
            SELECT 1 FROM card_payments p
             WHERE p.provider_payment_id = split_part(l.external_id, ':', 2)
               AND p.user_id = CAST(:user_id AS uuid)))
)
SELECT * FROM entries
 WHERE CAST(:after_at AS timestamptz) IS NULL OR (at, id) < (CAST(:after_at AS timestamptz), CAST(:after_id AS text))
 ORDER BY at DESC, id DESC
 LIMIT :size
"""
