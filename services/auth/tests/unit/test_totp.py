"""The staff second factor: TOTP codes (RFC 6238)."""

import base64

import pytest

from kit.errors import InvalidInput
from services.auth.domain import totp


def test_totp_matches_rfc_6238_and_refuses_replay():
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp.code_at(secret, 59 // 30) == "287082"  # RFC 6238 appendix B, SHA-1, 6 digits
    step = totp.matching_step(secret, "287082", 59.0, None)
    assert step == 1 and totp.matching_step(secret, "287082", 59.0, last_step=1) is None


def test_a_totp_code_is_six_digits():
    totp.check_code_format(" 287082 ")
    for code in ("", "12345", "1234567", "12345a"):
        with pytest.raises(InvalidInput) as err:
            totp.check_code_format(code)
        assert err.value.code == "invalid_totp_format"
        assert err.value.fields == {"totp_code": "Код из приложения — 6 цифр."}
