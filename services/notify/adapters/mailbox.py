"""The dev outbox's view of the delivery simulators (`python -m simulators.smtp|sms`).

With the real adapters in dev and test, a message "sent" is one the simulated provider received
over SMTP or HTTP; each simulator keeps what it received and lists it at `GET /_sim/messages`.
notify's dev outbox shows those next to the dev_outbox table (the "dev" adapter's), so the
codes people and tests read are the ones that went through the real protocol code.
"""

from __future__ import annotations

import datetime as dt
import logging

import requests

from services.notify.domain.model import Outgoing

log = logging.getLogger("notify")


class SimulatorMailbox:
    def __init__(self, url: str, *, timeout: float = 2.0, session: requests.Session | None = None) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.http = session or requests.Session()

    def list(self, destination: str, limit: int) -> list[tuple[Outgoing, dt.datetime]]:
        """(message, received at), newest first; empty (and a warning) if the simulator does not answer."""
        try:
            resp = self.http.get(f"{self.url}/_sim/messages", params={"to": destination.strip(), "limit": limit},
                                 timeout=self.timeout)
            resp.raise_for_status()
            rows = resp.json()["messages"]
        except (requests.RequestException, ValueError, KeyError) as exc:
            log.warning("delivery simulator %s did not answer: %r", self.url, exc)
            return []
        return [(Outgoing(message_id=r["message_id"], channel=r["channel"], destination=r["destination"],
                          subject=r.get("subject", ""), body=r["body"], purpose=""),
                 dt.datetime.fromisoformat(r["received_at"])) for r in rows]
