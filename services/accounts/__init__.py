"""Accounts: suppliers, utility accounts (лицевые счета), meters, and who may touch them."""
