"""Notify's settings: which delivery adapter sends each channel, and its provider.

KABINET_SMS_ADAPTER: "smsc" (SMSC.ru's HTTP API), "dev" (writes to the dev outbox; dev and test
profiles only, and their default) or "none" (deliveries fail visibly; the production default).
KABINET_EMAIL_ADAPTER: "smtp", "dev" or "none", likewise.
KABINET_SMTP_* and KABINET_SMS_* describe the providers (see the README); KABINET_DEV_OUTBOX_URLS
the delivery simulators whose mailboxes the dev outbox also shows.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from kit.settings import ServiceConfig
from services.notify.adapters.delivery import SMSC_URL, SMTP_SECURITY

SMS_ADAPTERS = ("smsc", "dev", "none")
EMAIL_ADAPTERS = ("smtp", "dev", "none")


class NotifyConfig(ServiceConfig):
    sms_adapter: str = ""
    email_adapter: str = ""

    smtp_host: str = ""
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_security: str = "starttls"
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_from: str = ""  # e.g. "Личный кабинет <noreply@example.ru>"
    smtp_ca_file: str = ""
    smtp_timeout: float = Field(10.0, gt=0, le=60)

    sms_url: str = SMSC_URL
    sms_login: str = ""
    sms_password: str = ""
    sms_sender: str = ""  # a sender name registered with SMSC; "" for the account's default
    sms_timeout: float = Field(10.0, gt=0, le=60)

    # Attempts per message before it is `failed` (retries ride on the event's redelivery).
    delivery_max_attempts: int = Field(8, ge=1, le=20)
    dev_outbox_urls: str = ""  # comma-separated simulator base URLs (dev and test only)
    # Where customers open the cabinet; links in e-mails point there (required in prod).
    public_url: str = ""

    # (section: notifications)

    # (section: dispatch)

    # (section: care)

    @model_validator(mode="after")
    def _adapters(self) -> NotifyConfig:
        for name, allowed in (("sms_adapter", SMS_ADAPTERS), ("email_adapter", EMAIL_ADAPTERS)):
            value = getattr(self, name) or ("dev" if self.is_dev else "none")
            if value not in allowed:
                raise ValueError(f"KABINET_{name.upper()} must be one of {', '.join(allowed)}")
            if value == "dev" and not self.is_dev:
                raise ValueError(f"KABINET_{name.upper()}=dev is for the dev and test profiles only")
            object.__setattr__(self, name, value)
        if self.email_adapter == "smtp":
            self._smtp()
        if self.sms_adapter == "smsc":
            if not (self.sms_login and self.sms_password):
                raise ValueError("KABINET_SMS_ADAPTER=smsc needs KABINET_SMS_LOGIN and KABINET_SMS_PASSWORD")
            if not self.is_dev and not self.sms_url.startswith("https://"):
                raise ValueError("KABINET_SMS_URL must be https:// outside the dev and test profiles")
        if self.dev_outbox_urls and not self.is_dev:
            raise ValueError("KABINET_DEV_OUTBOX_URLS is for the dev and test profiles only")
        if not self.public_url:
            if not self.is_dev:
                raise ValueError("KABINET_PUBLIC_URL is required outside the dev and test profiles")
            object.__setattr__(self, "public_url", "http://127.0.0.1:8080")
        return self

    def _smtp(self) -> None:
        if not (self.smtp_host and self.smtp_from):
            raise ValueError("KABINET_EMAIL_ADAPTER=smtp needs KABINET_SMTP_HOST and KABINET_SMTP_FROM")
        if self.smtp_security not in SMTP_SECURITY:
            raise ValueError(f"KABINET_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}")
        if self.smtp_username and not self.smtp_password:
            raise ValueError("KABINET_SMTP_USERNAME needs KABINET_SMTP_PASSWORD")
        if self.smtp_username and self.smtp_security == "none" and not self.is_dev:
            raise ValueError("SMTP authentication without TLS is for the dev and test profiles only")

    @property
    def dev_outbox_sources(self) -> list[str]:
        return [u.strip() for u in self.dev_outbox_urls.split(",") if u.strip()]
