"""A real SMTP server (aiosmtpd) that keeps what it receives, for dev and tests.

It parses each mail as a mail client would (MIME, RFC 2047 subject, the text/plain part in its
charset) and keeps one record per recipient, keyed by the Message-ID's local part, which
Kabinet sets to its message id, with the mail's headers (`headers`: name -> value, e.g.
List-Unsubscribe) and its HTML part (`html`, "" for none), as GET /_sim/messages lists them.
Optional: AUTH PLAIN/LOGIN with one login (also without TLS: dev only) and STARTTLS with a given
certificate.

How to make it fail:
- a recipient whose local part starts with "bounce" is refused with 550 (permanent);
- `POST /_sim/fail {"code": 451, "times": 2}` on the HTTP port: the next two recipients are
  refused with that code (4xx temporary, 5xx permanent).
"""

from __future__ import annotations

import email
import email.policy
import ssl
import warnings
from http.server import ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from simulators.mailbox import AdminHandler, Faults, Mailbox


class Keeper:
    """The aiosmtpd handler: checks recipients, stores each accepted mail."""

    def __init__(self, mailbox: Mailbox, faults: Faults) -> None:
        self.mailbox, self.faults = mailbox, faults

    async def handle_RCPT(self, server, session, envelope, address: str, rcpt_options: list) -> str:  # noqa: N802
        fault = self.faults.take()
        if fault and fault.get("code"):
            code = int(fault["code"])
            return f"{code} {'4.3.0' if code < 500 else '5.7.1'} Simulated failure"
        if address.split("@")[0].lower().startswith("bounce"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        mail = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        part = mail.get_body(preferencelist=("plain",))
        body = part.get_content() if part is not None else ""
        html = mail.get_body(preferencelist=("html",))
        message_id = str(mail.get("Message-ID", "")).strip().strip("<>").split("@")[0]
        headers = {name: str(value) for name, value in mail.items()}  # e.g. List-Unsubscribe (RFC 8058)
        for rcpt in envelope.rcpt_tos:
            self.mailbox.add(message_id=message_id, channel="email", destination=rcpt,
                             subject=str(mail.get("Subject", "")), body=body.replace("\r\n", "\n").rstrip("\n"),
                             headers=headers, html=html.get_content() if html is not None else "")
        return "250 2.0.0 Message accepted for delivery"


def checker(login: str, password: str):
    def authenticate(server, session, envelope, mechanism: str, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            login.encode(), password.encode())
        return AuthResult(success=ok, handled=False)

    return authenticate


class SmtpSimulator:
    """The SMTP listener plus the HTTP admin API (GET /_sim/messages, POST /_sim/fail)."""

    def __init__(self, host: str, port: int, http_port: int, *, store: Path | None = None, login: str = "",
                 password: str = "", tls_cert: str = "", tls_key: str = "") -> None:
        self.mailbox, self.faults = Mailbox(store), Faults()
        tls = None
        if tls_cert:
            tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            tls.load_cert_chain(tls_cert, tls_key or None)
        # AUTH without TLS is what a dev simulator on 127.0.0.1 is for; aiosmtpd warns about it.
        warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
        auth = dict(authenticator=checker(login, password), auth_required=True, auth_require_tls=False) \
            if login else {}
        self.smtp = Controller(Keeper(self.mailbox, self.faults), hostname=host, port=port,
                               server_hostname="kabinet-smtp-simulator", tls_context=tls, **auth)
        handler = type("Handler", (AdminHandler,), {"mailbox": self.mailbox, "faults": self.faults})
        self.http = ThreadingHTTPServer((host, http_port), handler)
        self.http.daemon_threads = True

    def start(self) -> None:
        self.smtp.start()

    def serve_http(self) -> None:
        """Blocks until `shutdown()`."""
        self.http.serve_forever()

    def shutdown(self) -> None:
        self.http.shutdown()

    def close(self) -> None:
        self.http.server_close()
        self.smtp.stop()
