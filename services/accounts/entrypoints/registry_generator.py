"""Moved to tools/registry_generator.py (test data is not an entrypoint of the service).

Kept only so that bench/accounts.py, tests/e2e/test_accounts_staff.py and docs/registry-format.md,
which still name this module, keep working; delete it once they name tools.registry_generator."""

from tools.registry_generator import generate, main

__all__ = ["generate", "main"]

if __name__ == "__main__":
    main()
