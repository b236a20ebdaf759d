"""Settings from the environment, validated at start (fail fast).

Every process reads `KABINET_*` variables. No secret has a default outside the
dev and test profiles: a production process without one refuses to start.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError


class Profile(StrEnum):
    DEV = "dev"
    TEST = "test"
    PROD = "prod"


class BaseConfig(BaseSettings):
    """What every Kabinet process needs."""

    model_config = SettingsConfigDict(env_prefix="KABINET_", extra="ignore", frozen=True)

    profile: Profile = Profile.PROD
    log_level: str = "INFO"
    nats_url: str = Field("", description="nats://host:port[,nats://host:port...]")
    nats_replicas: int = Field(1, ge=1, le=5, description="JetStream stream replicas")
    trace_file: str = Field("", description="dev: append finished spans as JSON lines to this file "
                                            "(python -m tools.trace); OTLP export uses the OTEL_* variables")

    auth_target: str = ""
    accounts_target: str = ""
    readings_target: str = ""
    payments_target: str = ""
    notify_target: str = ""

    @property
    def is_dev(self) -> bool:
        return self.profile in (Profile.DEV, Profile.TEST)

    @property
    def nats_servers(self) -> list[str]:
        return [s.strip() for s in self.nats_url.split(",") if s.strip()]

    def target(self, service: str) -> str:
        value = getattr(self, f"{service}_target")
        if not value:
            raise ConfigError(f"KABINET_{service.upper()}_TARGET is not set")
        return value


class ServiceConfig(BaseConfig):
    """A service process: its own database, NATS and a gRPC listen address."""

    database_url: str
    grpc_listen: str = "127.0.0.1:50051"
    grpc_threads: int = Field(16, ge=1, le=256)
    db_pool_size: int = Field(10, ge=1, le=200)
    metrics_listen: str = Field("", pattern=r"^$|^(\[[0-9A-Fa-f:.]+\]|[\w.-]*):\d{1,5}$",
                                description="host:port serving Prometheus /metrics; empty: none")

    @model_validator(mode="after")
    def _needs_nats(self) -> ServiceConfig:
        if not self.nats_servers:
            raise ValueError("KABINET_NATS_URL is required")
        return self


class ConfigError(RuntimeError):
    """The environment does not describe a runnable process."""


def load(cls: type[BaseConfig], **overrides) -> BaseConfig:
    """Read and validate settings; raise ConfigError naming every problem."""
    try:
        return cls(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            (f"KABINET_{'_'.join(str(p) for p in e['loc']).upper()}: " if e["loc"] else "")
            + e["msg"].removeprefix("Value error, ") for e in exc.errors()
        )
        raise ConfigError(f"invalid configuration: {problems}") from None
    except SettingsError as exc:  # e.g. a JSON setting that is not JSON
        raise ConfigError(f"invalid configuration: {exc}") from None
