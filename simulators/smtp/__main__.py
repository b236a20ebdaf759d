"""`python -m simulators.smtp --port 12525 --http-port 18025 [--login … --password …]`: see
simulators.smtp.server."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from simulators.smtp.server import SmtpSimulator


def main(argv: list[str] | None = None) -> None:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="python -m simulators.smtp")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(env("KABINET_SMTP_SIM_PORT", "12525")))
    parser.add_argument("--http-port", type=int, default=int(env("KABINET_SMTP_SIM_HTTP_PORT", "18025")))
    parser.add_argument("--login", default=env("KABINET_SMTP_SIM_LOGIN", ""), help="require AUTH with this login")
    parser.add_argument("--password", default=env("KABINET_SMTP_SIM_PASSWORD", ""))
    parser.add_argument("--tls-cert", default="", help="offer STARTTLS with this certificate (PEM)")
    parser.add_argument("--tls-key", default="")
    parser.add_argument("--store", type=Path, help="JSON-lines file of received mail (kept across restarts)")
    args = parser.parse_args(argv)
    sim = SmtpSimulator(args.host, args.port, args.http_port, store=args.store, login=args.login,
                        password=args.password, tls_cert=args.tls_cert, tls_key=args.tls_key)
    sim.start()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: threading.Thread(target=sim.shutdown).start())
    print(f"SMTP simulator on {args.host}:{args.port}, messages at http://{args.host}:{args.http_port}/_sim/messages",
          flush=True)
    sim.serve_http()
    sim.close()


if __name__ == "__main__":
    sys.exit(main())
