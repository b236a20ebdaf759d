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
from services.notify.domain.dispatch import QuietHours, Rate  # (section: dispatch)
from services.notify.domain.model import SMS  # (section: dispatch)
from services.notify.domain.unsubscribe import DEV_UNSUBSCRIBE_SECRET  # (section: notifications)

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
    # KABINET_UNSUBSCRIBE_SECRET: the HMAC key of the one-click unsubscribe links in e-mails (RFC 8058); required
    # in prod (a fixed value in dev and test). Changing it makes the links in e-mails already sent stop working.
    unsubscribe_secret: str = ""

    @model_validator(mode="after")
    def _notifications(self) -> NotifyConfig:
        if not self.unsubscribe_secret:
            if not self.is_dev:
                raise ValueError("KABINET_UNSUBSCRIBE_SECRET is required outside the dev and test profiles")
            object.__setattr__(self, "unsubscribe_secret", DEV_UNSUBSCRIBE_SECRET)
        return self

    # (section: dispatch)
    # The outgoing queue's dispatcher. Each provider's rate (messages a second on average) and burst: one token
    # bucket per provider in PostgreSQL, so that the limit holds whatever the number of worker replicas.
    sms_rate_per_second: float = Field(50.0, gt=0, le=10_000)
    sms_burst: float = Field(50.0, ge=1, le=100_000)
    email_rate_per_second: float = Field(20.0, gt=0, le=10_000)
    email_burst: float = Field(20.0, ge=1, le=100_000)
    rate_debt_seconds: float = Field(60.0, ge=0, le=3600)  # how far codes may run a bucket into debt (× its rate)
    quiet_hours: str = "21:00-09:00"  # the customer's local time without SMS ("" for none)
    dispatch_every_seconds: float = Field(0.25, ge=0.05, le=60)
    dispatch_batch: int = Field(500, ge=1, le=10_000)  # rows one pass looks at per channel (held ones included)
    dispatch_concurrency: int = Field(8, ge=1, le=64)  # sends under way at once
    dispatch_lease_seconds: float = Field(300.0, ge=10, le=86_400)  # a send unanswered this long was orphaned

    @model_validator(mode="after")
    def _dispatch(self) -> NotifyConfig:
        QuietHours.parse(self.quiet_hours)  # ValueError names the format
        return self

    def rate_of(self, channel: str) -> Rate:
        """The token bucket's parameters of a channel's provider."""
        per_second, burst = ((self.sms_rate_per_second, self.sms_burst) if channel == SMS
                             else (self.email_rate_per_second, self.email_burst))
        return Rate(per_second, burst, debt_limit=per_second * self.rate_debt_seconds)

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
