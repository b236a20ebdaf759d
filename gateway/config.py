from __future__ import annotations

import secrets

from pydantic import Field, model_validator

from kit.settings import BaseConfig


class GatewayConfig(BaseConfig):
    secret_key: str = ""
    redis_url: str = ""
    max_body_bytes: int = Field(1024 * 1024, ge=1024)
    proxy_hops: int = Field(0, ge=0, le=5, description="trusted reverse proxies in front (X-Forwarded-For)")
    service_timeout: float = Field(3.0, gt=0)
    dashboard_timeout: float = Field(1.5, gt=0, description="deadline for each part of the dashboard")

    @model_validator(mode="after")
    def _secrets(self) -> GatewayConfig:
        if not self.secret_key:
            if not self.is_dev:
                raise ValueError("KABINET_SECRET_KEY is required outside the dev and test profiles")
            object.__setattr__(self, "secret_key", secrets.token_hex(32))
        for name in ("auth", "accounts", "readings", "payments", "notify"):
            if not getattr(self, f"{name}_target"):
                raise ValueError(f"KABINET_{name.upper()}_TARGET is required")
        return self
