"""Payments: tariffs, charges (начисления), the account ledger and balances."""
