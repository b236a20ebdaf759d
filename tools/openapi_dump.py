"""Print the gateway's OpenAPI document (JSON) without running anything: `python -m tools.openapi_dump`.

The same document GET /openapi.json serves; handy for writing a client (the web cabinet) against it.
"""

from __future__ import annotations

import json
import sys

from gateway.app import create_app
from gateway.config import GatewayConfig
from gateway.openapi import build

TARGETS = {f"{name}_target": "127.0.0.1:1" for name in ("auth", "accounts", "readings", "payments", "notify")}


def main() -> None:
    app = create_app(GatewayConfig(profile="test", redis_url="memory://", log_level="ERROR", **TARGETS), verifier=object())
    json.dump(build(app), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
