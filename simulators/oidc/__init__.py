"""A small real OpenID Connect provider for dev and tests: discovery, authorize (auto-approves a
configured test user, or the `login_hint` as subject), token (authorization code + PKCE S256,
client_secret_basic or _post), RS256-signed ID tokens and the JWKS.

    python -m simulators.oidc

Environment: KABINET_OIDC_SIM_PORT (9400) or KABINET_OIDC_SIM_BIND (127.0.0.1:<port>), KABINET_OIDC_SIM_ISSUER (http://<bind>),
KABINET_OIDC_SIM_CLIENT_ID (kabinet-dev), KABINET_OIDC_SIM_CLIENT_SECRET (dev-secret),
KABINET_OIDC_SIM_SUBJECT (sim-user-1), KABINET_OIDC_SIM_EMAIL (sim-user-1@example.test).
"""
