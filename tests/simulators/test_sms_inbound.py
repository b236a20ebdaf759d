"""The SMS simulator's inbound side delivers a subscriber's SMS as SMSC calls a client's handler: a form POST to
/partners/v1/sms/inbound, signed with the configured partner key over the exact bytes sent; the same id again is a
re-delivery; the secret is never shown."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import requests

from kit import partner_signing
from simulators.sms.inbound import Inbound
from simulators.sms.server import make_server


@pytest.fixture
def gateway():
    """A stand-in for the gateway: keeps each request and answers 200 with a JSON body."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"path": self.path, "headers": dict(self.headers), "body": body})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"outcome": "accepted"}')

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", received
    server.shutdown()


@pytest.fixture
def sim(gateway):
    server = make_server("127.0.0.1", 0, login="l", password="p", inbound=Inbound(gateway[0]))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_an_incoming_sms_is_a_signed_smsc_form(sim, gateway):
    url, received = gateway
    config = requests.post(f"{sim}/_sim/config", json={"key_id": "pk_1", "secret": "sk_secret"}, timeout=5).json()
    assert config == {"gateway_url": url, "key_id": "pk_1", "signing": True}
    assert "sk_secret" not in requests.get(f"{sim}/_sim/config", timeout=5).text
    sent = requests.post(f"{sim}/_sim/inbound", json={"phone": "+79001234567", "text": "PESC DISP 012-1 5",
                                                      "id": "m1"}, timeout=5).json()
    assert sent == {"id": "m1", "status": 200, "answer": {"outcome": "accepted"}}
    [request] = received
    form = {k: v[0] for k, v in parse_qs(request["body"].decode()).items()}
    assert request["path"] == "/partners/v1/sms/inbound"
    assert (form["id"], form["phone"], form["mes"], form["to"]) == ("m1", "79001234567", "PESC DISP 012-1 5", "4938")
    h = request["headers"]
    assert h["X-Kabinet-Key"] == "pk_1" and partner_signing.signature_matches(
        "sk_secret", h["X-Kabinet-Signature"], "POST", request["path"], h["X-Kabinet-Timestamp"],
        h["X-Kabinet-Nonce"], partner_signing.body_sha256(request["body"]))


def test_the_same_id_is_a_redelivery_and_a_new_message_gets_a_new_id(sim, gateway):
    _, received = gateway
    for message_id in ("m7", "m7", ""):
        requests.post(f"{sim}/_sim/inbound", json={"phone": "79001234567", "text": "x", "id": message_id}, timeout=5)
    ids = [parse_qs(r["body"].decode())["id"][0] for r in received]
    assert ids[:2] == ["m7", "m7"] and ids[2] not in ("", "m7")
    assert all("X-Kabinet-Key" not in r["headers"] for r in received)  # no key configured: unsigned


def test_a_request_without_phone_or_text_is_refused(sim):
    assert requests.post(f"{sim}/_sim/inbound", json={"text": "x"}, timeout=5).status_code == 400
