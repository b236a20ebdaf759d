"""`python -m simulators.sms --port 18026 --login kabinet --password … [--gateway-url http://…]
[--status-callbacks]`: see simulators.sms.server (sending), simulators.sms.inbound (incoming SMS delivered to the
gateway) and simulators.sms.statuses (delivery statuses reported to the gateway)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from simulators.sms.inbound import Inbound
from simulators.sms.server import make_server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m simulators.sms")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("KABINET_SMS_SIM_PORT", "18026")))
    parser.add_argument("--login", default=os.environ.get("KABINET_SMS_SIM_LOGIN", "kabinet"))
    parser.add_argument("--password", default=os.environ.get("KABINET_SMS_SIM_PASSWORD", "kabinet-dev"))
    parser.add_argument("--store", type=Path, help="JSON-lines file of received SMS (kept across restarts)")
    parser.add_argument("--gateway-url", default=os.environ.get("KABINET_SMS_SIM_GATEWAY_URL", ""),
                        help="where incoming SMS go: the gateway's base URL (/partners/v1/sms/inbound)")
    parser.add_argument("--partner-key-id", default=os.environ.get("KABINET_SMS_SIM_PARTNER_KEY_ID", ""),
                        help="the sms_gateway partner's key id (or later: POST /_sim/config)")
    parser.add_argument("--partner-secret", default=os.environ.get("KABINET_SMS_SIM_PARTNER_SECRET", ""),
                        help="its secret (prefer the environment: a command line is visible to others)")
    parser.add_argument("--status-callbacks", action="store_true",
                        default=os.environ.get("KABINET_SMS_SIM_STATUS_CALLBACKS", "") == "1",
                        help="report each SMS's delivery status to the gateway (/partners/v1/sms/status)")
    args = parser.parse_args(argv)
    inbound = Inbound(args.gateway_url, args.partner_key_id, args.partner_secret)
    server = make_server(args.host, args.port, login=args.login, password=args.password, store=args.store,
                         inbound=inbound, status_callbacks=args.status_callbacks)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"SMSC simulator on http://{args.host}:{args.port}/sys/send.php", flush=True)
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    sys.exit(main())
