"""What the launcher prints once everything is up."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from devstack.stack import Stack


def banner(stack: Stack) -> str:
    url = stack.gateway_url
    rule = "=" * 78
    lines = [
        rule,
        "  Kabinet is running (profile dev).",
        "",
        f"  Open            {url}/",
        f"  Ready check     {url}/readyz",
        f"  Dev outbox      {url}/dev/outbox   (SMS and e-mail codes land here)",
        "",
        # TODO(lead): the sign-in walkthrough with the demo accounts.
        f"  Logs            {stack.log_dir}/<process>.log",
        f"  Data            {stack.data_dir}   (kept between starts; delete it to start afresh)",
        f"  PostgreSQL      {stack.postgres.url('kabinet_<service>')}",
        f"  NATS            {stack.nats_url}",
        "",
        "  Stop with Ctrl-C.",
        rule,
    ]
    return "\n".join(lines)
