"""Invoices (квитанции) of an account and their PDFs, legal entities' contract documents (payments decides)."""

from __future__ import annotations

import kabinet_vocabulary as vocab
from flask import Blueprint
from kabinet.payments.v1 import payments_pb2 as pb
from marshmallow import Schema, fields, validate

from gateway.openapi import operation, query_params
from gateway.schema import PDF, SHORT, StrictSchema, Timestamp, attachment, dump, field, path_id, query, text
from gateway.security import login_required
from gateway.services import payments

bp = Blueprint("invoices", __name__, url_prefix="/api/v1")


class InvoiceListIn(StrictSchema):
    page_size = field(fields.Integer, validate=validate.Range(min=1, max=1000, error="Допустимо от 1 до 1000."),
                      metadata={"description": "1–120 (more is 120), default 12"})
    page_token = text(SHORT, metadata={"description": "next_page_token of the previous page"})


class InvoiceOut(Schema):
    invoice_id = fields.String()
    account_id = fields.String()
    account_number = fields.String()
    supplier_id = fields.String()
    period = fields.String(metadata={"description": "YYYY-MM"})
    number = fields.Integer(metadata={"description": "gapless per supplier"})
    issued_at = Timestamp(allow_none=True)
    due_on = fields.String(metadata={"description": "YYYY-MM-DD: оплатить до"})
    opening_kop = fields.Integer(metadata={"description": "balance at the start of the period (+ overpayment, − debt)"})
    charged_kop = fields.Integer()
    paid_kop = fields.Integer()
    penalties_kop = fields.Integer(metadata={"description": "penalties accrued in the period"})
    closing_kop = fields.Integer()
    amount_due_energy_kop = fields.Integer()
    amount_due_penalties_kop = fields.Integer()
    pdf = fields.Method("pdf_url", metadata={"description": "where its PDF is"})

    def pdf_url(self, invoice) -> str:
        return f"/api/v1/invoices/{invoice.invoice_id}.pdf"


class InvoiceListOut(Schema):
    invoices = fields.List(fields.Nested(InvoiceOut))
    next_page_token = fields.String(metadata={"description": "\"\" on the last page"})


class DocumentListIn(StrictSchema):
    period = text(SHORT, metadata={"description": "YYYY-MM: one month only"})


class ContractDocumentOut(Schema):
    document_id = fields.String()
    contract_id = fields.String()
    kind = fields.String(metadata={"enum": list(vocab.LEGAL_DOCUMENT_KIND.codes)})
    title = fields.Method("kind_title", metadata={"description": "Счёт, Счёт-фактура, Акт приёма-передачи …"})
    period = fields.String(metadata={"description": "YYYY-MM"})
    number = fields.String()
    issued_on = fields.String(metadata={"description": "YYYY-MM-DD"})
    amount_kop = fields.Integer(metadata={"description": "with VAT"})
    vat_kop = fields.Integer()
    pdf = fields.Method("pdf_url")

    def kind_title(self, document) -> str:
        return vocab.LEGAL_DOCUMENT_KIND.title(document.kind) if document.kind in vocab.LEGAL_DOCUMENT_KIND else ""

    def pdf_url(self, document) -> str:
        return f"/api/v1/contract-documents/{document.document_id}.pdf"


class DocumentListOut(Schema):
    documents = fields.List(fields.Nested(ContractDocumentOut))



@bp.get("/accounts/<account_id>/invoices")
@operation("Квитанции лицевого счёта (архив)", tag="money", response=InvoiceListOut, errors=(404,),
           params=query_params("page_size", "page_token"),
           description="Newest period first, a page at a time (page_token = the previous next_page_token).")
@login_required
def list_invoices(account_id: str):
    data = query(InvoiceListIn)
    return dump(InvoiceListOut, payments().call("ListInvoices", pb.ListInvoicesRequest(
        account_id=path_id(account_id), page_size=data.get("page_size") or 0, page_token=data.get("page_token", "")),
        idempotent=True))


@bp.get("/invoices/<invoice_id>.pdf")
@operation("Квитанция в PDF", tag="money", errors=(404,), produces=PDF,
           description="The invoice with its payment QR code (ГОСТ Р 56042-2014), as an attachment. "
                       "404 invoice_not_found for an invoice that is not of the caller's accounts.")
@login_required
def invoice_pdf(invoice_id: str):
    reply = payments().call("GetInvoicePdf", pb.GetInvoicePdfRequest(invoice_id=path_id(invoice_id)),
                            idempotent=True)
    return attachment(reply, PDF, "kvitanciya.pdf")


@bp.get("/contracts/<contract_id>/documents")
@operation("Документы по договору: счета, счета-фактуры, акты", tag="contracts", response=DocumentListOut,
           errors=(404,), params=query_params("period"), description="Newest month first.")
@login_required
def list_contract_documents(contract_id: str):
    data = query(DocumentListIn)
    return dump(DocumentListOut, payments().call("ListContractDocuments", pb.ListContractDocumentsRequest(
        contract_id=path_id(contract_id), period=data.get("period", "")), idempotent=True))


@bp.get("/contract-documents/<document_id>.pdf")
@operation("Документ по договору в PDF", tag="contracts", errors=(404,), produces=PDF,
           description="Счёт, счёт-фактура or акт as an attachment; 404 document_not_found for a document "
                       "that is not of the caller's contracts.")
@login_required
def contract_document_pdf(document_id: str):
    reply = payments().call("GetContractDocumentPdf",
                            pb.GetContractDocumentPdfRequest(document_id=path_id(document_id)), idempotent=True)
    return attachment(reply, PDF, "dokument.pdf")
