"""Partners' rules: the clock skew, the nonce's shape, which keys work, what a new partner needs."""

from __future__ import annotations

import datetime as dt

import pytest

from kit import partner_signing
from kit.errors import InvalidInput
from services.auth.domain import partners as domain
from services.auth.domain.partners import Partner, PartnerKey, PartnerRefused, SignedRequest

NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)
NONCE = "abcdefghijklmnop"


def request(timestamp: float, nonce: str = NONCE, secret: str = "sk_1") -> SignedRequest:
    stamp = str(int(timestamp))
    digest = partner_signing.body_sha256(b"")
    return SignedRequest(key_id="pk_1", method="GET", path="/partners/v1/ping", timestamp=stamp, nonce=nonce,
                         body_sha256=digest, signature=partner_signing.signature(
                             secret, "GET", "/partners/v1/ping", stamp, nonce, digest))


@pytest.mark.parametrize("offset", [0, 299, 300, -300])
def test_timestamps_within_five_minutes_either_way_are_fresh(offset):
    domain.check_fresh(request(NOW.timestamp() + offset), NOW)


@pytest.mark.parametrize("timestamp", [str(int(NOW.timestamp()) + 301), str(int(NOW.timestamp()) - 301), "",
                                       "1.5", "-5", "soon", "9" * 13])
def test_other_timestamps_are_stale(timestamp):
    req = SignedRequest("pk_1", "GET", "/", timestamp, NONCE, "", "")
    with pytest.raises(PartnerRefused) as err:
        domain.check_fresh(req, NOW)
    assert err.value.code == "stale_timestamp" and err.value.status == "UNAUTHENTICATED"


@pytest.mark.parametrize("nonce", ["", "short", "x" * 65, "with space in it!", "кириллица-кириллица"])
def test_a_malformed_nonce_is_a_bad_signature(nonce):
    with pytest.raises(PartnerRefused) as err:
        domain.check_fresh(request(NOW.timestamp(), nonce=nonce), NOW)
    assert err.value.code == "invalid_signature"


def test_the_signature_is_checked_with_the_keys_secret():
    domain.check_signature(request(NOW.timestamp()), "sk_1")
    with pytest.raises(PartnerRefused) as err:
        domain.check_signature(request(NOW.timestamp(), secret="sk_2"), "sk_1")
    assert err.value.code == "invalid_signature"
    assert err.value.message == PartnerRefused.message and "mismatch" in err.value.reason  # the why is for the log


def test_a_key_works_until_it_expires_or_is_revoked():
    key = PartnerKey("pk_1", created_at=NOW)
    assert key.usable(NOW + dt.timedelta(days=999))
    assert PartnerKey("pk_1", NOW, expires_at=NOW + dt.timedelta(hours=24)).usable(NOW + dt.timedelta(hours=23))
    assert not PartnerKey("pk_1", NOW, expires_at=NOW + dt.timedelta(hours=24)).usable(NOW + dt.timedelta(hours=24))
    assert not PartnerKey("pk_1", NOW, revoked_at=NOW).usable(NOW)


def test_roles_carry_the_kind_and_the_supplier_scope():
    assert Partner("p", "Банк", "bank").roles == ("bank",)
    assert Partner("p", "Банк", "payment_agent", supplier_id="s").roles == ("payment_agent", "supplier:s")


def test_a_new_partner_needs_a_name_a_known_kind_and_a_uuid_scope():
    assert domain.new_partner_fields(name="  Сбер  ", kind="bank", supplier_id="") == ("Сбер", "bank", "")
    with pytest.raises(InvalidInput) as err:
        domain.new_partner_fields(name="Сбер", kind="courier", supplier_id="")
    assert err.value.code == "invalid_partner_kind" and list(err.value.fields) == ["kind"]
    with pytest.raises(InvalidInput) as err:
        domain.new_partner_fields(name="x" * 201, kind="bank", supplier_id="12")
    assert err.value.code == "invalid_input" and set(err.value.fields) == {"name", "supplier_id"}


def test_the_rotation_overlap_defaults_and_is_bounded():
    assert domain.overlap(None, 24) == dt.timedelta(hours=24)
    assert domain.overlap(0, 24) == dt.timedelta(0)
    for bad in (-1, 169):
        with pytest.raises(InvalidInput):
            domain.overlap(bad, 24)
