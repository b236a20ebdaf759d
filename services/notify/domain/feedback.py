"""«Отправить сообщение»: a customer's message to the supplier (signed in, or with name, contacts and address),
its attachments, staff's replies and the message's status in staff's queue."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from kabinet_vocabulary import FEEDBACK_STATUS, FEEDBACK_TOPIC

from kit.errors import Conflict, InvalidInput

NEW, IN_PROGRESS, ANSWERED, CLOSED = (FEEDBACK_STATUS.NEW, FEEDBACK_STATUS.IN_PROGRESS, FEEDBACK_STATUS.ANSWERED,
                                      FEEDBACK_STATUS.CLOSED)
# What staff may set by hand; `answered` comes only with a reply (a reply from new or in progress makes it so).
TRANSITIONS = {
    NEW: {IN_PROGRESS, CLOSED},
    IN_PROGRESS: {CLOSED},
    ANSWERED: {IN_PROGRESS, CLOSED},
    CLOSED: {IN_PROGRESS},
}
TEXT_MAX = 4000
REPLY_MAX = 4000
NAME_MAX = 200
ADDRESS_MAX = 500
EMAIL_MAX = 254
FILENAME_MAX = 100
MAX_FILES = 3
MAX_FILE_BYTES = 2 * 1024 * 1024
# Types are told by the first bytes of the content, never by the name or the client's content type.
MAGIC = ((b"%PDF-", "application/pdf", "pdf"), (b"\xff\xd8\xff", "image/jpeg", "jpg"),
         (b"\x89PNG\r\n\x1a\n", "image/png", "png"))
EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


@dataclass(frozen=True)
class Attachment:
    n: int
    filename: str
    content_type: str
    size: int
    content: bytes = field(default=b"", repr=False)  # b"" when listed without content


@dataclass(frozen=True)
class Reply:
    reply_id: str
    text: str
    staff_id: str
    created_at: dt.datetime


@dataclass(frozen=True)
class Author:
    """Who wrote: a signed-in user (and optionally one of their accounts), or a person without a cabinet."""

    user_id: str | None = None
    account_id: str | None = None
    name: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""

    @property
    def key(self) -> str:
        """The scope of the author's idempotency keys: the user, or the contacts given (hashed)."""
        if self.user_id:
            return f"u:{self.user_id}"
        return "c:" + hashlib.sha256(f"{self.email}\0{self.phone}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Feedback:
    """Обращение."""

    feedback_id: str
    author: Author
    topic: str
    text: str
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime
    attachments: tuple[Attachment, ...] = ()
    replies: tuple[Reply, ...] = ()
    idempotency_key: str = ""
    number: int = 0  # «обращение № 17»: given by the store when the message is kept


def new_feedback(feedback_id: str, author: Author, *, topic: str, text: str, attachments: tuple[Attachment, ...],
                 idempotency_key: str, now: dt.datetime) -> Feedback:
    text = text.strip()
    problems = {}
    if topic not in FEEDBACK_TOPIC:
        problems["topic"] = "Выберите тему сообщения."
    if not text or len(text) > TEXT_MAX:
        problems["text"] = f"Напишите сообщение: от 1 до {TEXT_MAX} символов."
    if problems:
        raise InvalidInput("Проверьте сообщение.", code="invalid_feedback", fields=problems)
    return Feedback(feedback_id=feedback_id, author=author, topic=topic, text=text, status=NEW, created_at=now,
                    updated_at=now, attachments=attachments, idempotency_key=idempotency_key)


def anonymous(*, name: str, email: str, phone: str, address: str) -> Author:
    """An author without a cabinet: a name, an address, and an e-mail or a phone (at least one) to answer to."""
    name, address = " ".join(name.split()), " ".join(address.split())
    problems = {}
    if not name or len(name) > NAME_MAX:
        problems["name"] = f"Укажите имя: до {NAME_MAX} символов."
    if not address or len(address) > ADDRESS_MAX:
        problems["address"] = f"Укажите адрес: до {ADDRESS_MAX} символов."
    normal_email, normal_phone = "", ""
    if email.strip():
        normal_email = email_address(email)
        if not normal_email:
            problems["email"] = "Адрес электронной почты вида name@example.ru."
    if phone.strip():
        normal_phone = phone_number(phone)
        if not normal_phone:
            problems["phone"] = "Телефон вида +7 911 123-45-67."
    if not email.strip() and not phone.strip():
        problems["email"] = problems["phone"] = "Укажите электронную почту или телефон для ответа."
    if problems:
        raise InvalidInput("Проверьте контактные данные.", code="invalid_contacts", fields=problems)
    return Author(name=name, email=normal_email, phone=normal_phone, address=address)


def email_address(value: str) -> str:
    """An e-mail address in lower case with its domain in ASCII (иван@почта.рф → иван@xn--80a1acny.xn--p1ai),
    or "" when it is not one."""
    local, at, domain = value.strip().lower().rpartition("@")
    try:
        value = f"{local}{at}{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return ""
    return value if len(value) <= EMAIL_MAX and EMAIL.match(value) else ""


def phone_number(value: str) -> str:
    """A Russian mobile or landline number as +7XXXXXXXXXX (written +7…, 8… or 7…, with spaces, dashes and
    brackets), or "" when it is not one."""
    if re.search(r"[^\d\s()+-]", value) or value.strip().count("+") > (1 if value.strip().startswith("+") else 0):
        return ""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and digits[0] in "78":
        return "+7" + digits[1:]
    return ""


def attachments(files: Sequence[tuple[str, bytes]]) -> tuple[Attachment, ...]:
    """The files of a message, each checked: at most 3, each at most 2 MB, PDF, JPEG or PNG by its content.
    Every bad file is named in its own error (`files[0]`, `files[1]` …)."""
    if len(files) > MAX_FILES:
        raise InvalidInput(f"Можно приложить не больше {MAX_FILES} файлов.", code="too_many_attachments",
                           fields={"files": f"Не больше {MAX_FILES} файлов."})
    problems, found = {}, []
    for i, (name, content) in enumerate(files):
        shown = filename(name, "") or f"№ {i + 1}"
        kind = content_type_of(content)
        if not content:
            problems[f"files[{i}]"] = f"Файл «{shown}» пуст."
        elif len(content) > MAX_FILE_BYTES:
            problems[f"files[{i}]"] = f"Файл «{shown}» больше 2 МБ."
        elif kind is None:
            problems[f"files[{i}]"] = f"Файл «{shown}»: можно приложить только PDF, JPEG или PNG."
        else:
            content_type, extension = kind
            found.append(Attachment(n=i + 1, filename=filename(name, extension) or f"вложение-{i + 1}.{extension}",
                                    content_type=content_type, size=len(content), content=content))
    if problems:
        raise InvalidInput("Проверьте приложенные файлы.", code="invalid_attachment", fields=problems)
    return tuple(found)


def content_type_of(content: bytes) -> tuple[str, str] | None:
    """(content type, extension) by the content's first bytes, or None for anything but PDF, JPEG and PNG."""
    for magic, content_type, extension in MAGIC:
        if content.startswith(magic):
            return content_type, extension
    return None


def filename(name: str, extension: str) -> str:
    """A file name safe to show and to offer for download: the last part of a path, no control or reserved
    characters, at most 100 characters; its extension that of its real type ("" keeps it as it is)."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = " ".join(UNSAFE_NAME.sub("_", name).split()).strip(". ")
    if extension:
        stem, dot, ext = name.rpartition(".")
        ext_ok = ext.lower() in {extension, "jpeg"} if extension == "jpg" else ext.lower() == extension
        name = name if dot and stem and ext_ok else f"{name}.{extension}" if name else ""
    if len(name) > FILENAME_MAX:
        stem, _, ext = name.rpartition(".")
        name = f"{stem[:FILENAME_MAX - len(ext) - 1]}.{ext}"
    return name


def set_status(item: Feedback, status: str, now: dt.datetime) -> Feedback:
    """Staff move a message: new → in progress → (a reply: answered) → closed, back to work when needed; the
    same status again changes nothing."""
    if status not in FEEDBACK_STATUS:
        raise InvalidInput("Неизвестный статус.", code="invalid_status", fields={"status": "Выберите статус."})
    if status == item.status:
        return item
    if status == ANSWERED:
        raise Conflict("Статус «Дан ответ» ставится ответом на сообщение.", code="reply_required")
    if status not in TRANSITIONS[item.status]:
        raise Conflict(f"Нельзя перевести из «{FEEDBACK_STATUS.title(item.status)}» в "
                       f"«{FEEDBACK_STATUS.title(status)}».", code="invalid_status_transition")
    return dataclasses.replace(item, status=status, updated_at=now)


def reply(item: Feedback, reply_id: str, text: str, staff_id: str, now: dt.datetime) -> tuple[Feedback, Reply]:
    """Staff answer: the message becomes answered (a closed one is reopened first, by its status)."""
    text = text.strip()
    if not text or len(text) > REPLY_MAX:
        raise InvalidInput("Напишите ответ.", code="invalid_reply",
                           fields={"text": f"От 1 до {REPLY_MAX} символов."})
    if item.status == CLOSED:
        raise Conflict("Сообщение закрыто: сначала верните его в работу.", code="feedback_closed")
    answer = Reply(reply_id=reply_id, text=text, staff_id=staff_id, created_at=now)
    return dataclasses.replace(item, status=ANSWERED, updated_at=now, replies=(*item.replies, answer)), answer
