"""The stack's Redis and delivery simulators: started with the infrastructure, speaking their protocols."""

import smtplib
from email.message import EmailMessage
from urllib.parse import urlencode

import pytest
import redis
import requests

from devstack.stack import SMS_SIM_LOGIN, SMS_SIM_PASSWORD, SMTP_SIM_LOGIN, SMTP_SIM_PASSWORD, Stack

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def infra(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("sims"), "test", fast=True, services=("notify",), gateway=False)
    stack.start_infra()
    yield stack
    stack.stop()


@pytest.fixture(autouse=True)
def empty_mailboxes(infra):
    yield
    for sim in ("smtp", "sms"):
        requests.delete(f"{infra.mailbox_url(sim)}/_sim/messages", timeout=5)


def send_php(infra, **form):
    form = {"login": SMS_SIM_LOGIN, "psw": SMS_SIM_PASSWORD, "charset": "utf-8", "fmt": "3", **form}
    return requests.post(infra.sms_url, data=form, timeout=5)


def messages(infra, sim, to=""):
    return requests.get(f"{infra.mailbox_url(sim)}/_sim/messages", params={"to": to}, timeout=5).json()["messages"]


def test_redis_runs_for_the_gateway(infra):
    url = infra.env_for("gateway")["KABINET_REDIS_URL"]
    assert url == infra.redis_url and redis.Redis.from_url(url).ping()
    assert "KABINET_REDIS_URL" not in infra.env_for("notify-api")


def test_simulators_run_supervised_and_notify_gets_the_real_adapters(infra):
    assert {"smtp-sim", "sms-sim"} <= set(infra.supervisor.names)
    env = infra.env_for("notify-worker")
    assert (env["KABINET_SMS_ADAPTER"], env["KABINET_EMAIL_ADAPTER"]) == ("smsc", "smtp")
    assert env["KABINET_SMS_URL"] == infra.sms_url
    assert env["KABINET_SMTP_PORT"] == str(infra.ports["smtp_sim"])
    assert env["KABINET_DEV_OUTBOX_URLS"].split(",") == [infra.mailbox_url("smtp"), infra.mailbox_url("sms")]
    assert "KABINET_SMS_ADAPTER" not in infra.env_for("auth-api")


def test_the_sms_simulator_answers_like_smsc(infra):
    ok = send_php(infra, phones="+79115550101", mes="Код: 123456", id="m-1")
    assert ok.status_code == 200 and ok.json() == {"id": "m-1", "cnt": 1}
    [sms] = messages(infra, "sms", "79115550101")
    assert (sms["message_id"], sms["destination"], sms["body"]) == ("m-1", "+79115550101", "Код: 123456")

    assert send_php(infra, psw="wrong", phones="79115550101", mes="x").json() == {
        "error": "authorise error", "error_code": 2}
    assert send_php(infra, phones="79990000007", mes="x", id="m-2").json()["error_code"] == 7
    assert send_php(infra, phones="79115550101", mes="").json()["error_code"] == 1
    assert send_php(infra, phones="79115550101", mes="я" * 71).json()["cnt"] == 2  # UCS-2: 70, then 67 a part


def test_the_sms_simulator_speaks_the_default_charset_and_text_format_too(infra):
    query = urlencode({"login": SMS_SIM_LOGIN, "psw": SMS_SIM_PASSWORD, "phones": "79115550102",
                       "mes": "Привет"}, encoding="windows-1251")
    answer = requests.get(f"{infra.sms_url}?{query}", timeout=5).text
    assert answer.startswith("OK - 1 SMS, ID - ")
    assert messages(infra, "sms", "+79115550102")[0]["body"] == "Привет"


def test_the_sms_simulator_fails_as_told(infra):
    requests.post(f"{infra.mailbox_url('sms')}/_sim/fail", json={"http_status": 503, "times": 1}, timeout=5)
    requests.post(f"{infra.mailbox_url('sms')}/_sim/fail", json={"error_code": 3}, timeout=5)
    assert send_php(infra, phones="79115550101", mes="x").status_code == 503
    assert send_php(infra, phones="79115550101", mes="x").json()["error_code"] == 3
    assert send_php(infra, phones="79115550101", mes="x").json()["cnt"] == 1


def test_the_smtp_simulator_requires_auth_and_keeps_the_mail(infra):
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "noreply@kabinet.localhost", "ivanov@example.ru", "Проверка"
    mail["Message-ID"] = "<m-3@kabinet.localhost>"
    mail.set_content("Здравствуйте!", charset="utf-8")
    with smtplib.SMTP("127.0.0.1", infra.ports["smtp_sim"], timeout=5) as smtp:
        with pytest.raises(smtplib.SMTPSenderRefused):  # 530: authentication required
            smtp.send_message(mail)
        with pytest.raises(smtplib.SMTPAuthenticationError):
            smtp.login(SMTP_SIM_LOGIN, "wrong")
        smtp.login(SMTP_SIM_LOGIN, SMTP_SIM_PASSWORD)
        smtp.send_message(mail)
    [kept] = messages(infra, "smtp", "IVANOV@example.ru")
    assert (kept["message_id"], kept["subject"], kept["body"]) == ("m-3", "Проверка", "Здравствуйте!")


def test_a_restarted_simulator_still_shows_what_it_received(infra):
    send_php(infra, phones="79115550103", mes="до перезапуска")
    infra.supervisor.restart("sms-sim")
    infra.wait_ready("sms-sim")
    assert [m["body"] for m in messages(infra, "sms", "79115550103")] == ["до перезапуска"]
