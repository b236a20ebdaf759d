"""`python -m simulators.oidc`: serve the OpenID Connect provider simulator (see the package docstring)."""

from __future__ import annotations

import os

from werkzeug.serving import run_simple

from simulators.oidc.app import SimConfig, create_app


def main() -> None:
    port = os.environ.get("KABINET_OIDC_SIM_PORT", "9400")
    bind = os.environ.get("KABINET_OIDC_SIM_BIND", f"127.0.0.1:{port}")
    host, port = bind.rsplit(":", 1)
    config = SimConfig(
        issuer=os.environ.get("KABINET_OIDC_SIM_ISSUER", f"http://{bind}"),
        client_id=os.environ.get("KABINET_OIDC_SIM_CLIENT_ID", "kabinet-dev"),
        client_secret=os.environ.get("KABINET_OIDC_SIM_CLIENT_SECRET", "dev-secret"),
        subject=os.environ.get("KABINET_OIDC_SIM_SUBJECT", "sim-user-1"),
        email=os.environ.get("KABINET_OIDC_SIM_EMAIL", "sim-user-1@example.test"),
    )
    run_simple(host, int(port), create_app(config), threaded=True)


if __name__ == "__main__":
    main()
