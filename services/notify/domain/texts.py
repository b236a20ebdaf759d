"""What Kabinet says to customers, in Russian: codes by SMS and e-mail, the confirmation links, money, months
and zones (the catalogue's templates, templates/, use these as filters: services/notify/domain/render.py).

SMS texts are kept within one Cyrillic segment (70 characters) where possible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from kabinet_vocabulary import BALANCE_STATE, ZONE

from kit.errors import Rejected
from services.notify.domain.model import CHANNELS, EMAIL, SMS, Outgoing

NARROW_NBSP = "\u202f"  # between groups of thousands
NBSP = "\u00a0"  # between an amount and its unit
MINUS = "\u2212"

DO_NOT_SHARE = "Никому не сообщайте его."
CODE_LINES = {  # purpose -> (e-mail subject, the line with the code)
    "registration": ("Подтверждение регистрации", "Код подтверждения регистрации: {code}."),
    "recovery": ("Восстановление пароля", "Код для восстановления пароля: {code}."),
    "contact_change": ("Подтверждение адреса электронной почты", "Код подтверждения контакта: {code}."),
    "email_confirmation": ("Подтверждение адреса электронной почты", "Код подтверждения адреса: {code}."),
    "sign_in": ("Код для входа", "Код для входа в личный кабинет: {code}."),
}
GENERIC_CODE = ("Код подтверждения", "Код подтверждения: {code}.")
LINK_LINES = {  # purpose -> the words before a confirmation link
    "registration": "Чтобы завершить регистрацию, перейдите по ссылке",
    "recovery": "Чтобы задать новый пароль, перейдите по ссылке",
    "contact_change": "Чтобы подтвердить адрес, перейдите по ссылке",
    "email_confirmation": "Чтобы подтвердить адрес, перейдите по ссылке",
}
GENERIC_LINK = "Для подтверждения перейдите по ссылке"
ALREADY_REGISTERED = "already_registered"


# --- numbers -----------------------------------------------------------------------

def group_thousands(n: int) -> str:
    return f"{n:,}".replace(",", NARROW_NBSP)


def format_rub(kop: int) -> str:
    """Kopecks as Russians write money: 123456 -> "1 234,56 ₽" (narrow no-break spaces)."""
    rub, rest = divmod(abs(kop), 100)
    return f"{MINUS if kop < 0 else ''}{group_thousands(rub)},{rest:02d}{NBSP}₽"


def format_kwh(value: Decimal) -> str:
    """A meter value or consumption as read, with a decimal comma: 10500.500 -> "10500,500"."""
    return f"{value:f}".replace(".", ",")


def _minutes(seconds: int) -> int:
    return max(1, -(-seconds // 60))


# --- codes (SMS, e-mail) -------------------------------------------------------------

def code_message(*, message_id: str, channel: str, destination: str, purpose: str, code: str,
                 ttl_seconds: int, link: str = "") -> Outgoing:
    """The SMS or e-mail that carries a one-time code and/or a confirmation link, or says the contact
    is already registered."""
    if channel not in CHANNELS:
        raise Rejected(f"Неизвестный канал доставки: {channel!r}.", code="unknown_channel")
    if not destination.strip():
        raise Rejected("Не указан получатель.", code="no_destination")
    if link and not link.startswith(("https://", "http://")):
        raise Rejected("Ссылка подтверждения должна быть адресом http(s).", code="bad_link")
    if purpose in NOTICES:
        subject, text, link = *_notice(purpose, channel), ""
    elif not code and not link:
        raise Rejected(f"Сообщение «{purpose}» без кода.", code="no_code")
    else:
        subject, line = CODE_LINES.get(purpose, GENERIC_CODE)
        parts = [f"{line.format(code=code)} {DO_NOT_SHARE}"] if code else []
        if link:
            parts.append(f"{LINK_LINES.get(purpose, GENERIC_LINK)}: {link}")
        text = " ".join(parts)
        if channel == EMAIL and ttl_seconds > 0:
            text += f" {'Код действует' if code else 'Ссылка действует'} {_minutes(ttl_seconds)} мин."
    if channel == SMS:
        return Outgoing(message_id, SMS, destination, "", text, purpose, link)
    body = (f"Здравствуйте!\n\n{text}\n\n"
            "Если вы не запрашивали это письмо, просто проигнорируйте его.\n\n"
            "— Личный кабинет")
    return Outgoing(message_id, EMAIL, destination, subject, body, purpose, link)


NOTICES = {  # purpose -> (SMS text, e-mail subject, e-mail text): messages about the account, without a code
    # Registration with a contact that has an account: say so (only to that contact) and how to get
    # in, so that the registration form itself never reveals who is registered.
    ALREADY_REGISTERED: (
        "Номер уже зарегистрирован. Забыли пароль? Восстановите его при входе.",
        "Вы уже зарегистрированы",
        "Этот адрес электронной почты уже зарегистрирован в личном кабинете. Если вы не помните "
        "пароль, восстановите его по ссылке «Забыли пароль?» на странице входа. "
        "Если это были не вы, ничего делать не нужно."),
    "password_changed": (
        "Пароль от кабинета изменён. Если это не вы, восстановите доступ.",
        "Пароль изменён",
        "Пароль от вашего личного кабинета изменён. Если вы этого не делали, восстановите доступ по "
        "ссылке «Забыли пароль?» на странице входа."),
    "account_locked": (
        "Вход в кабинет заблокирован. Восстановите пароль на странице входа.",
        "Вход заблокирован",
        "Из-за большого числа неудачных попыток входа вход в личный кабинет заблокирован. Чтобы "
        "войти, восстановите пароль по ссылке «Забыли пароль?» на странице входа."),
    "contact_changed": (
        "Контакт для входа изменён. Если это не вы, восстановите доступ.",
        "Контактные данные изменены",
        "Контакт для входа в ваш личный кабинет изменён, этот адрес больше не используется. Если вы "
        "этого не делали, обратитесь в поддержку."),
}


def _notice(purpose: str, channel: str) -> tuple[str, str]:
    sms, subject, text = NOTICES[purpose]
    return ("", sms) if channel == SMS else (subject, text)


# --- readings and balances (the catalogue's templates use these as filters) ------------------------

def zone_list(values: Mapping[str, Decimal], consumption: Mapping[str, Decimal] | None = None) -> str:
    """«Пик: 2100,125 (расход 12,125 кВт·ч); Ночь: 1800,500»: zones with their vocabulary titles in reading order,
    with the consumption where it is known."""
    parts = []
    for zone in sorted(values, key=_reading_order):
        part = f"{ZONE.title(zone)}: {format_kwh(Decimal(values[zone]))}"
        if consumption and zone in consumption:
            part += f" (расход {format_kwh(Decimal(consumption[zone]))}{NBSP}кВт·ч)"
        parts.append(part)
    return "; ".join(parts)


def _reading_order(zone: str) -> int:
    """Zones as people read them (the ZONE vocabulary's order); a zone it does not know goes last."""
    return ZONE.codes.index(zone) if zone in ZONE else len(ZONE.codes)


def balance_sentence(state: str, balance_kop: int) -> str:
    """«Задолженность: 1 537,78 ₽.», «Переплата: 62,97 ₽.», «Нет задолженности.» (BALANCE_STATE titles);
    "" for a state the vocabulary does not know."""
    if state not in BALANCE_STATE:
        return ""
    if balance_kop == 0:
        return f"{BALANCE_STATE.title(state)}."
    return f"{BALANCE_STATE.title(state)}: {format_rub(abs(balance_kop))}."


# --- legal contracts ------------------------------------------------------------------

def contract_confirmation(*, message_id: str, email: str, contract_number: str, link: str) -> Outgoing:
    """The e-mail that completes binding a договор энергоснабжения to a cabinet."""
    if not link.startswith(("https://", "http://")):
        raise Rejected("Ссылка подтверждения должна быть адресом http(s).", code="bad_link")
    body = ("Здравствуйте!\n\n"
            f"В личном кабинете запрошено подключение договора энергоснабжения № {contract_number}. "
            f"Чтобы подтвердить его, перейдите по ссылке: {link}\n"
            "Ссылка действует 24 часа и срабатывает один раз.\n\n"
            "Если вы не запрашивали подключение, просто проигнорируйте это письмо: договор не будет "
            "подключён.\n\n— Личный кабинет")
    return Outgoing(message_id, EMAIL, email, f"Подтверждение подключения договора № {contract_number}", body,
                    "contract_confirmation", link)


# --- months and days ----------------------------------------------------------------------

MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
          "ноябрь", "декабрь")


def month_text(period: dt.date) -> str:
    """«ноябрь 2026 г.» (after «за»)."""
    return f"{MONTHS[period.month - 1]} {period.year} г."


def day_text(day: dt.date) -> str:
    """«10.12.2026»."""
    return f"{day:%d.%m.%Y}"


def _for_account(account_number: str) -> str:
    """« по лицевому счёту 12-10000001», or nothing when the number is not known."""
    return f" по лицевому счёту {account_number}" if account_number else ""


def _check_email(email: str, link: str | None = None, *, link_name: str = "Ссылка подтверждения") -> None:
    """An e-mail needs its recipient, and a link it carries must be an http(s) address."""
    if link is not None and not link.startswith(("https://", "http://")):
        raise Rejected(f"{link_name} должна быть адресом http(s).", code="bad_link")
    if not email.strip():
        raise Rejected("Не указан получатель.", code="no_destination")


# --- autopay (автоплатёж) ------------------------------------------------------------------

AUTOPAY_MODE_TEXT = {"amount_due": "сумма к оплате по квитанции", "fixed": "фиксированная сумма"}


def autopay_confirmation(*, message_id: str, email: str, account_number: str, card_title: str, day: int,
                         mode: str, amount_kop: int, cap_kop: int, link: str) -> Outgoing:
    """The e-mail whose link switches an autopay on (or moves it to another card): nothing is charged until it
    is followed."""
    _check_email(email, link)
    account = _for_account(account_number)
    amount = (f"{AUTOPAY_MODE_TEXT['fixed']} {format_rub(amount_kop)}" if mode == "fixed"
              else AUTOPAY_MODE_TEXT["amount_due"])
    body = ("Здравствуйте!\n\n"
            f"В личном кабинете запрошено подключение автоплатежа{account}: каждый месяц {day}-го числа с карты "
            f"{card_title} будет списываться {amount}, но не больше {format_rub(cap_kop)}.\n\n"
            f"Чтобы подтвердить автоплатёж, перейдите по ссылке: {link}\n"
            "Ссылка действует 24 часа и срабатывает один раз.\n\n"
            "Если вы не подключали автоплатёж, просто проигнорируйте это письмо: списаний не будет, а пароль "
            "от личного кабинета лучше сменить.\n\n— Личный кабинет")
    return Outgoing(message_id, EMAIL, email, f"Подтверждение автоплатежа{account}", body, "autopay_confirmation",
                    link)
