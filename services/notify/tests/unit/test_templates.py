"""Every template of every kind renders (templates/), in the voice of the existing texts: SMS within one Cyrillic
segment, HTML escaped, a missing parameter refused, the e-mail framed with greeting, signature and unsubscribe."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kit.errors import InvalidInput
from services.notify.domain.catalogue import CATEGORIES, KINDS
from services.notify.domain.model import EMAIL, SMS
from services.notify.domain.render import TEMPLATES, Templates

NNBSP, NBSP = "\u202f", "\u00a0"
SEGMENT = 70  # one UCS-2 SMS segment
LONG_SMS = {"feedback_replied": 3 * 67}  # the reply itself: up to three concatenated segments (67 each)
COMMON = {"public_url": "https://lk.example.ru", "time_zone": "Europe/Moscow", "account_number": "018\\00028517"}
READINGS = {"values": {"night": Decimal("1800.500"), "semi_peak": Decimal("3400.000"), "peak": Decimal("2100.125")},
            "consumption": {"night": Decimal("0.500"), "semi_peak": Decimal("0.000"), "peak": Decimal("12.125")}}
SAMPLES: dict[str, dict] = {  # the longest realistic values, so that SMS lengths are tested at their worst
    "reading_accepted": READINGS,
    "reading_corrected": {**READINGS, "reason": "Фото счётчика"},
    "reading_rejected": {"values": READINGS["values"], "period": "2026-11", "reason": "На фото счётчика 210"},
    "readings_due_opened": {"period": "2026-11", "window_from": "2026-11-15", "window_to": "2026-11-25"},
    "readings_due_closing": {"period": "2026-11", "window_from": "2026-11-15", "window_to": "2026-11-25"},
    "charge_posted": {"preliminary": True, "amount_kop": 123456, "balance_kop": -153778, "balance_state": "debt"},
    "invoice_issued": {"number": 7, "period": "2026-09", "amount_due_kop": 12_345_678, "due_on": "2026-12-10",
                       "link": "https://lk.example.ru/api/v1/invoices/1.pdf", "bill_delivery": "email"},
    "payment_succeeded": {"amount_kop": 12_345_678, "accounts": ["12-10000001", "12-10000002"]},
    "payment_failed": {"amount_kop": 12_345_678, "accounts": ["12-10000001"], "reason": "Недостаточно средств"},
    "autopay_succeeded": {"amount_kop": 12_345_678, "accounts": ["12-10000001"]},
    "autopay_failed": {"period": "2027-01", "amount_kop": 60_000, "reason": "недостаточно средств на карте."},
    "debt_overdue": {"due_on": "2026-12-10", "overdue_kop": 12_345_678, "amount_due_kop": 12_400_000},
    "penalties_accrued": {"period": "2026-12", "amount_kop": 1234, "penalties_due_kop": 5678},
    "service_request_changed": {"request_type": "Электромонтажные работы", "status": "в работе",
                                "comment": "Мастер придёт в четверг"},
    "contract_bound": {"contract_number": "78078078078000"},
    "new_sign_in": {"device": "Firefox 133 на Windows", "ip": "203.0.113.7", "at": "2026-12-04T05:15:00+00:00"},
    "news_published": {"title": "Плановое отключение электроэнергии на Васильевском острове 10 декабря с 10 до 16 "
                                "часов", "summary": "Работы на подстанции.\n\nПриносим извинения.",
                       "link": "https://lk.example.ru/news/1"},
    "feedback_replied": {"number": 17, "topic": "Начисления", "message": "Почему выросла сумма?", "reply": "Спасибо за обращение. " * 20,
                         "sent_on": "04.12.2026", "name": "Иван", "signed_in": True, "feedback_id": "f-1"},
}


@pytest.fixture(scope="module")
def templates():
    return Templates()


def parts_of(kind) -> tuple[str, ...]:
    return ((("inbox_title", "inbox") if kind.inbox else ()) + (("sms",) if SMS in kind.channels else ())
            + (("subject", "text", "html") if EMAIL in kind.channels else ()))


def render(templates, code, **changes):
    return templates.render(code, parts_of(KINDS[code]), {**COMMON, **SAMPLES[code], **changes})


def test_every_kind_has_a_sample_and_its_template_files_and_no_file_is_left_over():
    assert set(SAMPLES) == set(KINDS)
    files = {p.name for p in TEMPLATES.iterdir()}
    expected = {f"{k}.{ext}" for k in KINDS for ext in ("txt", "html")} | {"_letter.txt", "_layout.html", "README.md"}
    assert files == expected


@pytest.mark.parametrize("code", sorted(KINDS))
def test_every_part_of_every_kind_renders_with_its_parameters(templates, code):
    kind = KINDS[code]
    assert templates.blocks(code) == set(parts_of(kind)) - {"html"}, "a block per part of its channels"
    assert set(SAMPLES[code]) >= set(kind.params) - {"account_number"}, "the sample gives every parameter"
    rendered = render(templates, code)
    for part in parts_of(kind):
        value = getattr(rendered, part)
        assert value and "{{" not in value and "{%" not in value, part
    if SMS in kind.channels:
        assert len(rendered.sms) <= LONG_SMS.get(code, SEGMENT), rendered.sms
    if EMAIL in kind.channels:
        assert "\n" not in rendered.subject and "Здравствуйте" not in rendered.text


@pytest.mark.parametrize("code", sorted(KINDS))
def test_a_missing_parameter_is_refused_not_rendered_empty(templates, code):
    name = next(p for p in KINDS[code].params if p != "account_number")
    params = {k: v for k, v in {**COMMON, **SAMPLES[code]}.items() if k != name}
    with pytest.raises(InvalidInput) as err:
        templates.render(code, parts_of(KINDS[code]), params)
    assert err.value.code == "malformed_notice"


def test_html_is_escaped_and_text_is_not(templates):
    rendered = render(templates, "service_request_changed", comment="<b>не</b> & «так»")
    assert "&lt;b&gt;не&lt;/b&gt; &amp; «так»" in rendered.html
    assert "<b>не</b> & «так»." in rendered.text


def test_the_letter_frames_the_words_with_the_unsubscribe_link_of_its_category(templates):
    rendered = render(templates, "readings_due_opened")
    url = "https://lk.example.ru/unsubscribe?token=a.b"
    letter = templates.letter(rendered, unsubscribe_url=url, category_title=CATEGORIES["reminders"].title,
                              public_url="https://lk.example.ru")
    assert letter.text.startswith("Здравствуйте!\n\nОткрыт приём показаний счётчика за ноябрь 2026 г.")
    assert f"Не хотите получать письма «Напоминания о показаниях»? Отписаться: {url}" in letter.text
    assert letter.text.endswith("— Личный кабинет") and "\n\n\n" not in letter.text
    assert f'href="{url}"' in letter.html and "<p>Здравствуйте!</p>" in letter.html
    critical = templates.letter(rendered, unsubscribe_url="", category_title="", public_url="https://lk.example.ru")
    assert "Отписаться" not in critical.text and "Отписаться" not in critical.html


def test_reading_accepted_lists_zones_in_meter_order_with_consumption(templates):
    assert render(templates, "reading_accepted").inbox == (
        f"Приняты показания счётчика — Пик: 2100,125 (расход 12,125{NBSP}кВт·ч); "
        f"Полупик: 3400,000 (расход 0,000{NBSP}кВт·ч); Ночь: 1800,500 (расход 0,500{NBSP}кВт·ч). "
        "Предварительное начисление появится в разделе «Начисления».")
    unknown = render(templates, "reading_accepted", values={"night": 2, "day": 1, "total": 3, "attic": 4},
                     consumption={})
    assert "Круглосуточные: 3; День: 1; Ночь: 2; attic: 4." in unknown.inbox


@pytest.mark.parametrize("balance,state,says", [
    (-153778, "debt", f"Задолженность: 1{NNBSP}537,78{NBSP}₽."),
    (0, "zero", "Нет задолженности."),
    (6297, "overpayment", f"Переплата: 62,97{NBSP}₽."),
])
def test_a_preliminary_charge_says_the_amount_and_the_balance_in_the_words_of_its_state(templates, balance, state,
                                                                                        says):
    m = render(templates, "charge_posted", balance_kop=balance, balance_state=state)
    assert m.inbox_title == f"Предварительное начисление: 1{NNBSP}234,56{NBSP}₽"
    assert says in m.inbox and "в конце месяца" in m.inbox


def test_a_charge_without_a_known_state_says_nothing_of_the_balance_and_a_final_one_is_not_preliminary(templates):
    m = render(templates, "charge_posted", amount_kop=100, balance_state="")
    assert m.inbox == ("По переданным показаниям начислено 1,00\u00a0₽. "
                       "Окончательное начисление будет сформировано в конце месяца.")
    final = render(templates, "charge_posted", preliminary=False, amount_kop=100)
    assert final.inbox_title == f"Начисление: 1,00{NBSP}₽" and "конце месяца" not in final.inbox


def test_invoice_texts_name_the_number_month_account_amount_and_due_date(templates):
    m = render(templates, "invoice_issued", period="2026-11", amount_due_kop=107692, account_number="12-10000001")
    assert m.inbox_title == "Квитанция за ноябрь 2026 г."
    assert m.inbox == ("Сформирована квитанция № 7 за ноябрь 2026 г. по лицевому счёту 12-10000001. "
                       "К оплате: 1\u202f076,92\u00a0₽ до 10.12.2026. Квитанцию с QR-кодом для оплаты можно "
                       "открыть в разделе «Квитанции».")
    assert m.subject == "Квитанция за ноябрь 2026 г. по лицевому счёту 12-10000001"
    assert "Квитанция в PDF с QR-кодом для оплаты: https://lk.example.ru/api/v1/invoices/1.pdf" in m.text
    nothing = render(templates, "invoice_issued", period="2026-01", amount_due_kop=0, due_on="", account_number="",
                     number=1)
    assert nothing.inbox.startswith("Сформирована квитанция № 1 за январь 2026 г. Оплачивать ничего не нужно.")


def test_a_rejected_reading_names_the_values_the_month_and_the_reason(templates):
    m = render(templates, "reading_rejected", values={"day": Decimal("2100.000"), "night": Decimal("900.500")})
    assert m.inbox == ("Поставщик отклонил показания счётчика за ноябрь 2026 г. — День: 2100,000; Ночь: 900,500. "
                       "Причина: На фото счётчика 210. Они не учитываются, предварительное начисление по ним "
                       "отменено. Передайте, пожалуйста, верные показания.")
    assert "за " not in render(templates, "reading_rejected", period="").inbox.split("—")[0]


def test_the_autopay_failure_names_the_month_amount_and_reason(templates):
    m = render(templates, "autopay_failed", account_number="76-00000001")
    assert m.subject == "Автоплатёж по лицевому счёту 76-00000001 не прошёл"
    assert "январь 2027" in m.text and "600,00\u00a0₽" in m.text and "недостаточно средств на карте." in m.text


def test_a_sign_in_is_told_in_the_customers_time_zone(templates):
    m = render(templates, "new_sign_in", time_zone="Asia/Yekaterinburg")
    assert m.inbox.startswith("04.12.2026 в 10:15 выполнен вход с нового устройства (Firefox 133 на Windows), "
                              "IP-адрес 203.0.113.7.")


def test_feedback_replies_keep_their_paragraphs_in_html(templates):
    m = render(templates, "feedback_replied", reply="Добрый день!\n\nПерерасчёт <сделан>.")
    assert "<p>Добрый день!</p><p>Перерасчёт &lt;сделан&gt;.</p>" in m.html
    assert "Добрый день!\n\nПерерасчёт <сделан>." in m.text
