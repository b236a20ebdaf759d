"""The inbound side of the SMSC simulator: a subscriber's SMS to our number, delivered to Kabinet the way SMSC
calls a client's handler for incoming messages — a form POST with `id`, `phone`, `mes`, `to`, `sent`, `time` —
to the gateway's /partners/v1/sms/inbound, signed with the partner key of an SMS gateway (kit.partner_signing,
docs/partners-api.md).

    POST /_sim/inbound {"phone": "+79001234567", "text": "PESC DISP 012-12345678 00325", "id": "optional"}
        -> {"id": ..., "status": <the gateway's HTTP status>, "answer": <its JSON answer>}
        the same "id" again is a re-delivery of that message
    POST /_sim/config  {"gateway_url": "...", "key_id": "...", "secret": "..."}   (any of them)
    GET  /_sim/config  -> {"gateway_url": ..., "key_id": ..., "signing": true|false}   (never the secret)

The key comes from the command line (--partner-key-id, --partner-secret, or KABINET_SMS_SIM_PARTNER_KEY_ID /
_SECRET) or later through /_sim/config: a partner of kind sms_gateway is created by staff (POST
/staff/v1/partners) once the stack runs, so the dev stack starts the simulator with the gateway's URL only and the
test (or a developer) tells it the key. The answer SMS Kabinet sends back arrives in this simulator's outbox.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

from kit import partner_signing

PATH = "/partners/v1/sms/inbound"
OUR_NUMBER = "4938"  # the short number of the seeds' «Отправьте СМС на номер 4938»


class Inbound:
    def __init__(self, gateway_url: str = "", key_id: str = "", secret: str = "") -> None:
        self._lock = threading.Lock()
        self.gateway_url, self.key_id, self.secret = gateway_url.rstrip("/"), key_id, secret
        self._ids = itertools.count(int(time.time() * 1000))

    def configure(self, settings: dict) -> None:
        with self._lock:
            self.gateway_url = str(settings.get("gateway_url", self.gateway_url)).rstrip("/")
            self.key_id = str(settings.get("key_id", self.key_id))
            self.secret = str(settings.get("secret", self.secret))

    def target(self) -> tuple[str, str, str]:
        """(gateway URL, key id, secret): where and how the simulator's own calls go (statuses too)."""
        with self._lock:
            return self.gateway_url, self.key_id, self.secret

    def settings(self) -> dict:
        with self._lock:
            return {"gateway_url": self.gateway_url, "key_id": self.key_id, "signing": bool(self.key_id and self.secret)}

    def deliver(self, phone: str, text: str, message_id: str = "") -> dict:
        """POST the SMS to the gateway as SMSC would; the gateway's status and answer."""
        with self._lock:
            url, key_id, secret = self.gateway_url, self.key_id, self.secret
        if not url:
            raise ValueError("no gateway_url: start with --gateway-url or POST /_sim/config")
        message_id = message_id or str(next(self._ids))
        now = str(int(time.time()))
        body = urlencode({"id": message_id, "phone": phone.lstrip("+"), "mes": text, "to": OUR_NUMBER,
                          "sent": now, "time": now}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if key_id and secret:
            headers.update(partner_signing.signed_headers(key_id, secret, "POST", PATH, body))
        request = urllib.request.Request(url + PATH, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        try:
            answer = json.loads(raw or b"null")
        except ValueError:
            answer = raw.decode("utf-8", "replace")
        return {"id": message_id, "status": status, "answer": answer}
