"""What the launcher prints once everything is up."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from devstack.stack import Stack


def banner(stack: Stack) -> str:
    url = stack.gateway_url
    rule = "=" * 78
    gateway = [
        f"  API             {url}/api/v1   (OpenAPI: {url}/openapi.json)",
        f"  Ready check     {url}/readyz",
        f"  Dev outbox      {url}/dev/outbox   (SMS and e-mail the simulators received)",
        "",
        "  Sign in as the demo customer (two accounts already bound):",
        f"    curl -s -X POST {url}/api/v1/auth/login -H 'Content-Type: application/json' \\",
        '''      -d '{"identifier": "+79000000001", "password": "DemoKabinet2026!"}\'''',
        "  then call the API with  -H 'Authorization: Bearer <access_token>', e.g.",
        f"    curl -s {url}/api/v1/dashboard -H 'Authorization: Bearer <access_token>'",
        "  Or register your own: README.md, 'Walk the skeleton by hand'.",
    ]
    if not stack.with_gateway:
        targets = ", ".join(f"{svc} on {stack.grpc_target(svc)}" for svc in stack.services)
        gateway = [f"  Services        {targets} (gRPC; no gateway: it needs every service)"]
    lines = [
        rule,
        f"  Kabinet is running (profile {stack.profile}).",
        "",
        *gateway,
        "",
        f"  Logs            {stack.log_dir}/<process>.log",
        f"  Data            {stack.data_dir}   (kept between starts; delete it to start afresh)",
        f"  PostgreSQL      {stack.postgres.url('kabinet_<service>')}",
        f"  NATS            {stack.nats_url}",
        f"  Redis           {stack.redis_url}   (gateway rate limits and captcha)",
        f"  SMTP simulator  {stack.mailbox_url('smtp')}/_sim/messages   (mail notify sent over SMTP)",
        f"  SMS simulator   {stack.mailbox_url('sms')}/_sim/messages   (SMS sent through the SMSC.ru API)",
        "",
        "  A process that dies is restarted (see the !!! banners); its log is in Logs above.",
        "  Stop with Ctrl-C.",
        rule,
    ]
    return "\n".join(lines)
