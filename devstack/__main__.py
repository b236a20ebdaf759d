"""`python -m devstack run`: the whole platform on this machine, data kept in .data/."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import time
from pathlib import Path

from devstack.banner import banner
from devstack.stack import REPO_ROOT, SERVICES, Stack, StackError
from devstack.supervisor import interrupt

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack")
    commands = parser.add_subparsers(dest="command", required=True)
    run_cmd = commands.add_parser("run", help="start everything and wait for Ctrl-C")
    run_cmd.add_argument("--data-dir", type=Path, default=REPO_ROOT / ".data", help="default: <repo>/.data")
    run_cmd.add_argument(
        "--keep-going", action="store_true", help="keep the rest running when a process keeps crashing"
    )
    run_cmd.add_argument(
        "--profile", choices=("dev", "test"), default="dev",
        help="test: the tests' profile, with fast (non-durable) PostgreSQL settings",
    )  # fmt: skip
    run_cmd.add_argument(
        "--services", default=",".join(SERVICES),
        help="comma-separated services to run (default: all); with fewer, no gateway (it needs them all)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    services = [svc for svc in args.services.split(",") if svc]
    unknown = set(services) - set(SERVICES)
    if unknown:
        parser.error(f"unknown services: {', '.join(sorted(unknown))} (known: {', '.join(SERVICES)})")
    logging.basicConfig(level=logging.INFO, format="devstack: %(message)s", stream=sys.stderr)
    return run(args.data_dir, keep_going=args.keep_going, profile=args.profile, services=services)


def run(
    data_dir: Path, *, keep_going: bool = False, profile: str = "dev", services: list[str] | tuple[str, ...] = SERVICES
) -> int:
    """Start the dev stack, wait, stop it cleanly. Returns the exit code.

    The first SIGINT, SIGTERM or SIGHUP (Ctrl-C, `kill`, a closed terminal; also when started in
    the background, where SIGINT arrives ignored) interrupts whatever runs, the start included;
    the stop that follows always runs to its end: a signal arriving after the first one (`make`
    and the terminal often deliver two back to back) or during the stop is only noted.
    """
    signals = _Signals()
    signals.install()
    everything = set(services) == set(SERVICES)
    stack = Stack(data_dir, profile, fast=profile == "test", services=services, gateway=everything)
    code = 1
    try:
        stack.start()
        print(banner(stack), flush=True)
        while keep_going or not stack.supervisor.failed.is_set():
            time.sleep(0.5)
        signals.stopping = True
        _shout(
            f"{', '.join(stack.supervisor.gave_up)} kept crashing; stopping everything "
            "(see the log above; --keep-going keeps the rest running)"
        )
    except KeyboardInterrupt:
        signals.stopping = True
        code = 0
        _say("\ndevstack: stopping…")
    except StackError as exc:
        signals.stopping = True
        _shout(f"could not start:\n{exc}")
    finally:
        signals.stopping = True  # from here on a signal cannot interrupt the stop
        try:
            stack.stop()
        except Exception as exc:  # noqa: BLE001 - Stack.stop went on past it; say so, fail
            _shout(f"while stopping: {exc}")
            code = 1
    _say("devstack: stopped")
    # Everything is stopped: a late signal (the second of a pair) must not kill us on the way out. Python
    # puts SIG_DFL back for its own handlers while it finalizes, but leaves SIG_IGN as it is.
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    return code


class _Signals:
    """The first stop signal raises KeyboardInterrupt in the main thread; every later one, or one
    after `stopping` was set, only says that the stop is under way."""

    def __init__(self) -> None:
        self.stopping = False  # a plain attribute: setting it runs no code a signal could cut into

    def install(self) -> None:
        for sig in STOP_SIGNALS:
            signal.signal(sig, self._handle)

    def _handle(self, signum: int, frame: object) -> None:
        if self.stopping:
            # os.write, not print: the main thread may be inside a print to sys.stderr.
            with contextlib.suppress(OSError):  # the terminal may be gone
                os.write(2, f"devstack: {signal.Signals(signum).name}: already stopping, please wait\n".encode())
            return
        self.stopping = True
        interrupt()  # KeyboardInterrupt, once the child being started (if any) is recorded


def _shout(message: str) -> None:
    bar = "!" * 100
    _say(f"\n{bar}\n!!! devstack: {message}\n{bar}")


def _say(message: str) -> None:
    with contextlib.suppress(OSError, ValueError):  # the terminal may be gone (SIGHUP)
        print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
