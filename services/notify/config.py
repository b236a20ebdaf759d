"""Notify's settings: which delivery adapter sends each channel.

KABINET_SMS_ADAPTER, KABINET_EMAIL_ADAPTER: "dev" (writes to the dev outbox; dev and test
profiles only, and their default) or "none" (deliveries fail visibly; the production default
until a provider adapter is configured).
"""

from __future__ import annotations

from pydantic import model_validator

from kit.settings import ServiceConfig

ADAPTERS = ("dev", "none")


class NotifyConfig(ServiceConfig):
    sms_adapter: str = ""
    email_adapter: str = ""

    @model_validator(mode="after")
    def _adapters(self) -> NotifyConfig:
        for name in ("sms_adapter", "email_adapter"):
            value = getattr(self, name) or ("dev" if self.is_dev else "none")
            if value not in ADAPTERS:
                raise ValueError(f"KABINET_{name.upper()} must be one of {', '.join(ADAPTERS)}")
            if value == "dev" and not self.is_dev:
                raise ValueError(f"KABINET_{name.upper()}=dev is for the dev and test profiles only")
            object.__setattr__(self, name, value)
        return self
