"""Delivery statuses of the SMSC simulator: what became of each SMS it took, told to Kabinet the way SMSC calls a
client's status handler («обработчик статусов», set in the SMSC account) — a form POST with `id` (the sender's id
of the message: Kabinet's message id), `phone`, `status`, `err`, `time` (when the status changed) and `ts` (when
it was sent), `cnt` (parts) — to the gateway's /partners/v1/sms/status, signed with the sms_gateway partner's key
the inbound side holds (simulators.sms.inbound: --gateway-url and POST /_sim/config).

Statuses (SMSC's codes): 1 delivered; 20 cannot be delivered, 22 invalid number, 3 expired … with `err`.
Every SMS is reported delivered a moment after it was taken, unless a fault said otherwise:
`POST /_sim/fail {"status": 20, "err": 1}` (the next SMS is taken, then reported undeliverable, error 1), or it
went to a phone +7 999 02x xx xx (taken, then reported status 20 with error 1, whatever else is being sent).
Reporting is on when the simulator starts with --status-callbacks (the dev stack does) or after
`POST /_sim/config {"status_callbacks": true}`. A report the gateway does not answer with 200 is tried again a
few times with a growing pause (a report may outrun Kabinet's record of the send).

`status.php` (SMSC's status check, fmt=3): `{"status": N, "last_timestamp": …, "err": E}` for a message it took,
`{"status": -3}` («not found») otherwise.
"""

from __future__ import annotations

import re
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

from kit import partner_signing
from simulators.sms.inbound import Inbound

PATH = "/partners/v1/sms/status"
DELIVERED = 1
NOT_FOUND = -3
PAUSES = (0.3, 0.5, 1.0, 2.0, 4.0, 8.0)  # before the first report, then before each retry
UNDELIVERABLE = re.compile(r"^799902\d{5}$")  # phones the operator "cannot reach"


class StatusReports:
    def __init__(self, inbound: Inbound, enabled: bool = False) -> None:
        self.inbound = inbound
        self.enabled = enabled
        self._lock = threading.Lock()
        self._statuses: dict[tuple[str, str], tuple[int, int, int]] = {}  # (id, phone) -> (status, err, at)

    def configure(self, settings: dict) -> None:
        if "status_callbacks" in settings:
            self.enabled = bool(settings["status_callbacks"])

    def took(self, message_id: str, phone: str, cnt: int, fault: dict | None) -> None:
        """An SMS was taken: remember its status and, when reporting is on, report it soon."""
        if UNDELIVERABLE.match(phone):
            fault = {"status": 20, "err": 1}
        status = int((fault or {}).get("status") or DELIVERED)
        err = int((fault or {}).get("err") or 0)
        sent = int(time.time())
        with self._lock:
            self._statuses[(message_id, phone)] = (status, err, sent)
        if self.enabled:
            form = {"id": message_id, "phone": phone, "status": str(status), "err": str(err),
                    "time": str(sent), "ts": str(sent), "cnt": str(cnt)}
            threading.Thread(target=self._report, args=(form,), daemon=True).start()

    def status(self, message_id: str, phone: str) -> dict:
        with self._lock:
            known = self._statuses.get((message_id, phone.lstrip("+")))
        if known is None:
            return {"status": NOT_FOUND}
        status, err, at = known
        return {"status": status, "last_timestamp": at, "err": err}

    def _report(self, form: dict) -> None:
        for pause in PAUSES:
            time.sleep(pause)
            url, key_id, secret = self.inbound.target()
            if not (url and key_id and secret):
                return  # nobody to tell yet
            body = urlencode(form).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded",
                       **partner_signing.signed_headers(key_id, secret, "POST", PATH, body)}
            request = urllib.request.Request(url + PATH, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=15) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
