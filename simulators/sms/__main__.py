"""`python -m simulators.sms --port 18026 --login kabinet --password …`: see simulators.sms.server."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from simulators.sms.server import make_server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m simulators.sms")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("KABINET_SMS_SIM_PORT", "18026")))
    parser.add_argument("--login", default=os.environ.get("KABINET_SMS_SIM_LOGIN", "kabinet"))
    parser.add_argument("--password", default=os.environ.get("KABINET_SMS_SIM_PASSWORD", "kabinet-dev"))
    parser.add_argument("--store", type=Path, help="JSON-lines file of received SMS (kept across restarts)")
    args = parser.parse_args(argv)
    server = make_server(args.host, args.port, login=args.login, password=args.password, store=args.store)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"SMSC simulator on http://{args.host}:{args.port}/sys/send.php", flush=True)
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    sys.exit(main())
