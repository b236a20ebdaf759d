"""Legal entities' monthly documents (`contract_documents`): what the registry import writes and customers read."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.payments.adapters.orm import contract_documents as t
from services.payments.domain.contract_documents import KINDS, ContractDocument

FIELDS = ("supplier_id", "contract_id", "contract_number", "kind", "period", "number", "issued_on", "kwh",
          "amount_kop", "vat_kop", "content")


class ContractDocumentStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, document_id: str) -> ContractDocument | None:
        row = self.session.execute(select(t).where(t.c.document_id == document_id)).first()
        return None if row is None else _document(row)

    def list_for_contract(self, contract_id: str, period: dt.date | None = None) -> list[ContractDocument]:
        """Newest month first; within a month счёт, счёт-фактура, акт."""
        query = select(t).where(t.c.contract_id == contract_id)
        if period is not None:
            query = query.where(t.c.period == period)
        order = case({kind: i for i, kind in enumerate(KINDS)}, value=t.c.kind)
        return [_document(row) for row in self.session.execute(query.order_by(t.c.period.desc(), order))]

    def existing(self, keys: list[tuple[str, dt.date, str]]) -> dict[tuple[str, dt.date, str], ContractDocument]:
        """The stored documents of (contract_id, period, kind) keys."""
        found: dict[tuple[str, dt.date, str], ContractDocument] = {}
        for start in range(0, len(keys), 5000):
            rows = self.session.execute(select(t).where(
                tuple_(t.c.contract_id, t.c.period, t.c.kind).in_(keys[start:start + 5000])))
            for row in rows:
                found[(row.contract_id, row.period, row.kind)] = _document(row)
        return found

    def put(self, documents: list[ContractDocument]) -> None:
        """Insert, or replace the document of the same contract, month and kind (its id stays)."""
        for start in range(0, len(documents), 1000):
            chunk = documents[start:start + 1000]
            stmt = insert(t).values([{"document_id": d.document_id, **{f: getattr(d, f) for f in FIELDS}}
                                     for d in chunk])
            self.session.execute(stmt.on_conflict_do_update(
                constraint="contract_documents_one",
                set_={f: stmt.excluded[f] for f in FIELDS if f not in ("contract_id", "period", "kind")}))


def _document(row) -> ContractDocument:
    return ContractDocument(document_id=row.document_id, **{f: getattr(row, f) for f in FIELDS})
