"""`python -m simulators.yookassa --port 18028`: serve the YooKassa simulator (see the package docstring).

Environment (flags win): KABINET_YOOKASSA_SIM_PORT, KABINET_YOOKASSA_SIM_SHOP_ID,
KABINET_YOOKASSA_SIM_SECRET_KEY, KABINET_YOOKASSA_SIM_NOTIFICATION_URL (where notifications go),
KABINET_YOOKASSA_SIM_RETRY_DELAYS ("1,5,30": seconds between delivery attempts),
KABINET_YOOKASSA_SIM_BREAK ("<iso>/<iso>": a technical break), KABINET_YOOKASSA_SIM_RECEIPT_REQUIRED (1/0).
"""

from __future__ import annotations

import argparse
import os

from werkzeug.serving import run_simple

from simulators.yookassa.app import SECRET_KEY, SHOP_ID, SimConfig, break_window, create_app


def main(argv: list[str] | None = None) -> None:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="python -m simulators.yookassa")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(env("KABINET_YOOKASSA_SIM_PORT", "18028")))
    parser.add_argument("--shop-id", default=env("KABINET_YOOKASSA_SIM_SHOP_ID", SHOP_ID))
    parser.add_argument("--secret-key", default=env("KABINET_YOOKASSA_SIM_SECRET_KEY", SECRET_KEY))
    parser.add_argument("--notification-url", default=env("KABINET_YOOKASSA_SIM_NOTIFICATION_URL") or None)
    parser.add_argument("--retry-delays", default=env("KABINET_YOOKASSA_SIM_RETRY_DELAYS", "1,5,30,60,300"))
    parser.add_argument("--break", dest="break_", default=env("KABINET_YOOKASSA_SIM_BREAK") or None,
                        help="a technical break, '<iso from>/<iso until>'")
    parser.add_argument("--no-receipts", action="store_true",
                        default=env("KABINET_YOOKASSA_SIM_RECEIPT_REQUIRED", "1") == "0",
                        help="do not require a 54-FZ receipt with each payment")
    args = parser.parse_args(argv)
    config = SimConfig(
        shop_id=args.shop_id, secret_key=args.secret_key, notification_url=args.notification_url,
        retry_delays=[float(d) for d in args.retry_delays.split(",") if d.strip()],
        receipt_required=not args.no_receipts, breaks=[break_window(args.break_)] if args.break_ else [],
    )
    print(f"YooKassa simulator on http://{args.host}:{args.port}/v3/ (shop {config.shop_id})", flush=True)
    run_simple(args.host, args.port, create_app(config), threaded=True)


if __name__ == "__main__":
    main()
