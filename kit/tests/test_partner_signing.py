"""The canonical string and signature of partner requests: the test vector of docs/partners-api.md."""

from __future__ import annotations

from kit import partner_signing as signing

BODY = b'{"number":"12-12345678","amount_kop":150000}'
SECRET = "sk_test_do_not_use"
TARGET = "/partners/v1/payments?supplier=012"
DIGEST = "dfdb7fc455e4f8b05b7660ff1b97e2874a762157b603b8f89229c974a7430da0"
SIGNATURE = "a7e3df0c6a20570c81e203bd3ac379b41563b1937936da82e91755a6751a06c4"


def test_the_documented_test_vector():
    assert signing.body_sha256(BODY) == DIGEST
    assert signing.canonical("post", TARGET, "1764720000", "Zm9vYmFyYmF6cXV4MTIz", DIGEST) == (
        "KABINET-HMAC-SHA256\nPOST\n/partners/v1/payments?supplier=012\n1764720000\nZm9vYmFyYmF6cXV4MTIz\n" + DIGEST)
    assert signing.signature(SECRET, "POST", TARGET, "1764720000", "Zm9vYmFyYmF6cXV4MTIz", DIGEST) == SIGNATURE
    headers = signing.signed_headers("pk_1", SECRET, "POST", TARGET, BODY, timestamp=1764720000,
                                     nonce="Zm9vYmFyYmF6cXV4MTIz")
    assert headers == {"X-Kabinet-Key": "pk_1", "X-Kabinet-Timestamp": "1764720000",
                       "X-Kabinet-Nonce": "Zm9vYmFyYmF6cXV4MTIz", "X-Kabinet-Signature": SIGNATURE}


def test_every_part_is_signed():
    good = dict(method="POST", target=TARGET, timestamp="1764720000", nonce="Zm9vYmFyYmF6cXV4MTIz",
                body_digest=DIGEST)
    assert signing.signature_matches(SECRET, SIGNATURE.upper(), **good)
    for name, other in (("method", "PUT"), ("target", "/partners/v1/payments?supplier=013"),
                        ("timestamp", "1764720001"), ("nonce", "Zm9vYmFyYmF6cXV4MTI0"),
                        ("body_digest", signing.body_sha256(b"{}"))):
        assert not signing.signature_matches(SECRET, SIGNATURE, **(good | {name: other})), name
    assert not signing.signature_matches("sk_other", SIGNATURE, **good)
    assert not signing.signature_matches(SECRET, "", **good)
