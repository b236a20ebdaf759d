"""Password rules from the supplier's form ("Требования к паролю"), each checked on its own
so the web page can tick them live. The composition rules are the supplier's
requirement and deviate from OWASP ASVS 6.2.5 (see docs/security.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kit.errors import InvalidInput

MIN_LENGTH = 8
MAX_LENGTH = 128


@dataclass(frozen=True)
class Rule:
    code: str
    title: str

    def passes(self, password: str) -> bool:
        return CHECKS[self.code](password)


CHECKS = {
    "latin_only": lambda p: not re.search(r"[^\x21-\x7e ]", p) and not re.search(r"[^\x00-\x7f]", p),
    "min_length": lambda p: MIN_LENGTH <= len(p) <= MAX_LENGTH,
    "upper": lambda p: re.search(r"[A-Z]", p) is not None,
    "lower": lambda p: re.search(r"[a-z]", p) is not None,
    "digit": lambda p: re.search(r"\d", p) is not None,
    "no_spaces": lambda p: re.search(r"\s", p) is None,
}

RULES = (
    Rule("latin_only", "Буквы только латинского алфавита"),
    Rule("min_length", f"Не менее {MIN_LENGTH} символов"),
    Rule("upper", "Заглавные буквы"),
    Rule("lower", "Строчные буквы"),
    Rule("digit", "Цифры"),
    Rule("no_spaces", "Любые символы кроме пробелов"),
)


def check_password(password: str, common: frozenset[str] = frozenset()) -> None:
    failed = [r for r in RULES if not r.passes(password)]
    if failed:
        raise InvalidInput("Пароль не соответствует требованиям.", code="weak_password",
                           fields={"password": "; ".join(r.title for r in failed)})
    if password.lower() in common:
        raise InvalidInput("Этот пароль слишком распространён, выберите другой.", code="common_password",
                           fields={"password": "Пароль входит в список самых распространённых."})
