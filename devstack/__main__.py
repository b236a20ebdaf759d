"""`python -m devstack run`: the whole platform on this machine, data kept in .data/."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from pathlib import Path

from devstack.banner import banner
from devstack.stack import REPO_ROOT, Stack, StackError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack")
    commands = parser.add_subparsers(dest="command", required=True)
    run_cmd = commands.add_parser("run", help="start everything and wait for Ctrl-C")
    run_cmd.add_argument("--data-dir", type=Path, default=REPO_ROOT / ".data", help="default: <repo>/.data")
    run_cmd.add_argument(
        "--keep-going", action="store_true", help="keep the rest running when a process keeps crashing"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="devstack: %(message)s", stream=sys.stderr)
    return run(args.data_dir, keep_going=args.keep_going)


def run(data_dir: Path, *, keep_going: bool = False) -> int:
    """Start the dev stack, wait, stop it cleanly. Returns the exit code."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # stop everything cleanly (also when started in the background, where SIGINT arrives ignored)
        signal.signal(sig, _interrupt)
    stack = Stack(data_dir, "dev")
    try:
        stack.start()
        print(banner(stack), flush=True)
        while keep_going or not stack.supervisor.failed.is_set():
            time.sleep(0.5)
        _shout(
            f"{', '.join(stack.supervisor.gave_up)} kept crashing; stopping everything "
            "(see the log above; --keep-going keeps the rest running)"
        )
        return 1
    except KeyboardInterrupt:
        print("\ndevstack: stopping…", file=sys.stderr, flush=True)
        return 0
    except StackError as exc:
        _shout(f"could not start:\n{exc}")
        return 1
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)  # let the shutdown finish
        stack.stop()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _shout(message: str) -> None:
    bar = "!" * 100
    print(f"\n{bar}\n!!! devstack: {message}\n{bar}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
