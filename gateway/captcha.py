"""Captcha owned by the gateway: an image of letters and digits, an audio variant,
single use, short TTL, kept in the shared store (any worker can check any captcha).

Policy: required on registration and recovery, and on sign-in after repeated
failures (see throttle.SignInGuard). Answers are case-insensitive; look-alike
characters (0/O, 1/I/L) are left out. A captcha is spent by the first check,
right or wrong. The audio variant (`…/audio`) re-keys the same captcha id to
six digits read by the voice recordings bundled in the `captcha` wheel (works
offline; no TTS engine needed): digits are far easier to make out by ear than
letters, and the form keeps sending the same id. The dev and test profiles
reveal an answer at GET /dev/captcha/{id} so tests and people can solve it.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import threading

from flask import Blueprint, Response, current_app, request, url_for

from gateway.openapi import operation
from gateway.throttle import client_ip, throttle
from kit.errors import InvalidInput, NotFound

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 5
AUDIO_LENGTH = 6
PREFIX = "gw:captcha:"

bp = Blueprint("captcha", __name__)


class CaptchaRequired(InvalidInput):
    code = "captcha_required"
    message = "Введите символы с картинки."

    def __init__(self, message: str | None = None, **kw) -> None:
        super().__init__(message, fields={"captcha_answer": message or self.message}, **kw)


class CaptchaInvalid(CaptchaRequired):
    code = "captcha_invalid"
    message = "Символы с картинки введены неверно. Попробуйте новую картинку."


class Captchas:
    def __init__(self, store, ttl_seconds: int = 300) -> None:
        self.store = store
        self.ttl = ttl_seconds
        self._image = None
        self._audio = None
        self._lock = threading.Lock()

    def new(self) -> tuple[str, str]:
        """(captcha id, answer)."""
        captcha_id = secrets.token_urlsafe(18)
        answer = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        self.store.set(PREFIX + captcha_id, answer, ex=self.ttl)
        return captcha_id, answer

    def image(self, answer: str) -> bytes:
        return self._renderers()[0].generate(answer, format="png").getvalue()

    def audio(self, captcha_id: str) -> bytes:
        """A WAV of a fresh digits-only answer for this captcha (the image one stops working)."""
        left = self.store.ttl(PREFIX + captcha_id)
        if left is None or left <= 0:
            raise NotFound("Картинка устарела, получите новую.", code="captcha_expired")
        answer = "".join(secrets.choice("0123456789") for _ in range(AUDIO_LENGTH))
        self.store.set(PREFIX + captcha_id, answer, ex=left)
        return bytes(self._renderers()[1].generate(answer))

    def peek(self, captcha_id: str) -> str | None:
        value = self.store.get(PREFIX + captcha_id)
        return value.decode() if value else None

    def discard(self, captcha_id: str) -> None:
        self.store.delete(PREFIX + captcha_id)

    def verify(self, captcha_id: str | None, answer: str | None) -> None:
        """Spend the captcha; CaptchaRequired / CaptchaInvalid (422) unless the answer is right."""
        if not captcha_id or not answer:
            raise CaptchaRequired()
        expected = self.store.getdel(PREFIX + captcha_id)
        given = answer.strip().upper().encode()
        if expected is None or not hmac.compare_digest(expected, given):
            raise CaptchaInvalid()

    def _renderers(self):
        if self._image is None:
            with self._lock:
                if self._image is None:
                    from captcha.audio import AudioCaptcha
                    from captcha.image import ImageCaptcha

                    self._audio = AudioCaptcha()
                    self._image = ImageCaptcha(width=200, height=70)
        return self._image, self._audio


def captchas() -> Captchas:
    return current_app.extensions["kabinet.captcha"]


def solved_if_given(data: dict) -> bool:
    """For a step-up a service may ask for (captcha_required): a captcha the client sent along is spent
    and checked here, and the service is told it was solved. Nothing sent: False (the service decides
    whether it needs one)."""
    if not data.get("captcha_id") and not data.get("captcha_answer"):
        return False
    captchas().verify(data.get("captcha_id"), data.get("captcha_answer"))
    return True


@bp.get("/api/v1/captcha")
@operation("Новая капча (буквы и цифры)", tag="captcha", auth=False, errors=(429,),
           params=({"name": "previous", "in": "query", "required": False, "schema": {"type": "string"},
                    "description": "the captcha this one replaces (it stops working)"},),
           description="Single use, short TTL. Send `captcha_id` and `captcha_answer` with the form. "
                       "`image` is a PNG data URL; `audio_url` gives a spoken variant.")
def new_captcha():
    throttle().hit("captcha_ip", client_ip())
    store = captchas()
    if request.args.get("previous"):
        store.discard(request.args["previous"][:64])
    captcha_id, answer = store.new()
    png = base64.b64encode(store.image(answer)).decode()
    return {"captcha_id": captcha_id, "image": f"data:image/png;base64,{png}",
            "audio_url": url_for("captcha.audio", captcha_id=captcha_id), "expires_in": store.ttl}


@bp.get("/api/v1/captcha/<captcha_id>/audio")
@operation("Звуковой вариант капчи", tag="captcha", auth=False, errors=(404, 429),
           description="audio/wav: six digits, read out. The captcha id stays the same; the digits become its "
                       "answer (the picture's characters stop working).")
def audio(captcha_id: str):
    throttle().hit("captcha_ip", client_ip())
    return Response(captchas().audio(captcha_id[:64]), mimetype="audio/wav")


@bp.get("/dev/captcha/<captcha_id>")
def dev_answer(captcha_id: str):
    """The answer of a captcha: dev and test profiles only, so tests (and people) can solve it."""
    if not current_app.config["KABINET"].is_dev:
        raise NotFound()
    answer = captchas().peek(captcha_id[:64])
    if answer is None:
        raise NotFound()
    return {"captcha_id": captcha_id, "answer": answer}
