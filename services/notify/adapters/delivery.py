"""Delivery adapters: how an SMS or an e-mail leaves Kabinet.

Each has `send(message: Outgoing) -> None` and raises DeliveryFailed (with a reason, never
the text, which may hold a code) when it cannot hand the message over; `permanent=True` when
the provider refused this very message, so that trying again cannot help. Picked in bootstrap
by KABINET_SMS_ADAPTER / KABINET_EMAIL_ADAPTER:

- `DevOutboxSender` ("dev"): writes to the dev_outbox table (dev and test profiles, unit tests);
- `SmtpSender` ("smtp"): any SMTP relay, STARTTLS or implicit TLS, optional AUTH;
- `SmscSender` ("smsc"): the HTTP API of SMSC.ru (`/sys/send.php`, JSON answers);
- `UnconfiguredSender` ("none"): every delivery fails, visibly.

Bootstrap wraps each in `Counted`, which counts what the providers took and refused.
"""

from __future__ import annotations

import email.policy
import email.utils
import html
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage

import requests
from prometheus_client import Counter

from services.notify.domain.model import DeliveryFailed, Outgoing

MESSAGES = Counter("kabinet_notify_messages_total",
                   "Delivery attempts by channel (sms, email) and outcome: sent (the provider took it), failed",
                   ["channel", "outcome"])


class Counted:
    """A channel's adapter, counted in kabinet_notify_messages_total."""

    def __init__(self, channel: str, sender) -> None:
        self.channel = channel
        self.sender = sender

    def send(self, message: Outgoing) -> None:
        try:
            self.sender.send(message)
        except Exception:
            MESSAGES.labels(self.channel, "failed").inc()
            raise
        MESSAGES.labels(self.channel, "sent").inc()

    def accepted(self, message: Outgoing) -> bool | None:
        """Whether the provider knows the message (None: it cannot be asked)."""
        ask = getattr(self.sender, "accepted", None)
        return ask(message) if ask is not None else None


class DevOutboxSender:
    """Dev and test profiles: "sends" by writing the message to the dev_outbox table, where people
    and tests read it (GET /dev/outbox). Its own short transaction, as a call to a provider would
    be; a message handed over again (a redelivered event) is written once."""

    def __init__(self, uow_factory: Callable[[], object]) -> None:
        self.uow = uow_factory

    def send(self, message: Outgoing) -> None:
        with self.uow() as uow:
            uow.dev_outbox.add(message)
            uow.commit()


class UnconfiguredSender:
    """A channel without a provider: every delivery fails, and shows as failed in deliveries."""

    def __init__(self, channel: str) -> None:
        self.channel = channel

    def send(self, message: Outgoing) -> None:
        raise DeliveryFailed(f"no delivery adapter configured for {self.channel}", permanent=True)


# --- e-mail: SMTP --------------------------------------------------------------------

SMTP_SECURITY = ("starttls", "ssl", "none")


# Headers set raw (List-Unsubscribe) are written as they are: refolded, a URL longer than a line would become
# RFC 2047 encoded words, which mail clients do not decode in that header. The others fold as usual.
POLICY = email.policy.default.clone(refold_source="none")


def build_email(message: Outgoing, *, sender: str) -> EmailMessage:
    """A UTF-8 MIME message: a text/plain part (the body as written) and a text/html alternative —
    the template's HTML when the message has one, else the text in which a confirmation link is
    clickable. Message-ID carries the message id, so a receiving system (or the simulator) can tell
    one message from another. A message that may be unsubscribed from carries RFC 8058's one-click
    `List-Unsubscribe` (DKIM signing, which RFC 8058 also asks for, is the relay's)."""
    mail = EmailMessage(policy=POLICY)
    mail["From"] = sender
    mail["To"] = message.destination
    mail["Subject"] = message.subject
    mail["Date"] = email.utils.formatdate(localtime=False, usegmt=True)
    domain = email.utils.parseaddr(sender)[1].rpartition("@")[2] or "kabinet.local"
    mail["Message-ID"] = f"<{message.message_id}@{domain}>"
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to codes, please
    if message.unsubscribe_url:
        mail.set_raw("List-Unsubscribe", f"<{message.unsubscribe_url}>")
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(message.body, charset="utf-8")
    mail.add_alternative(message.html or _html(message), subtype="html", charset="utf-8")
    return mail


def _html(message: Outgoing) -> str:
    paragraphs = []
    for para in message.body.split("\n\n"):
        text = html.escape(para).replace("\n", "<br>")
        if message.link:
            link = html.escape(message.link)
            text = text.replace(link, f'<a href="{link}">{link}</a>')
        paragraphs.append(f"<p>{text}</p>")
    title = html.escape(message.subject)
    return (f'<!DOCTYPE html>\n<html lang="ru"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body>{''.join(paragraphs)}</body></html>\n")


class SmtpSender:
    """E-mail through an SMTP relay (smtplib): one connection per message, which is plenty for codes.

    `security`: "starttls" (submission, port 587), "ssl" (implicit TLS, port 465) or "none" (a
    relay inside the trust boundary, and the dev simulator). The server's certificate is verified
    against the system's CAs, or `ca_file` when given.
    """

    def __init__(self, host: str, port: int, *, sender: str, security: str = "starttls", username: str = "",
                 password: str = "", timeout: float = 10.0, ca_file: str = "") -> None:
        if security not in SMTP_SECURITY:
            raise ValueError(f"security must be one of {SMTP_SECURITY}")
        self.host, self.port, self.sender, self.security = host, port, sender, security
        self.username, self.password, self.timeout = username, password, timeout
        self.ca_file = ca_file

    def send(self, message: Outgoing) -> None:
        mail = build_email(message, sender=self.sender)
        try:
            with self._connect() as smtp:
                if self.security == "starttls":
                    smtp.starttls(context=self._tls())
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            code, answer = next(iter(exc.recipients.values()))
            raise DeliveryFailed(f"SMTP recipient refused: {code} {_text(answer)}", permanent=code >= 500) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            raise DeliveryFailed(f"SMTP refused the message: {exc.smtp_code} {_text(exc.smtp_error)}",
                                 permanent=exc.smtp_code >= 500) from None
        except smtplib.SMTPResponseException as exc:  # e.g. 535 authentication failed, 421 closing
            raise DeliveryFailed(f"SMTP error: {exc.smtp_code} {_text(exc.smtp_error)}") from None
        except (smtplib.SMTPException, OSError) as exc:  # refused, timed out, TLS trouble
            raise DeliveryFailed(f"SMTP {self.host}:{self.port} unreachable: {exc!r}") from None

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self._tls())
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file or None)


def _text(answer: bytes | str) -> str:
    return answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)


# --- SMS: SMSC.ru HTTP API ---------------------------------------------------------------

SMSC_URL = "https://smsc.ru/sys/send.php"
# Error codes of send.php (https://smsc.ru/api/http/): the ones that refuse this very message.
# 1 parameters, 5 date format, 6 message forbidden (text or sender name), 7 phone number format,
# 8 cannot be delivered to this number. The others are worth a retry: 2 login/password (or IP not
# allowed) until an operator fixes it, 3 no money on the account, 4 IP blocked for a while,
# 9 the same request repeated within a minute.
SMSC_PERMANENT = {1, 5, 6, 7, 8}
SMSC_NOT_FOUND = -3  # status.php: no message with this id and phone


class SmscSender:
    """SMS through SMSC.ru's HTTP API: POST `send.php` with login, psw, phones, mes, id, sender,
    fmt=3 (a JSON answer) and charset=utf-8.

    Success is `{"id": <id>, "cnt": <parts>}`; a refusal `{"error": "...", "error_code": N}`
    (HTTP 200 either way). Our message id goes as SMSC's `id` (≤ 40 of [A-Za-z0-9.-_]), so the
    provider's records and ours share a key.
    """

    def __init__(self, url: str, *, login: str, password: str, sender: str = "", timeout: float = 10.0,
                 session: requests.Session | None = None) -> None:
        self.url, self.login, self.password, self.sender, self.timeout = url, login, password, sender, timeout
        self.http = session or requests.Session()

    def send(self, message: Outgoing) -> None:
        form = {"login": self.login, "psw": self.password, "phones": message.destination.lstrip("+"),
                "mes": message.body, "id": message.message_id, "fmt": "3", "charset": "utf-8"}
        if self.sender:
            form["sender"] = self.sender
        try:
            resp = self.http.post(self.url, data=form, timeout=self.timeout)
        except requests.RequestException as exc:
            raise DeliveryFailed(f"SMSC unreachable: {type(exc).__name__}") from None
        if resp.status_code != 200:
            raise DeliveryFailed(f"SMSC answered HTTP {resp.status_code}")
        try:
            answer = resp.json()
        except ValueError:
            raise DeliveryFailed(f"SMSC answered something that is not JSON: {resp.text[:200]!r}") from None
        if not isinstance(answer, dict):
            raise DeliveryFailed(f"SMSC answered an unexpected JSON value: {str(answer)[:200]}")
        if "error_code" in answer or "error" in answer:
            code = _int(answer.get("error_code"))
            raise DeliveryFailed(f"SMSC error {code}: {answer.get('error', '')}", permanent=code in SMSC_PERMANENT)
        if "id" not in answer or _int(answer.get("cnt")) < 1:
            raise DeliveryFailed(f"SMSC answer without id/cnt: {str(answer)[:200]}")

    def accepted(self, message: Outgoing) -> bool:
        """Whether SMSC took this message (asked by our id with `status.php`): True for any status but -3
        «message not found». Raises DeliveryFailed when SMSC cannot tell (unreachable, an error answer)."""
        form = {"login": self.login, "psw": self.password, "phone": message.destination.lstrip("+"),
                "id": message.message_id, "fmt": "3", "charset": "utf-8"}
        try:
            resp = self.http.post(self.url.replace("/send.php", "/status.php"), data=form, timeout=self.timeout)
            answer = resp.json() if resp.status_code == 200 else None
        except (requests.RequestException, ValueError):
            answer = None
        if not isinstance(answer, dict) or "status" not in answer:
            raise DeliveryFailed(f"SMSC status unknown: {str(answer)[:200]}")
        return _int(answer["status"]) != SMSC_NOT_FOUND


def _int(value: object) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
