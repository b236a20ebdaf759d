from __future__ import annotations

from pydantic import BaseModel, Field, model_validator

from kit.settings import ServiceConfig

DEV_PEPPER = "dev-only-code-pepper"
DEV_PUBLIC_URL = "http://127.0.0.1:8080"
DEV_PARTNER_KEK = "ZGV2LW9ubHktcGFydG5lci1rZXktZW5jcnlwdGlvbiE"  # 32 bytes, base64: dev and test only


class OidcProvider(BaseModel):
    """One OpenID Connect provider (VK ID, Yandex ID, Госуслуги/ESIA, Google, or the simulator)."""

    issuer: str                                   # discovery: {issuer}/.well-known/openid-configuration
    client_id: str
    client_secret: str = ""
    title: str = ""
    scope: str = "openid email profile"
    redirect_uris: list[str] = Field(default_factory=list)  # allow-list for StartSocialLogin
    # For providers whose discovery document is not usable, the endpoints may be given directly.
    authorization_endpoint: str = ""
    token_endpoint: str = ""
    jwks_uri: str = ""


class AuthConfig(ServiceConfig):
    """KABINET_CODE_PEPPER: HMAC key for one-time codes at rest and the TOTP seal key; required in prod.
    KABINET_PUBLIC_URL: the web origin that e-mail links point at; required in prod.
    KABINET_OIDC_PROVIDERS: JSON object {"vk": {"issuer": ..., "client_id": ..., ...}, ...}.
    KABINET_PARTNER_KEK: 32 bytes in base64, the key-encryption key of partners' HMAC secrets; required in prod.
    KABINET_PARTNER_KEY_OVERLAP_HOURS: how long a partner's older keys keep working after a rotation (24)."""

    code_pepper: str = ""
    public_url: str = ""
    oidc_providers: dict[str, OidcProvider] = Field(default_factory=dict)
    partner_kek: str = ""
    partner_key_overlap_hours: int = 24

    @model_validator(mode="after")
    def _secrets(self) -> AuthConfig:
        if not self.code_pepper:
            if not self.is_dev:
                raise ValueError("KABINET_CODE_PEPPER is required outside the dev and test profiles")
            object.__setattr__(self, "code_pepper", DEV_PEPPER)
        if not self.public_url:
            if not self.is_dev:
                raise ValueError("KABINET_PUBLIC_URL is required outside the dev and test profiles")
            object.__setattr__(self, "public_url", DEV_PUBLIC_URL)
        if not self.partner_kek:
            if not self.is_dev:
                raise ValueError("KABINET_PARTNER_KEK is required outside the dev and test profiles")
            object.__setattr__(self, "partner_kek", DEV_PARTNER_KEK)
        return self
