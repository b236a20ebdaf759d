"""Users ("пользователи"): households, organizations and staff; who may sign in, how a failed
attempt counts, when a password alone no longer suffices, what the profile may change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from kit.errors import Conflict, InvalidInput, Unauthenticated
from services.auth.domain.contacts import CHANNEL_FIELD, normalize_login, normalize_name, normalize_phone

KINDS = ("person", "organization")            # customers; they register themselves
STAFF = "staff"                               # created by an admin command only
STAFF_ROLES = ("operator", "admin")

# NIST 800-63B 5.2.2: at most 100 consecutive failed attempts on one account before another
# control applies. Ours is a step-up, not a lock: from the 100th failure on, the right password
# signs a customer in only together with a one-time code sent to their verified contact, so a
# stranger who types wrong passwords can never lock the owner out.
STEP_UP_AFTER = 100

PROFILE_NAMES = ("surname", "first_name", "patronymic")


def bad_credentials() -> Unauthenticated:
    """The one answer to a wrong identifier, password or TOTP code: it never tells which."""
    return Unauthenticated("Неверный логин или пароль.", code="bad_credentials")


@dataclass(eq=False)
class User:
    """A user and the state of their credentials. Changes go through the methods, which remember
    which columns they touched: the repository writes only those, so a sign-in and a profile edit
    running at the same time never overwrite each other's columns."""

    user_id: str
    kind: str                                 # person | organization | staff
    status: str                               # pending (contact not confirmed yet) | active
    password_hash: str
    phone: str | None = None                  # verified sign-in phone
    email: str | None = None                  # verified sign-in e-mail
    login: str | None = None                  # immutable once set
    requested_login: str | None = None        # chosen at registration, set on confirmation
    terms_version: str | None = None
    marketing_consent: bool = False
    surname: str | None = None
    first_name: str | None = None
    patronymic: str | None = None
    contact_phone: str | None = None          # organizations: "Давайте познакомимся"
    failed_logins: int = 0                    # consecutive failed sign-ins
    password_changed_at: dt.datetime | None = None
    role: str | None = None                   # staff: operator | admin
    totp_secret: str | None = None            # staff: sealed
    totp_confirmed_at: dt.datetime | None = None
    totp_last_step: int | None = None
    changed: set[str] = field(default_factory=set, repr=False)

    def _set(self, **values) -> None:
        for name, value in values.items():
            setattr(self, name, value)
        self.changed.update(values)

    # --- who this is ---
    @property
    def is_staff(self) -> bool:
        return self.kind == STAFF

    @property
    def roles(self) -> tuple[str, ...]:
        return (self.role,) if self.is_staff and self.role else ()

    @property
    def onboarding_required(self) -> bool:
        """An organization fills "Давайте познакомимся" (surname, first name, phone) first."""
        return self.kind == "organization" and not (self.surname and self.first_name and self.contact_phone)

    def primary_contact(self) -> tuple[str, str]:
        """(channel, destination) for notices: the e-mail if there is one, otherwise the phone."""
        if self.email:
            return "email", self.email
        return "sms", self.phone or ""

    def contact(self, channel: str) -> str | None:
        return getattr(self, CHANNEL_FIELD[channel])

    # --- signing in ---
    def check_may_sign_in(self) -> None:
        """Asked only after the right password (or a linked identity), so the answer tells a
        guesser nothing: the contact given at registration must be confirmed. Nobody is refused
        for failures of others: see `step_up_required`."""
        if self.status != "active":
            raise Unauthenticated("Подтвердите телефон или e-mail, указанный при регистрации.",
                                  code="not_confirmed")

    def record_failed_sign_in(self, consecutive_failures: int) -> None:
        """`consecutive_failures` is the count including this failure, as the repository counted it
        atomically (parallel guesses are all counted); it is already stored."""
        self.failed_logins = consecutive_failures

    @property
    def step_up_required(self) -> bool:
        """The step-up rule: from STEP_UP_AFTER consecutive failures on, the right password alone
        does not sign a customer in; a one-time code to a verified contact must follow. Staff always
        give a TOTP code with the password, so for them nothing changes (and nothing locks)."""
        return not self.is_staff and self.failed_logins >= STEP_UP_AFTER

    def step_up_contact(self) -> tuple[str, str]:
        """Where the sign-in code goes: the verified phone (SMS), failing that the verified e-mail.
        An active customer always has one of the two."""
        if self.phone:
            return "sms", self.phone
        return "email", self.email or ""

    def signed_in(self) -> None:
        """A success (the password below the threshold, or the password and the code) ends the run
        of consecutive failures."""
        if self.failed_logins:
            self._set(failed_logins=0)

    def used_totp(self, step: int, at: dt.datetime) -> None:
        """Staff: a TOTP code works once (later codes must be of a later step)."""
        self._set(totp_last_step=step, totp_confirmed_at=self.totp_confirmed_at or at)
        self.signed_in()

    # --- passwords ---
    def rehash_password(self, password_hash: str) -> None:
        """The same password under stronger hashing parameters."""
        self._set(password_hash=password_hash)

    def change_password(self, password_hash: str, at: dt.datetime) -> None:
        self._set(password_hash=password_hash, password_changed_at=at)

    def recover(self, password_hash: str, at: dt.datetime) -> None:
        """Recovery sets a new password and ends the run of failures (the owner proved the contact)."""
        self.change_password(password_hash, at)
        self._set(failed_logins=0)

    # --- registration ---
    def restart_registration(self, *, kind: str, password_hash: str, terms_version: str, marketing_consent: bool,
                             requested_login: str | None) -> None:
        self._set(kind=kind, password_hash=password_hash, terms_version=terms_version,
                  marketing_consent=marketing_consent, requested_login=requested_login)

    def activate(self, requested_login_free: bool) -> bool:
        """The first confirmed contact activates the account. The login chosen at registration is
        set now if it is still free; True when it was taken (the user may choose one in the profile)."""
        changes: dict = {"status": "active", "requested_login": None}
        taken = bool(self.requested_login) and not requested_login_free
        if self.requested_login and requested_login_free:
            changes["login"] = self.requested_login
        self._set(**changes)
        return taken

    # --- profile ---
    def edit_profile(self, changes: dict) -> bool:
        """Names, the organization's contact phone and marketing consent, each only when present in
        `changes` (an empty patronymic clears it). True when anything was set."""
        values: dict = {}
        for name in PROFILE_NAMES:
            if name in changes:
                if name == "patronymic" and not changes[name].strip():
                    values[name] = None
                else:
                    values[name] = normalize_name(changes[name], name)
        if "contact_phone" in changes:
            values["contact_phone"] = normalize_phone(changes["contact_phone"], "contact_phone")
        if "marketing_consent" in changes:
            values["marketing_consent"] = bool(changes["marketing_consent"])
        self._set(**values)
        return bool(values)

    def choose_login(self, raw: str, is_taken: Callable[[str], bool]) -> None:
        """A login is chosen once and never changes."""
        if self.login:
            raise Conflict("Логин нельзя изменить.", code="login_immutable", fields={"login": "Логин уже задан."})
        login = normalize_login(raw)
        if is_taken(login):
            raise Conflict("Этот логин занят, выберите другой.", code="login_taken", fields={"login": "Логин занят."})
        self._set(login=login)

    def check_new_contact(self, channel: str, destination: str) -> None:
        if self.contact(channel) == destination:
            raise InvalidInput("Этот контакт уже указан в профиле.", code="same_contact",
                               fields={CHANNEL_FIELD[channel]: "Этот контакт уже указан."})

    def replace_contact(self, channel: str, destination: str) -> str:
        """A verified new contact replaces the old one; the old one (to tell), or ""."""
        previous = self.contact(channel) or ""
        self._set(**{CHANNEL_FIELD[channel]: destination})
        return previous


def check_staff_role(role: str) -> None:
    if role not in STAFF_ROLES:
        raise InvalidInput("Роль: operator или admin.", code="invalid_role", fields={"role": "operator или admin"})


@dataclass(frozen=True)
class Profile:
    """The profile page: the user and the contacts waiting for confirmation."""

    user: User
    pending_email: str = ""
    pending_phone: str = ""
