"""The hosted payment page (the confirmation URL) and its 3-D Secure step, in Russian as the real one."""

from __future__ import annotations

import re
from decimal import Decimal

from simulators.yookassa.shop import luhn

LAYOUT = """<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>ЮKassa — оплата</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin:.8rem 0 .2rem}input{font-size:1.1rem;padding:.3rem;width:100%}
button{margin-top:1.2rem;font-size:1.1rem;padding:.5rem 1rem}.error{color:#b00}.muted{color:#666}</style>
</head><body><p class="muted">ЮKassa · тестовый магазин (симулятор)</p>{% block body %}{% endblock %}</body></html>"""

CARD_FORM = LAYOUT.replace("{% block body %}{% endblock %}", """
<h1>Оплата {{ amount }}</h1>
{% if description %}<p>{{ description }}</p>{% endif %}
{% if error %}<p class="error" role="alert">{{ error }}</p>{% endif %}
<form method="post">
  <label for="card_number">Номер карты</label>
  <input id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" value="{{ number }}"
         placeholder="0000 0000 0000 0000" required>
  <label for="expiry">Срок действия (ММ/ГГ)</label>
  <input id="expiry" name="expiry" autocomplete="cc-exp" value="{{ expiry }}" placeholder="12/30" required>
  <label for="cvc">CVC/CVV</label>
  <input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" maxlength="3" required>
  <button type="submit">Заплатить {{ amount }}</button>
</form>
<p class="muted">Тестовые карты: 5555 5555 5555 4477 — успешно; 5555 5555 5555 4444 — с 3-D Secure (код 123);
4111 1111 1111 1111 — отказ банка; 5555 5555 5555 4592 — недостаточно средств.</p>""")

THREE_DS = LAYOUT.replace("{% block body %}{% endblock %}", """
<h1>Подтверждение платежа</h1>
<p>Банк отправил код подтверждения на ваш телефон. Оплата {{ amount }}, карта *{{ last4 }}.</p>
<form method="post">
  <label for="code">Код из SMS</label>
  <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required>
  <button type="submit">Подтвердить</button>
</form>
<p class="muted">Тестовый код: 123. Любой другой — отказ 3-D Secure.</p>""")

MESSAGE = LAYOUT.replace("{% block body %}{% endblock %}", """
<h1>{{ title }}</h1><p>{{ text }}</p>
{% if return_url %}<p><a href="{{ return_url }}">Вернуться в магазин</a></p>{% endif %}""")


def roubles(value: str) -> str:
    """"1234.50" -> "1 234,50 ₽"."""
    return f"{Decimal(value):,.2f}".replace(",", "\u00a0").replace(".", ",") + "\u00a0₽"


def read_card(form: dict) -> tuple[str, int, int] | str:
    """(number, month, year) from the form, or what is wrong with it (in Russian)."""
    number = re.sub(r"[\s-]", "", form.get("card_number", ""))
    if not re.fullmatch(r"\d{13,19}", number) or not luhn(number):
        return "Проверьте номер карты"
    expiry = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", form.get("expiry", ""))
    if not expiry or not 1 <= int(expiry.group(1)) <= 12:
        return "Проверьте срок действия карты: ММ/ГГ"
    year = int(expiry.group(2))
    if not re.fullmatch(r"\d{3}", form.get("cvc", "").strip()):
        return "CVC — три цифры на обороте карты"
    return number, int(expiry.group(1)), year + 2000 if year < 100 else year
