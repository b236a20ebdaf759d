"""gRPC methods of the payments API, customer: ListInvoices, GetInvoicePdf, ListContractDocuments, GetContractDocumentPdf: protobuf in, use case, protobuf out.

A mixin of entrypoints/api.py:PaymentsServicer (self.uow, self.accounts). The PDF renderers are adapters,
given to the use cases from here (class attributes, so that a test may give others)."""

from __future__ import annotations

import datetime as dt
import re

from kabinet.payments.v1 import payments_pb2 as pb

from kit.context import require_caller
from kit.errors import InvalidInput
from services.payments.adapters.invoice_pdf import render_invoice_pdf
from services.payments.adapters.legal_pdf import render_contract_document_pdf
from services.payments.domain.contract_documents import ContractDocument
from services.payments.domain.invoices import IssuedInvoice
from services.payments.service_layer import contract_documents, invoices

DEFAULT_PAGE, MAX_PAGE = 12, 120
MONTH = re.compile(r"(\d{4})-(\d{2})")


class InvoiceRpcs:
    render_invoice = staticmethod(render_invoice_pdf)
    render_contract_document = staticmethod(render_contract_document_pdf)

    def ListInvoices(self, request, context):
        user = require_caller()
        size = min(max(request.page_size or DEFAULT_PAGE, 1), MAX_PAGE)
        before = month_of(request.page_token, "page_token") if request.page_token else None
        page = invoices.list_invoices(self.uow(), self.accounts, user_id=user.user_id,
                                      account_id=request.account_id, limit=size, before=before)
        return pb.ListInvoicesReply(invoices=[invoice_to_pb(i) for i in page.invoices],
                                    next_page_token=f"{page.next_before:%Y-%m}" if page.next_before else "")

    def GetInvoicePdf(self, request, context):
        user = require_caller()
        file = invoices.invoice_pdf(self.uow(), self.accounts, self.render_invoice, user_id=user.user_id,
                                    invoice_id=request.invoice_id)
        return pb.FileReply(filename=file.filename, content_type=file.content_type, content=file.content)

    def ListContractDocuments(self, request, context):
        require_caller()
        period = month_of(request.period, "period") if request.period else None
        found = contract_documents.list_contract_documents(self.uow(), self.accounts,
                                                           contract_id=request.contract_id, period=period)
        return pb.ListContractDocumentsReply(documents=[document_to_pb(d) for d in found])

    def GetContractDocumentPdf(self, request, context):
        require_caller()
        file = contract_documents.contract_document_pdf(self.uow(), self.accounts, self.render_contract_document,
                                                        document_id=request.document_id)
        return pb.FileReply(filename=file.filename, content_type=file.content_type, content=file.content)


def month_of(text: str, name: str) -> dt.date:
    """"2026-11" -> 2026-11-01; anything else is `invalid_input` with the field."""
    match = MONTH.fullmatch(text)
    if match is None or not 1 <= int(match[2]) <= 12:
        raise InvalidInput("Проверьте запрос.", code="invalid_input", fields={name: "Месяц в виде ГГГГ-ММ."})
    return dt.date(int(match[1]), int(match[2]), 1)


def invoice_to_pb(invoice: IssuedInvoice) -> pb.Invoice:
    msg = pb.Invoice(
        invoice_id=invoice.invoice_id, account_id=invoice.account_id, supplier_id=invoice.supplier_id,
        period=invoice.period_text, number=invoice.number, due_on=invoice.due_on.isoformat(),
        opening_kop=invoice.opening_kop, charged_kop=invoice.charged_kop, paid_kop=invoice.paid_kop,
        penalties_kop=invoice.penalties_kop, closing_kop=invoice.closing_kop,
        amount_due_energy_kop=invoice.amount_due_energy_kop,
        amount_due_penalties_kop=invoice.amount_due_penalties_kop, account_number=invoice.account_number)
    msg.issued_at.FromDatetime(invoice.issued_at)
    return msg


def document_to_pb(document: ContractDocument) -> pb.ContractDocument:
    return pb.ContractDocument(
        document_id=document.document_id, contract_id=document.contract_id, kind=document.kind,
        period=f"{document.period:%Y-%m}", number=document.number, issued_on=document.issued_on.isoformat(),
        amount_kop=document.amount_kop, vat_kop=document.vat_kop)
