"""A YooKassa (ЮKassa) simulator speaking API v3 over HTTP: payments with a hosted card page (3-D Secure
included), capture and cancel, saved cards (autopay), refunds, 54-ФЗ receipts, HTTP notifications with
retries, idempotence keys and technical breaks. Dev and test only; state lives in memory.

    python -m simulators.yookassa --port 18028

See simulators/yookassa/README.md for the test cards and the /_sim control routes.
"""
