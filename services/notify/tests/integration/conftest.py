"""The notify runtime fixture (`rt`: a fresh migrated database, the test profile) for every integration test here."""

from services.notify.tests.integration.test_notify import rt  # noqa: F401 - the fixture
