from __future__ import annotations

import hashlib
import secrets

from pydantic import Field, model_validator

from kit.settings import BaseConfig, Profile


class GatewayConfig(BaseConfig):
    secret_key: str = ""
    redis_url: str = Field("", description="redis://… shared by every worker and replica (rate limits, captcha, "
                                           "browser sessions); required in prod, memory:// only for one process")
    public_url: str = Field("", description="https://cabinet.example: the origin browsers use (CSRF Origin check, "
                                            "OIDC callback); empty = the request's own origin")
    allowed_origins: list[str] = Field(default_factory=list, description="more origins allowed to send cookies")
    max_body_bytes: int = Field(1024 * 1024, ge=1024)
    registry_max_bytes: int = Field(30 * 1024 * 1024, ge=1024,
                                    description="POST /staff/v1/registry only (CSV files); accounts' gRPC server "
                                                "takes messages up to 32 MB")
    proxy_hops: int | None = Field(None, ge=0, le=5,
                                   description="trusted reverse proxies in front (X-Forwarded-For/-Proto); "
                                               "default 0, and 1 in the test profile (tests pose as many clients)")
    service_timeout: float = Field(3.0, gt=0)
    dashboard_timeout: float = Field(1.5, gt=0, description="deadline for each part of the dashboard")
    rate_limits: dict[str, str] = Field(default_factory=dict,
                                        description='overrides of gateway.throttle.LIMITS, JSON {"name": "5/minute"}')
    captcha_ttl_seconds: int = Field(300, ge=30, le=3600)
    access_token_ttl_seconds: int = Field(300, ge=30, description="the longest life of auth's access tokens: how "
                                                                  "long an ended session is remembered")

    @model_validator(mode="after")
    def _secrets(self) -> GatewayConfig:
        if not self.secret_key:
            if not self.is_dev:
                raise ValueError("KABINET_SECRET_KEY is required outside the dev and test profiles")
            # dev/test: every worker and replica must agree on the key (it keys the shared rate-limit
            # counters and encrypts the shared browser sessions), so derive it from the shared store's
            # address; a lone process without Redis gets a random one.
            shared = self.redis_url and not self.redis_url.startswith("memory://")
            object.__setattr__(self, "secret_key", hashlib.sha256(f"kabinet-dev|{self.redis_url}".encode()).hexdigest()
                               if shared else secrets.token_hex(32))
        if not self.redis_url and not self.is_dev:
            raise ValueError("KABINET_REDIS_URL is required outside the dev and test profiles")
        if self.proxy_hops is None:
            object.__setattr__(self, "proxy_hops", 1 if self.profile == Profile.TEST else 0)
        for name in ("auth", "accounts", "readings", "payments", "notify"):
            if not getattr(self, f"{name}_target"):
                raise ValueError(f"KABINET_{name.upper()}_TARGET is required")
        return self
