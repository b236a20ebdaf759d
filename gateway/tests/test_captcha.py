"""Captcha: single use, case-insensitive, audio re-keys to digits, short TTL."""

from __future__ import annotations

import pytest

from gateway.captcha import ALPHABET, CaptchaInvalid, CaptchaRequired, Captchas
from gateway.store import MemoryStore


@pytest.fixture
def captchas() -> Captchas:
    return Captchas(MemoryStore(), ttl_seconds=60)


def test_an_answer_works_once_and_ignores_case(captchas):
    captcha_id, answer = captchas.new()
    assert len(answer) == 5 and set(answer) <= set(ALPHABET)
    captchas.verify(captcha_id, f" {answer.lower()} ")
    with pytest.raises(CaptchaInvalid):
        captchas.verify(captcha_id, answer)


def test_a_wrong_answer_spends_the_captcha(captchas):
    captcha_id, answer = captchas.new()
    with pytest.raises(CaptchaInvalid) as wrong:
        captchas.verify(captcha_id, "00000")
    assert wrong.value.fields == {"captcha_answer": wrong.value.message}
    with pytest.raises(CaptchaInvalid):
        captchas.verify(captcha_id, answer)


def test_a_missing_captcha_is_asked_for(captchas):
    with pytest.raises(CaptchaRequired) as missing:
        captchas.verify(None, None)
    assert missing.value.code == "captcha_required"


def test_the_image_is_a_png_and_the_audio_a_wav_of_new_digits(captchas):
    captcha_id, answer = captchas.new()
    assert captchas.image(answer)[:8] == b"\x89PNG\r\n\x1a\n"
    wav = captchas.audio(captcha_id)
    assert wav[:4] == b"RIFF" and wav[8:12] == b"WAVE"
    spoken = captchas.peek(captcha_id)
    assert spoken.isdigit() and len(spoken) == 6
    with pytest.raises(CaptchaInvalid):
        captchas.verify(captcha_id, answer)  # the picture's answer no longer works


def test_expired_captchas_fail():
    store = MemoryStore()
    captchas = Captchas(store, ttl_seconds=60)
    captcha_id, answer = captchas.new()
    store.delete("gw:captcha:" + captcha_id)  # what the TTL does
    with pytest.raises(CaptchaInvalid):
        captchas.verify(captcha_id, answer)
