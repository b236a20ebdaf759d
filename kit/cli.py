"""One command line for every service: `python -m services.<svc> api|worker|migrate|seed-demo`."""

from __future__ import annotations

import argparse
import logging
import sys

from kit import logging as kit_logging
from kit.service import Service
from kit.settings import ConfigError, load

log = logging.getLogger("kit.cli")


def run(service: Service, argv: list[str] | None = None) -> None:
    commands = service.commands()
    parser = argparse.ArgumentParser(prog=f"python -m services.{service.name}")
    parser.add_argument("command", choices=sorted([*commands, *service.extra_commands]))
    args, rest = parser.parse_known_args(argv)
    if args.command in service.extra_commands:
        extra = service.extra_commands[args.command]
        commands = {args.command: lambda config: extra(config, rest)}
    elif rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    try:
        config = load(service.config_class)
    except ConfigError as exc:
        print(f"{service.name}: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    kit_logging.configure(f"{service.name}-{args.command}", config.log_level)
    try:
        commands[args.command](config)
    except KeyboardInterrupt:
        pass
    except Exception:
        log.exception("%s %s failed", service.name, args.command)
        raise SystemExit(1) from None
