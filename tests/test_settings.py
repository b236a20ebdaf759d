"""Settings fail fast with one clear error naming what is wrong."""

import pytest


def test_a_bad_environment_is_one_clear_configuration_error(monkeypatch):
    from kit.settings import ConfigError, ServiceConfig, load
    from services.auth.config import AuthConfig

    with pytest.raises(ConfigError, match="KABINET_DATABASE_URL"):
        load(ServiceConfig, profile="prod")
    monkeypatch.setenv("KABINET_OIDC_PROVIDERS", "")
    with pytest.raises(ConfigError):
        load(AuthConfig, profile="test", database_url="postgresql+psycopg://x@h/db", nats_url="nats://h:1")
