"""Password rules from the supplier's form ("Требования к паролю"), each checked on its own
so the web page can tick them live, plus a list of the most common passwords. The
composition rules are the supplier's requirement and deviate from OWASP ASVS 6.2.5
(see docs/security.md)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from kit.errors import InvalidInput

MIN_LENGTH = 8
MAX_LENGTH = 128  # ASVS 6.2.9: at least 64 allowed
COMMON_PASSWORDS = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    pattern: str  # the same regular expression in Python and JavaScript

    def passes(self, password: str) -> bool:
        return re.search(self.pattern, password) is not None


RULES = (
    Rule("latin_only", "Буквы только латинского алфавита", r"^[\x00-\x7F]*$"),
    Rule("min_length", f"Не менее {MIN_LENGTH} символов", rf"^[\s\S]{{{MIN_LENGTH},{MAX_LENGTH}}}$"),
    Rule("upper", "Заглавные буквы", r"[A-Z]"),
    Rule("lower", "Строчные буквы", r"[a-z]"),
    Rule("digit", "Цифры", r"[0-9]"),
    Rule("no_spaces", "Любые символы кроме пробелов", r"^\S*$"),
)


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list (lower case); read once, on first use."""
    return frozenset(line.strip().lower() for line in COMMON_PASSWORDS.read_text().splitlines() if line.strip())


def check_password(password: str, common: frozenset[str] | None = None, *, field: str = "password") -> None:
    """Raises InvalidInput naming every failed rule, or `common_password`."""
    failed = [r for r in RULES if not r.passes(password)]
    if failed:
        message = "Пароль не соответствует требованиям."
        if len(password) > MAX_LENGTH:
            message = f"Пароль длиннее {MAX_LENGTH} символов."
        raise InvalidInput(message, code="weak_password",
                           fields={field: "; ".join(r.title for r in failed)})
    if password.lower() in (common_passwords() if common is None else common):
        raise InvalidInput("Этот пароль слишком распространён, выберите другой.", code="common_password",
                           fields={field: "Пароль входит в список самых распространённых."})


def check_entered_password(password: str, field: str = "password") -> None:
    """A password typed to sign in or to confirm an action: no longer than any password can be
    (so hashing work stays bounded). Says nothing about any account."""
    if len(password or "") > MAX_LENGTH:
        raise InvalidInput(f"Пароль длиннее {MAX_LENGTH} символов.", code="password_too_long",
                           fields={field: f"Не больше {MAX_LENGTH} символов."})


def check_password_change(old_password: str, new_password: str) -> None:
    """A new password follows the rules and differs from the current one."""
    check_entered_password(old_password, "old_password")
    check_password(new_password, field="new_password")
    if new_password == old_password:
        raise InvalidInput("Новый пароль совпадает с текущим.", code="same_password",
                           fields={"new_password": "Новый пароль совпадает с текущим."})
