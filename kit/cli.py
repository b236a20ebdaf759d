"""One command line for every service: `python -m services.<svc> api|worker|migrate|seed-demo`."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from kit import logging as kit_logging
from kit.settings import ConfigError, ServiceConfig, load

log = logging.getLogger("kit.cli")


def run(service: str, commands: dict[str, Callable[[ServiceConfig], None]],
        config_class: type[ServiceConfig] = ServiceConfig, argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog=f"python -m services.{service}")
    parser.add_argument("command", choices=sorted(commands))
    args = parser.parse_args(argv)
    try:
        config = load(config_class)
    except ConfigError as exc:
        print(f"{service}: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    kit_logging.configure(f"{service}-{args.command}", config.log_level)
    try:
        commands[args.command](config)
    except KeyboardInterrupt:
        pass
    except Exception:
        log.exception("%s %s failed", service, args.command)
        raise SystemExit(1) from None
