"""Legal entities' monthly documents: the registry's contract_documents.csv in, and a customer's contract's
documents (счёт, счёт-фактура, акт) out, as a list and as PDFs (the rendering is an adapter, given)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from kit.errors import Forbidden, NotFound, Rejected
from kit.ids import is_uuid
from services.payments.domain.contract_documents import ContractDocument, Rejection, parse_rows, read_rows
from services.payments.domain.invoices import SupplierDetails, supplier_details
from services.payments.service_layer.invoices import PDF, File

# (supplier_code, contract_number as given) pairs -> (contract_id, supplier_id) of those accounts knows
ResolveContracts = Callable[[list[tuple[str, str]]], dict[tuple[str, str], tuple[str, str]]]
RenderDocument = Callable[[ContractDocument, SupplierDetails], bytes]


class ContractsPort(Protocol):
    def check_contract(self, contract_id: str) -> None:
        """Returns if the contract is bound to the caller; raises NotFound (or Forbidden) otherwise."""


@dataclass
class ContractDocumentsReport:
    """What an import of contract_documents.csv did, per row (a row is a contract's month: three documents)."""

    kind: str = "contract_documents"
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0  # nothing is ever closed; the registry's report has the column
    rejected: list[Rejection] = field(default_factory=list)


def import_contract_documents(uow, data: bytes, resolve_contracts: ResolveContracts) -> ContractDocumentsReport:
    """Writes the file's documents into the open unit of work (the caller's transaction: the registry import
    commits all of its files together). A row whose contract accounts does not know is rejected; a month
    already stored is updated when it differs and left alone otherwise, so re-importing changes nothing."""
    rows = read_rows(data)
    good, rejected = parse_rows(rows)
    report = ContractDocumentsReport(rows=len(rows), rejected=rejected)
    resolved = resolve_contracts(sorted({(r.supplier_code, r.contract_number) for r in good})) if good else {}
    months = []
    for row in good:
        ids = resolved.get((row.supplier_code, row.contract_number))
        if ids is None:
            report.rejected.append(Rejection(row.line, f"Договор {row.contract_number} поставщика "
                                                       f"«{row.supplier_code}» не найден."))
        else:
            months.append(row.documents(contract_id=ids[0], supplier_id=ids[1]))
    stored = uow.contract_documents.existing([(d.contract_id, d.period, d.kind) for docs in months for d in docs])
    changed: list[ContractDocument] = []
    for docs in months:
        before = [stored.get((d.contract_id, d.period, d.kind)) for d in docs]
        fresh = [d for d, old in zip(docs, before, strict=True) if old is None or not d.same_as(old)]
        if not fresh:
            report.unchanged += 1
            continue
        report.inserted += all(old is None for old in before)
        report.updated += any(old is not None for old in before)
        changed += fresh
    uow.contract_documents.put(changed)
    report.rejected.sort(key=lambda r: r.line)
    return report


def document_not_found() -> NotFound:
    return NotFound("Документ не найден.", code="document_not_found")


def list_contract_documents(uow, contracts: ContractsPort, *, contract_id: str,
                            period: dt.date | None = None) -> list[ContractDocument]:
    """The documents of one of the caller's contracts (accounts says whose it is), newest month first."""
    if not is_uuid(contract_id):
        raise NotFound("Договор не найден.", code="contract_not_found")
    contracts.check_contract(contract_id)
    with uow:
        return uow.contract_documents.list_for_contract(contract_id, period)


def contract_document_pdf(uow, contracts: ContractsPort, render: RenderDocument, *, document_id: str) -> File:
    """One document of one of the caller's contracts as a PDF; anything else is `document_not_found`."""
    if not is_uuid(document_id):
        raise document_not_found()
    with uow:
        document = uow.contract_documents.get(document_id)
        if document is None:
            raise document_not_found()
        try:
            contracts.check_contract(document.contract_id)
        except (NotFound, Forbidden):
            raise document_not_found() from None
        supplier = uow.suppliers.get(document.supplier_id)
    if supplier is None:
        raise Rejected("Реквизиты поставщика ещё не получены. Попробуйте позже.", code="supplier_details_missing")
    return File(filename=document.filename(), content_type=PDF, content=render(document, supplier_details(supplier)))
