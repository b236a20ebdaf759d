"""SMSC.ru's `send.php`, as far as Kabinet uses it (https://smsc.ru/api/http/).

Request (GET or POST, form-encoded): login, psw, phones (comma/semicolon separated, "+" optional),
mes, id (ours: ≤ 40 of [A-Za-z0-9.-_]), sender, fmt (0 text, 1 numbers, 2 XML, 3 JSON), charset
(windows-1251 by default, utf-8, koi8-r).
Answer (always HTTP 200): fmt=3 `{"id": <id>, "cnt": <SMS parts>}` or
`{"error": "<text>", "error_code": N}`; fmt=0 `OK - 1 SMS, ID - <id>` or `ERROR = N (<text>)`.

How to make it fail:
- a phone +7 999 000 000 N (N = 1…9) is answered with error code N (7 bad number, 8 undeliverable…);
- `POST /_sim/fail {"error_code": 3, "times": 2}`: the next two sends get error 3 (no money);
  `{"http_status": 503}` answers HTTP 503 instead; `{"delay": 5}` answers 5 s late.

Incoming SMS (a subscriber writes to our number): `POST /_sim/inbound`, `POST|GET /_sim/config` — see
simulators.sms.inbound. Delivery statuses (`status.php`, the status callbacks to the gateway, a fault's
`{"status": 20, "err": 1}`) — see simulators.sms.statuses.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from simulators.mailbox import AdminHandler, Faults, Mailbox
from simulators.sms.inbound import Inbound
from simulators.sms.statuses import StatusReports

ERRORS = {
    1: "parameters error",
    2: "authorise error",
    3: "no money",
    4: "IP is blocked",
    5: "invalid date format",
    6: "message is denied",
    7: "invalid phone",
    8: "cannot deliver message",
    9: "duplicate request, wait a minute",
}
MAGIC = re.compile(r"^7999000000([1-9])$")
ID = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
PHONE = re.compile(r"^\d{10,15}$")
GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
           "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
CHARSETS = {"": "windows-1251", "windows-1251": "windows-1251", "utf-8": "utf-8", "koi8-r": "koi8-r"}


def parts(text: str) -> int:
    """SMS segments: 160/153 characters in GSM-7, 70/67 in UCS-2 (any Cyrillic letter)."""
    single, multi = (160, 153) if set(text) <= GSM7 else (70, 67)
    return 1 if len(text) <= single else -(-len(text) // multi)


class SmscHandler(AdminHandler):
    login: str
    password: str
    inbound: Inbound
    statuses: StatusReports
    numbers = itertools.count(1)
    # the answer's headers and body are two writes: with Nagle the body waits for the client's delayed ACK (40 ms)
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/sys/send.php":
            self.send_sms(url.query.encode("ascii", "replace"))
        elif url.path == "/sys/status.php":
            self.check_status(url.query.encode("ascii", "replace"))
        elif url.path == "/_sim/config":
            self.reply_json(200, self.inbound.settings())
        else:
            super().do_GET()

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if path == "/sys/send.php":
            self.send_sms(self.body())
        elif path == "/sys/status.php":
            self.check_status(self.body())
        elif path in ("/_sim/inbound", "/_sim/config"):
            self.inbound_admin(path)
        else:
            super().do_POST()

    def inbound_admin(self, path: str) -> None:
        """POST /_sim/inbound {phone, text, id?}: deliver an incoming SMS; POST /_sim/config: gateway and key."""
        try:
            request = json.loads(self.body() or b"{}")
            if not isinstance(request, dict):
                raise ValueError("an object, please")
            if path == "/_sim/config":
                self.inbound.configure(request)
                self.statuses.configure(request)
                self.reply_json(200, self.inbound.settings())
                return
            self.reply_json(200, self.inbound.deliver(str(request["phone"]), str(request["text"]),
                                                      str(request.get("id") or "")))
        except (ValueError, KeyError) as exc:
            self.reply_json(400, {"error": f"{type(exc).__name__}: {exc}"})
        except OSError as exc:  # the gateway cannot be reached
            self.reply_json(502, {"error": str(exc)})

    def send_sms(self, raw: bytes) -> None:
        text = raw.decode("ascii", "replace")
        charset = parse_qs(text, encoding="latin-1").get("charset", [""])[-1].lower()
        form = {k: v[-1] for k, v in parse_qs(text, encoding=CHARSETS.get(charset, "windows-1251")).items()}
        fmt = form.get("fmt", "0")
        fault = self.faults.take()
        if fault and fault.get("delay"):
            time.sleep(float(fault["delay"]))
        if fault and fault.get("http_status"):
            self.reply(int(fault["http_status"]), "Service Unavailable\n")
            return
        if fault and fault.get("error_code"):
            self.answer(fmt, error=int(fault["error_code"]), id_=form.get("id"))
            return
        if form.get("login") != self.login or form.get("psw") != self.password:
            self.answer(fmt, error=2, id_=form.get("id"))
            return
        phones = [p.strip().lstrip("+") for p in re.split(r"[,;]", form.get("phones", "")) if p.strip()]
        message, id_ = form.get("mes", ""), form.get("id") or str(next(self.numbers))
        if not phones or not message or charset not in CHARSETS or not ID.match(id_):
            self.answer(fmt, error=1, id_=form.get("id"))
            return
        for phone in phones:
            magic = MAGIC.match(phone)
            if magic:
                self.answer(fmt, error=int(magic.group(1)), id_=id_)
                return
            if not PHONE.match(phone):
                self.answer(fmt, error=7, id_=id_)
                return
        for phone in phones:
            self.mailbox.add(message_id=id_, channel="sms", destination=f"+{phone}", subject="", body=message)
            self.statuses.took(id_, phone, parts(message), fault)
        self.answer(fmt, id_=id_, cnt=parts(message) * len(phones))

    def check_status(self, raw: bytes) -> None:
        """status.php with fmt=3 (JSON) as far as Kabinet asks: is there a message with this id and phone?"""
        form = {k: v[-1] for k, v in parse_qs(raw.decode("ascii", "replace")).items()}
        if form.get("login") != self.login or form.get("psw") != self.password:
            self.reply_json(200, {"error": ERRORS[2], "error_code": 2})
            return
        self.reply_json(200, self.statuses.status(form.get("id", ""), form.get("phone", "")))

    def answer(self, fmt: str, *, id_: str | None, error: int = 0, cnt: int = 0) -> None:
        if error:
            what = ERRORS.get(error, "error")
            body = {"3": json.dumps({"error": what, "error_code": error, **({"id": id_} if id_ else {})}),
                    "2": f"<result><error>{what}</error><error_code>{error}</error_code></result>",
                    "1": f"0,-{error}"}.get(fmt, f"ERROR = {error} ({what})")
        else:
            body = {"3": json.dumps({"id": _number(id_), "cnt": cnt}),
                    "2": f"<result><cnt>{cnt}</cnt><id>{id_}</id></result>",
                    "1": f"{id_},{cnt}"}.get(fmt, f"OK - {cnt} SMS, ID - {id_}")
        self.reply(200, body, "application/json; charset=utf-8" if fmt == "3" else "text/plain; charset=utf-8")


def _number(id_: str) -> int | str:
    return int(id_) if id_.isdigit() else id_


def make_server(host: str, port: int, *, login: str, password: str, store: Path | None = None,
                inbound: Inbound | None = None, status_callbacks: bool = False) -> ThreadingHTTPServer:
    inbound = inbound or Inbound()
    handler = type("Handler", (SmscHandler,), {"login": login, "password": password, "mailbox": Mailbox(store),
                                               "faults": Faults(), "inbound": inbound,
                                               "statuses": StatusReports(inbound, status_callbacks)})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
