from __future__ import annotations

from pydantic import model_validator

from kit.settings import ServiceConfig

DEV_PEPPER = "dev-only-code-pepper"


class AuthConfig(ServiceConfig):
    """KABINET_CODE_PEPPER: HMAC key for one-time codes at rest; required in prod."""

    code_pepper: str = ""

    @model_validator(mode="after")
    def _pepper(self) -> AuthConfig:
        if not self.code_pepper:
            if not self.is_dev:
                raise ValueError("KABINET_CODE_PEPPER is required outside the dev and test profiles")
            object.__setattr__(self, "code_pepper", DEV_PEPPER)
        return self
