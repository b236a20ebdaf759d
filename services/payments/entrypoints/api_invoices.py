"""gRPC methods of the payments API, customer: ListInvoices, GetInvoicePdf, ListContractDocuments, GetContractDocumentPdf: protobuf in, use case, protobuf out.

A mixin of entrypoints/api.py:PaymentsServicer (self.uow, self.accounts)."""

from __future__ import annotations


class InvoiceRpcs:
    pass
