"""Contacts and identifiers: what a phone number, an e-mail address, a login and a name look like,
and which of them a sign-in identifier is. Each format exists once, here; an error names the
public field (the gateway's JSON name) so that it can reach the client unchanged."""

from __future__ import annotations

import re

from kit.errors import InvalidInput

PHONE_RE = re.compile(r"^\+7\d{10}$")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
EMAIL_MAX = 254
LOGIN_RE = re.compile(r"^[a-z][a-z0-9._-]{2,31}$")
NAME_RE = re.compile(r"^[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё' .-]{0,99}$")

# A contact channel and the users column (and public field) that holds its contact.
CHANNEL_FIELD = {"sms": "phone", "email": "email"}


def normalize_phone(raw: str, field: str = "phone") -> str:
    """+7 (900) 000-00-01, 8 900 000 00 01, 79000000001 -> +79000000001 (Russian mobile numbers)."""
    digits = re.sub(r"\D", "", raw or "")
    if len(digits) == 11 and digits[0] in "78":
        digits = "7" + digits[1:]
    elif len(digits) == 10:
        digits = "7" + digits
    phone = "+" + digits
    if not PHONE_RE.match(phone):
        raise InvalidInput("Укажите мобильный телефон в формате +7 XXX XXX-XX-XX.", code="invalid_phone",
                           fields={field: "Неверный номер телефона."})
    return phone


def normalize_email(raw: str, field: str = "email") -> str:
    email = (raw or "").strip().lower()
    if len(email) > EMAIL_MAX or not EMAIL_RE.match(email):
        raise InvalidInput("Укажите адрес электронной почты.", code="invalid_email",
                           fields={field: "Неверный адрес электронной почты."})
    return email


def normalize_contact(channel: str, raw: str) -> str:
    """The new contact of a channel ("sms" a phone, "email" an e-mail), errors under its public field."""
    if channel not in CHANNEL_FIELD:
        raise InvalidInput("Укажите e-mail или телефон.", code="invalid_channel", fields={"channel": "email или sms"})
    if channel == "sms":
        return normalize_phone(raw, "phone")
    return normalize_email(raw, "email")


def normalize_login(raw: str) -> str:
    """A login: 3-32 of [a-z0-9._-], starting with a letter; case-insensitive (kept in lower case)."""
    login = (raw or "").strip().lower()
    if not LOGIN_RE.match(login) or identifier_kind(login) != "login":
        raise InvalidInput("Логин: от 3 до 32 латинских букв, цифр, точек, дефисов и подчёркиваний, "
                           "начинается с буквы.", code="invalid_login",
                           fields={"login": "Недопустимый логин."})
    return login


def normalize_name(raw: str, field: str) -> str:
    """Surname, first name or patronymic: letters, space, hyphen, apostrophe and dot, up to 100."""
    name = " ".join((raw or "").split())
    if not NAME_RE.match(name):
        raise InvalidInput("Проверьте написание имени.", code="invalid_name",
                           fields={field: "Допустимы буквы, пробел, дефис и апостроф, до 100 символов."})
    return name


def identifier_kind(identifier: str) -> str:
    """What a sign-in identifier names: "email" (has an @), "phone" (10+ of digits, spaces,
    brackets, + and -) or "login" (anything else). The one place that tells them apart."""
    text = (identifier or "").strip()
    if "@" in text:
        return "email"
    if re.fullmatch(r"[\d\s()+-]{10,}", text):
        return "phone"
    return "login"


def normalize_identifier(identifier: str) -> tuple[str, str]:
    """(kind, value) of a sign-in identifier; value is empty when it cannot name anyone (so the
    caller answers exactly as for an unknown user)."""
    kind = identifier_kind(identifier)
    try:
        if kind == "phone":
            return kind, normalize_phone(identifier)
        if kind == "email":
            return kind, normalize_email(identifier)
        return kind, normalize_login(identifier)
    except InvalidInput:
        return kind, ""
