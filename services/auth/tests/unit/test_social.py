"""Social sign-in: purposes, flows and linking."""

import datetime as dt

import pytest

from kit.errors import Conflict, InvalidInput, Unauthenticated
from services.auth.domain.social import OidcFlow, SocialIdentity, check_link, check_linked, check_start

AT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
CALLBACK = "https://kabinet.example/cb"


def test_the_purpose_is_sign_in_or_link():
    check_start("sign_in", CALLBACK, [CALLBACK], None)
    with pytest.raises(InvalidInput) as err:
        check_start("merge", CALLBACK, [CALLBACK], None)
    assert err.value.code == "invalid_purpose" and list(err.value.fields) == ["purpose"]


def test_the_callback_must_be_allowed_and_linking_needs_a_signed_in_customer():
    with pytest.raises(InvalidInput):
        check_start("sign_in", "https://evil.example/cb", [CALLBACK], None)
    for kind in (None, "staff"):
        with pytest.raises(Unauthenticated):
            check_start("link", CALLBACK, [CALLBACK], kind)
    check_start("link", CALLBACK, [CALLBACK], "person")


def flow(**kw) -> OidcFlow:
    return OidcFlow(**{"state_hash": "s", "provider": "sim", "purpose": "link", "user_id": "u1",
                       "redirect_uri": CALLBACK, "nonce": "n", "code_verifier": "v",
                       "expires_at": AT + dt.timedelta(minutes=10)} | kw)


def test_a_flow_completes_once_in_time_and_a_link_only_for_its_user():
    flow().check_completable("u1", AT)
    flow(purpose="sign_in", user_id=None).check_completable(None, AT)
    for bad, caller in ((flow(), "u2"), (flow(), None), (flow(used_at=AT), "u1"),
                        (flow(expires_at=AT), "u1")):
        with pytest.raises(Unauthenticated) as err:
            bad.check_completable(caller, AT)
        assert err.value.code == "invalid_state"


def identity(user_id: str) -> SocialIdentity:
    return SocialIdentity("i1", user_id, "sim", "sub", "a@example.test", AT)


def test_an_identity_belongs_to_one_account():
    assert check_link(None, "u1") is True
    assert check_link(identity("u1"), "u1") is False
    with pytest.raises(Conflict) as err:
        check_link(identity("u2"), "u1")
    assert err.value.code == "social_identity_taken"


def test_only_a_linked_identity_signs_in():
    assert check_linked(identity("u1"), "sim").user_id == "u1"
    with pytest.raises(Unauthenticated) as err:
        check_linked(None, "vk")
    assert err.value.code == "social_identity_not_linked" and "VK ID" in err.value.message
