"""Registration ("Регистрация"): who may register, with which contact, under which terms."""

from __future__ import annotations

from dataclasses import dataclass

from kit.errors import InvalidInput
from services.auth.domain.contacts import normalize_email, normalize_login, normalize_phone
from services.auth.domain.users import KINDS, User

# The terms of use ("пользовательское соглашение") in force; a registration records the version
# the user accepted. A new version of the terms is published by changing this.
TERMS_VERSION = "2026-01"


@dataclass(frozen=True)
class Registration:
    """A valid registration form: the kind of user, the contact to confirm, the options."""

    kind: str
    channel: str                   # "sms" | "email": where the code goes
    destination: str               # the normalized phone or e-mail
    requested_login: str | None
    terms_version: str
    marketing_consent: bool

    @property
    def column(self) -> str:
        return "phone" if self.channel == "sms" else "email"

    def new_user(self, user_id: str, password_hash: str) -> User:
        """A pending user: it can sign in once the contact is confirmed."""
        return User(user_id=user_id, status="pending", **self._values(password_hash),
                    **{self.column: self.destination})

    def restart(self, user: User, password_hash: str) -> None:
        """A registration that was never confirmed starts over with this form."""
        user.restart_registration(**self._values(password_hash))

    def _values(self, password_hash: str) -> dict:
        return dict(kind=self.kind, password_hash=password_hash, terms_version=self.terms_version,
                    marketing_consent=self.marketing_consent, requested_login=self.requested_login)


def registration(*, kind: str, phone: str, email: str, terms_accepted: bool, login: str,
                 marketing_consent: bool) -> Registration:
    """The rules of the registration form, in the order the form shows their errors."""
    kind = kind or "person"
    if kind not in KINDS:
        raise InvalidInput("Неизвестный тип пользователя.", code="invalid_kind",
                           fields={"kind": "Допустимо: person или organization."})
    if bool(phone) == bool(email):
        raise InvalidInput("Укажите телефон или адрес электронной почты.", code="invalid_contact",
                           fields={"phone": "Укажите телефон или адрес электронной почты."})
    if not terms_accepted:
        raise InvalidInput("Необходимо принять пользовательское соглашение.", code="terms_not_accepted",
                           fields={"terms_accepted": "Примите пользовательское соглашение."})
    if kind == "organization" and phone:
        raise InvalidInput("Организации регистрируются по адресу электронной почты.", code="invalid_email",
                           fields={"email": "Укажите адрес электронной почты."})
    if phone:
        channel, destination = "sms", normalize_phone(phone)
    else:
        channel, destination = "email", normalize_email(email)
    return Registration(kind=kind, channel=channel, destination=destination,
                        requested_login=normalize_login(login) if login else None,
                        terms_version=TERMS_VERSION, marketing_consent=marketing_consent)
