"""Composition root of the auth service:
`python -m services.auth api|worker|migrate|seed-demo|create-staff`."""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys
from pathlib import Path

from kabinet.auth.v1 import auth_pb2_grpc

from kit.jobs import Job
from kit.service import Service
from kit.tokens import TokenVerifier
from services.auth.adapters.partner_store import parse_kek
from services.auth.config import AuthConfig
from services.auth.entrypoints.api import AuthServicer
from services.auth.entrypoints.demo import load_demo
from services.auth.service_layer import keys, partners, staff
from services.auth.service_layer.context import Context
from services.auth.service_layer.social import SocialSignIn
from services.auth.service_layer.unit_of_work import AuthUnitOfWork


def context(config: AuthConfig) -> Context:
    return Context(pepper=config.code_pepper, public_url=config.public_url,
                   partner_kek=parse_kek(config.partner_kek),
                   partner_key_overlap_hours=config.partner_key_overlap_hours)


def build_servicer(rt) -> AuthServicer:
    return AuthServicer(rt.uow, context(rt.config), SocialSignIn(rt.config.oidc_providers))


def servicer(rt):
    keys.ensure_signing_key(rt.uow())
    auth = build_servicer(rt)
    return lambda server: auth_pb2_grpc.add_AuthServicer_to_server(auth, server)


def own_keys(rt) -> TokenVerifier:
    """Auth verifies tokens with the keys in its own database."""
    return TokenVerifier(lambda: keys.jwks(rt.uow()))


def create_staff_command(config: AuthConfig, argv: list[str]) -> None:
    """Admin command: a staff user with a role and a TOTP secret shown once."""
    parser = argparse.ArgumentParser(prog="python -m services.auth create-staff")
    parser.add_argument("--login", required=True)
    parser.add_argument("--role", required=True, choices=["admin", "operator"])
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the password from stdin; otherwise a random one is generated and shown once")
    args = parser.parse_args(argv)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass("Пароль: ")
        shown = None
    else:
        password = shown = "Kb" + secrets.token_urlsafe(18) + "9"
    rt = SERVICE.runtime(config)
    try:
        created = staff.create_staff(rt.uow(), context(config), login=args.login, role=args.role, password=password)
    finally:
        rt.engine.dispose()
    print(f"staff user {args.login} ({args.role}) created: {created.user_id}")
    if shown:
        print(f"initial password (shown once): {shown}")
    print(f"TOTP provisioning URI (shown once, add it to an authenticator app): {created.provisioning_uri}")


def jobs(rt) -> list[Job]:
    return [Job("partner-nonces", 60.0, lambda at: partners.prune_nonces(rt.uow(), at))]


SERVICE = Service("auth", Path(__file__).parent, AuthUnitOfWork, servicer, seed_demo=load_demo,
                  config_class=AuthConfig, verifier=own_keys, jobs=jobs,
                  extra_commands={"create-staff": create_staff_command})
