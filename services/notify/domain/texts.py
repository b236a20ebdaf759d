"""What Kabinet says to customers, in Russian: codes by SMS and e-mail, inbox messages, money.

SMS texts are kept within one Cyrillic segment (70 characters) where possible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from kabinet_vocabulary import BALANCE_STATE, BILL_DELIVERY, CHARGE_KIND, ZONE

from kit.errors import Rejected
from services.notify.domain.model import CHANNELS, EMAIL, SMS, InboxMessage, Outgoing

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


# --- inbox ---------------------------------------------------------------------------

def reading_accepted_notice(*, message_id: str, user_id: str, account_id: str, values: Mapping[str, Decimal],
                            consumption: Mapping[str, Decimal], created_at: dt.datetime) -> InboxMessage:
    """«Показания приняты» with the values by zone and the consumption since the previous reading."""
    parts = []
    for zone in sorted(values, key=_reading_order):
        part = f"{ZONE.title(zone)}: {format_kwh(values[zone])}"
        if zone in consumption:
            part += f" (расход {format_kwh(consumption[zone])}{NBSP}кВт·ч)"
        parts.append(part)
    body = (f"Приняты показания счётчика — {'; '.join(parts)}. "
            "Предварительное начисление появится в разделе «Начисления».")
    return InboxMessage(message_id=message_id, user_id=user_id, category="readings", title="Показания приняты",
                        body=body, created_at=created_at, account_id=account_id)


def reading_corrected_notice(*, message_id: str, user_id: str, account_id: str, values: Mapping[str, Decimal],
                             consumption: Mapping[str, Decimal], reason: str,
                             created_at: dt.datetime) -> InboxMessage:
    """«Показания исправлены»: the new values, who corrected them (staff: with the reason), and that the
    preliminary charge is recalculated."""
    parts = []
    for zone in sorted(values, key=_reading_order):
        part = f"{ZONE.title(zone)}: {format_kwh(values[zone])}"
        if zone in consumption:
            part += f" (расход {format_kwh(consumption[zone])}{NBSP}кВт·ч)"
        parts.append(part)
    who = f"Сотрудник поставщика исправил показания счётчика (причина: {reason})" if reason \
        else "Показания счётчика исправлены"
    body = (f"{who} — {'; '.join(parts)}. Предварительное начисление пересчитано по исправленным "
            "показаниям: смотрите раздел «Начисления».")
    return InboxMessage(message_id=message_id, user_id=user_id, category="readings", title="Показания исправлены",
                        body=body, created_at=created_at, account_id=account_id)


def _reading_order(zone: str) -> int:
    """Zones as people read them (the ZONE vocabulary's order); a zone it does not know goes last."""
    return ZONE.codes.index(zone) if zone in ZONE else len(ZONE.codes)


def charge_posted_notice(*, message_id: str, user_id: str, account_id: str, kind: str, amount_kop: int,
                         balance_kop: int, balance_state: str, created_at: dt.datetime) -> InboxMessage:
    """«Предварительное начисление: 1 234,56 ₽» and what the balance is now, in the words of its state
    (payments decides the state; a fact without one says nothing about the balance)."""
    preliminary = kind == CHARGE_KIND.PRELIMINARY
    title = f"{'Предварительное начисление' if preliminary else 'Начисление'}: {format_rub(amount_kop)}"
    body = f"{'По переданным показаниям начислено' if preliminary else 'Начислено'} {format_rub(amount_kop)}."
    balance = balance_sentence(balance_state, balance_kop)
    if balance:
        body += f" {balance}"
    if preliminary:
        body += " Окончательное начисление будет сформировано в конце месяца."
    return InboxMessage(message_id=message_id, user_id=user_id, category="charges", title=title, body=body,
                        created_at=created_at, account_id=account_id)


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


# --- invoices (квитанции) ------------------------------------------------------------------

MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
          "ноябрь", "декабрь")
# Bill deliveries that include e-mail: the invoice goes to the account's customers by e-mail too.
EMAILED = frozenset({BILL_DELIVERY.EMAIL, BILL_DELIVERY.PAPER_EMAIL})


def month_text(period: dt.date) -> str:
    """«ноябрь 2026 г.» (after «за»)."""
    return f"{MONTHS[period.month - 1]} {period.year} г."


def _due_sentence(amount_due_kop: int, due_on: dt.date | None) -> str:
    if amount_due_kop <= 0:
        return "Оплачивать ничего не нужно."
    return f"К оплате: {format_rub(amount_due_kop)}" + (f" до {due_on:%d.%m.%Y}." if due_on else ".")


def _for_account(account_number: str) -> str:
    """« по лицевому счёту 12-10000001», or nothing when the number is not known."""
    return f" по лицевому счёту {account_number}" if account_number else ""


def _check_email(email: str, link: str | None = None, *, link_name: str = "Ссылка подтверждения") -> None:
    """An e-mail needs its recipient, and a link it carries must be an http(s) address."""
    if link is not None and not link.startswith(("https://", "http://")):
        raise Rejected(f"{link_name} должна быть адресом http(s).", code="bad_link")
    if not email.strip():
        raise Rejected("Не указан получатель.", code="no_destination")


def _invoice_sentence(number: int, account_number: str, period: dt.date) -> str:
    account = _for_account(account_number)
    return f"Сформирована квитанция № {number} за {month_text(period)}{account}".removesuffix(".") + "."


def invoice_issued_notice(*, message_id: str, user_id: str, account_id: str, account_number: str, period: dt.date,
                          number: int, amount_due_kop: int, due_on: dt.date | None,
                          created_at: dt.datetime) -> InboxMessage:
    """«Квитанция за ноябрь 2026 г.»: its number, the account, what is due and by when, where to find it."""
    body = (f"{_invoice_sentence(number, account_number, period)} {_due_sentence(amount_due_kop, due_on)} "
            "Квитанцию с QR-кодом для оплаты можно открыть в разделе «Квитанции».")
    return InboxMessage(message_id=message_id, user_id=user_id, category="invoices",
                        title=f"Квитанция за {month_text(period)}", body=body, created_at=created_at,
                        account_id=account_id)


def invoice_email(*, message_id: str, email: str, account_number: str, period: dt.date, number: int,
                  amount_due_kop: int, due_on: dt.date | None, link: str) -> Outgoing:
    """The e-mail of a new invoice, with the link to its PDF (opened in the cabinet: sign-in needed), to a
    customer whose account has the invoice delivered by e-mail."""
    _check_email(email, link, link_name="Ссылка на квитанцию")
    account = _for_account(account_number)
    body = ("Здравствуйте!\n\n"
            f"{_invoice_sentence(number, account_number, period)} {_due_sentence(amount_due_kop, due_on)}\n\n"
            f"Квитанция в PDF с QR-кодом для оплаты: {link}\n"
            "Чтобы открыть её, войдите в личный кабинет.\n\n"
            "Вы получаете это письмо, потому что для лицевого счёта выбрана доставка квитанций по электронной "
            "почте. Изменить способ доставки можно в личном кабинете.\n\n— Личный кабинет")
    return Outgoing(message_id, EMAIL, email, f"Квитанция за {month_text(period)}{account}", body, "invoice", link)


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


def autopay_failed(*, message_id: str, email: str, account_number: str, period: dt.date, amount_kop: int,
                   reason_text: str) -> Outgoing:
    """The e-mail saying the month's autopay did not go through after its attempts: pay by hand."""
    _check_email(email)
    account = _for_account(account_number)
    body = ("Здравствуйте!\n\n"
            f"Автоплатёж{account} за {month_text(period)} на сумму {format_rub(amount_kop)} не прошёл: "
            f"{reason_text}\n\n"
            "Оплатите, пожалуйста, вручную в личном кабинете или проверьте сохранённую карту, чтобы автоплатёж "
            "сработал в следующем месяце.\n\n— Личный кабинет")
    return Outgoing(message_id, EMAIL, email, f"Автоплатёж{account} не прошёл", body, "autopay_failed", "")


def reading_rejected_notice(*, message_id: str, user_id: str, account_id: str, values: Mapping[str, Decimal],
                            period: dt.date | None, reason: str, created_at: dt.datetime) -> InboxMessage:
    """«Показания отклонены»: which values (and for which month), staff's reason, that the preliminary charge is
    cancelled, and what to do — submit the right reading."""
    shown = "; ".join(f"{ZONE.title(zone)}: {format_kwh(values[zone])}" for zone in sorted(values, key=_reading_order))
    month = f" за {month_text(period)}" if period else ""
    body = (f"Поставщик отклонил показания счётчика{month} — {shown}. Причина: {reason}. Они не учитываются, "
            "предварительное начисление по ним отменено. Передайте, пожалуйста, верные показания.")
    return InboxMessage(message_id=message_id, user_id=user_id, category="readings", title="Показания отклонены",
                        body=body, created_at=created_at, account_id=account_id)
