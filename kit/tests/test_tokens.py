"""Access tokens: signed by one key set, verified by another process's verifier."""

import json
import time

import pytest

from kit.errors import Unauthenticated
from kit.tokens import TokenVerifier, new_signing_key, sign_access_token


def keys(*jwks):
    return lambda: json.dumps({"keys": list(jwks)})


def test_a_token_verifies_and_names_its_caller():
    kid, pem, jwk = new_signing_key()
    token = sign_access_token(pem, kid, user_id="u1", kind="person", session_id="s1", ttl_seconds=60)
    caller = TokenVerifier(keys(jwk)).verify(token)
    assert (caller.user_id, caller.kind, caller.session_id, caller.token) == ("u1", "person", "s1", token)


def test_expired_forged_and_unknown_key_tokens_are_refused():
    kid, pem, jwk = new_signing_key()
    other_kid, other_pem, _ = new_signing_key()
    verifier = TokenVerifier(keys(jwk), min_refresh_seconds=0)
    expired = sign_access_token(pem, kid, user_id="u", kind="person", session_id="s", ttl_seconds=-60)
    with pytest.raises(Unauthenticated) as err:
        verifier.verify(expired)
    assert err.value.code == "token_expired"
    forged = sign_access_token(other_pem, kid, user_id="u", kind="person", session_id="s", ttl_seconds=60)
    unknown = sign_access_token(other_pem, other_kid, user_id="u", kind="person", session_id="s", ttl_seconds=60)
    for token in (forged, unknown, "not-a-token", forged[:-2] + "xx"):
        with pytest.raises(Unauthenticated):
            verifier.verify(token)


def test_a_rotated_key_is_fetched_when_first_seen():
    old = new_signing_key()
    new = new_signing_key()
    published = [old[2]]
    verifier = TokenVerifier(lambda: json.dumps({"keys": published}), min_refresh_seconds=0)
    verifier.verify(sign_access_token(old[1], old[0], user_id="u", kind="person", session_id="s", ttl_seconds=60))
    published.append(new[2])
    token = sign_access_token(new[1], new[0], user_id="u2", kind="person", session_id="s", ttl_seconds=60)
    assert verifier.verify(token).user_id == "u2"


def test_a_cached_token_still_expires():
    kid, pem, jwk = new_signing_key()
    verifier = TokenVerifier(keys(jwk))
    # expired 3 s ago: still inside the verifier's 5 s clock-skew leeway, for 2 more seconds
    token = sign_access_token(pem, kid, user_id="u", kind="person", session_id="s", ttl_seconds=-3)
    verifier.verify(token)
    time.sleep(2.5)
    with pytest.raises(Unauthenticated):
        verifier.verify(token)


def test_auth_time_is_carried_and_old_tokens_without_it_still_verify():
    kid, pem, jwk = new_signing_key()
    verifier = TokenVerifier(keys(jwk))
    fresh = sign_access_token(pem, kid, user_id="u", kind="person", session_id="s", ttl_seconds=60,
                              auth_time=1_790_000_000)
    old = sign_access_token(pem, kid, user_id="u", kind="person", session_id="s", ttl_seconds=60)
    assert verifier.verify(fresh).auth_time == 1_790_000_000
    assert verifier.verify(old).auth_time == 0  # signed before the claim existed: no recent password
