"""The provider adapters' requests and how they read the answers (no network: a fake HTTP session)."""

import email
import email.policy
import json

import pytest
import requests

from services.notify.adapters.delivery import SmscSender, build_email
from services.notify.domain import texts
from services.notify.domain.model import DeliveryFailed

MESSAGE_ID = "0b6c3a52-55d8-4d3c-9a39-7a3a33f8a1f0"
LINK = "https://lk.example.ru/confirm?token=a1&b=2"


def sms():
    return texts.code_message(message_id=MESSAGE_ID, channel="sms", destination="+79115550101",
                              purpose="registration", code="123456", ttl_seconds=600)


class FakeResponse:
    def __init__(self, status=200, body=None, text=None):
        self.status_code = status
        self.text = text if text is not None else json.dumps(body)

    def json(self):
        return json.loads(self.text)


class FakeSession:
    def __init__(self, answer):
        self.answer, self.calls = answer, []

    def post(self, url, data, timeout):
        self.calls.append((url, data, timeout))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def smsc(answer, **kw):
    session = FakeSession(answer)
    return SmscSender("https://smsc.ru/sys/send.php", login="retailer", password="secret", session=session,
                      **kw), session


def test_smsc_gets_its_send_php_form_with_our_message_id_and_utf8_json():
    sender, session = smsc(FakeResponse(body={"id": MESSAGE_ID, "cnt": 1}), sender="PSK")
    sender.send(sms())
    [(url, form, timeout)] = session.calls
    assert url == "https://smsc.ru/sys/send.php" and timeout == 10.0
    assert form == {"login": "retailer", "psw": "secret", "phones": "79115550101",
                    "mes": "Код подтверждения регистрации: 123456. Никому не сообщайте его.",
                    "id": MESSAGE_ID, "fmt": "3", "charset": "utf-8", "sender": "PSK"}


@pytest.mark.parametrize(("code", "permanent"), [(1, True), (2, False), (3, False), (4, False), (6, True),
                                                 (7, True), (8, True), (9, False)])
def test_smsc_error_answers_say_whether_a_retry_can_help(code, permanent):
    sender, _ = smsc(FakeResponse(body={"error": "whatever", "error_code": code, "id": MESSAGE_ID}))
    with pytest.raises(DeliveryFailed, match=f"SMSC error {code}: whatever") as failed:
        sender.send(sms())
    assert failed.value.permanent is permanent


@pytest.mark.parametrize("answer", [
    FakeResponse(status=503, text="Service Unavailable"),
    FakeResponse(text="<html>maintenance</html>"),
    FakeResponse(body=["not", "an", "object"]),
    FakeResponse(body={"cnt": 0}),
    requests.ConnectionError("refused"),
    requests.Timeout("slow"),
])
def test_smsc_trouble_is_a_transient_failure_without_the_text(answer):
    sender, _ = smsc(answer)
    with pytest.raises(DeliveryFailed) as failed:
        sender.send(sms())
    assert not failed.value.permanent
    assert "123456" not in str(failed.value) and "secret" not in str(failed.value)


def test_an_email_is_utf8_mime_with_a_text_part_and_a_clickable_link():
    message = texts.code_message(message_id=MESSAGE_ID, channel="email", destination="ivanov@example.ru",
                                 purpose="registration", code="", ttl_seconds=3600, link=LINK)
    raw = build_email(message, sender="Личный кабинет <noreply@lk.example.ru>").as_bytes()
    assert raw.isascii()  # headers RFC 2047, bodies transfer-encoded: any relay takes it
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == "Подтверждение регистрации"
    assert parsed["From"].addresses[0].display_name == "Личный кабинет"
    assert parsed["Message-ID"] == f"<{MESSAGE_ID}@lk.example.ru>"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed.get_content_type() == "multipart/alternative"
    text = parsed.get_body(preferencelist=("plain",))
    assert text.get_content_charset() == "utf-8"
    assert f"Чтобы завершить регистрацию, перейдите по ссылке: {LINK}" in text.get_content()
    assert "Ссылка действует 60 мин." in text.get_content()
    html = parsed.get_body(preferencelist=("html",)).get_content()
    assert '<a href="https://lk.example.ru/confirm?token=a1&amp;b=2">' in html


def test_a_link_must_be_http():
    with pytest.raises(Exception, match="http"):
        texts.code_message(message_id=MESSAGE_ID, channel="email", destination="a@b.ru", purpose="registration",
                           code="", ttl_seconds=60, link="javascript:alert(1)")


@pytest.mark.parametrize("purpose", sorted(texts.NOTICES))
def test_notices_carry_no_code_and_fit_one_sms(purpose):
    sms_notice = texts.code_message(message_id=MESSAGE_ID, channel="sms", destination="+79115550101",
                                    purpose=purpose, code="", ttl_seconds=0)
    assert len(sms_notice.body) <= 70
    mail = texts.code_message(message_id=MESSAGE_ID, channel="email", destination="a@b.ru", purpose=purpose,
                              code="", ttl_seconds=0, link="https://ignored.example")
    assert mail.subject and not mail.link and "https://" not in mail.body
