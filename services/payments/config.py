"""Payments' settings: the card acquirer (YooKassa API v3, one shop per deployment), where customers come back
after paying, the networks the provider's notifications come from, the receipts' VAT and the breaker.

KABINET_YOOKASSA_URL (the API base, …/v3), KABINET_YOOKASSA_SHOP_ID, KABINET_YOOKASSA_SECRET_KEY: required
outside the dev and test profiles (the devstack points them at simulators/yookassa). KABINET_PUBLIC_URL: the
cabinet's origin, the base of the return URL after the payment page. KABINET_YOOKASSA_NOTIFICATION_NETWORKS:
comma-separated CIDRs (YooKassa's documented list by default; dev and test add the loopback).
"""

from __future__ import annotations

import ipaddress

from pydantic import Field, model_validator

from kit.settings import ServiceConfig

YOOKASSA_NETWORKS = ("185.71.76.0/27", "185.71.77.0/27", "77.75.153.0/25", "77.75.156.11/32", "77.75.156.35/32",
                     "77.75.154.128/25", "2a02:5180::/32")
LOOPBACK = ("127.0.0.1/32", "::1/128")
DEV_YOOKASSA_URL = "http://127.0.0.1:18028/v3"
DEV_SHOP_ID, DEV_SECRET_KEY = "100500", "test_kabinet-dev-yookassa"
DEV_PUBLIC_URL = "http://127.0.0.1:8080"


class PaymentsConfig(ServiceConfig):
    yookassa_url: str = ""
    yookassa_shop_id: str = ""
    yookassa_secret_key: str = ""
    yookassa_timeout: float = Field(10.0, gt=0, le=60, description="seconds per HTTP call")
    yookassa_notification_networks: str = ""
    # 54-ФЗ: YooKassa's vat_code of the receipt's items: 1 без НДС, 2 0 %, 3 10 %, 4 20 %, 11 22 % (2026 on).
    receipt_vat_code: int = Field(11, ge=1, le=12)
    public_url: str = ""
    breaker_failures: int = Field(3, ge=1, le=100, description="failures in a row that open the breaker")
    breaker_reset_seconds: float = Field(30.0, gt=0, le=3600)
    # the reconciler re-fetches payments still pending after this long (a notification may be lost)
    reconcile_after_seconds: int = Field(180, ge=10, le=86400)

    @model_validator(mode="after")
    def _acquirer(self) -> PaymentsConfig:
        defaults = {"yookassa_url": DEV_YOOKASSA_URL, "yookassa_shop_id": DEV_SHOP_ID,
                    "yookassa_secret_key": DEV_SECRET_KEY, "public_url": DEV_PUBLIC_URL}
        for name, default in defaults.items():
            if not getattr(self, name):
                if not self.is_dev:
                    raise ValueError(f"KABINET_{name.upper()} is required outside the dev and test profiles")
                object.__setattr__(self, name, default)
        if not self.is_dev and not self.yookassa_url.startswith("https://"):
            raise ValueError("KABINET_YOOKASSA_URL must be https:// outside the dev and test profiles")
        for cidr in self.notification_networks:
            ipaddress.ip_network(cidr, strict=False)  # a typo fails the start, not a notification
        return self

    @property
    def notification_networks(self) -> tuple[str, ...]:
        given = tuple(n.strip() for n in self.yookassa_notification_networks.split(",") if n.strip())
        return (given or YOOKASSA_NETWORKS) + (LOOPBACK if self.is_dev else ())
