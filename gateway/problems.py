"""One error handler: every failure leaves as application/problem+json (RFC 9457)
with a Russian message, a stable machine code and per-field errors."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from kit.context import request_id
from kit.errors import DomainError

log = logging.getLogger("gateway.errors")

HTTP_STATUS = {
    "INVALID_ARGUMENT": 422,
    "NOT_FOUND": 404,
    "PERMISSION_DENIED": 403,
    "UNAUTHENTICATED": 401,
    "ALREADY_EXISTS": 409,
    "FAILED_PRECONDITION": 409,
    "RESOURCE_EXHAUSTED": 429,
    "UNAVAILABLE": 503,
}

HTTP_MESSAGES = {
    400: ("bad_request", "Некорректный запрос."),
    404: ("not_found", "Такой страницы нет."),
    405: ("method_not_allowed", "Метод не поддерживается."),
    413: ("payload_too_large", "Слишком большой запрос."),
    415: ("unsupported_media_type", "Ожидается JSON (Content-Type: application/json)."),
    429: ("too_many_requests", "Слишком много запросов. Попробуйте позже."),
}


def problem(status: int, code: str, detail: str, fields: dict | None = None, headers: dict | None = None):
    body = {"type": f"https://kabinet.example/problems/{code}", "title": detail, "status": status,
            "code": code, "detail": detail, "instance": request.path}
    if fields:
        body["errors"] = fields
    if request_id():
        body["request_id"] = request_id()
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _flatten(messages, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            out.update(_flatten(value, f"{prefix}{key}" if not prefix else f"{prefix}.{key}"))
    elif isinstance(messages, list):
        if all(isinstance(m, str) for m in messages):
            out[prefix or "_"] = " ".join(messages)
        else:
            for i, m in enumerate(messages):
                out.update(_flatten(m, f"{prefix}[{i}]"))
    else:
        out[prefix or "_"] = str(messages)
    return out


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        status = HTTP_STATUS.get(exc.status, 409)
        headers = {"Retry-After": str(exc.retry_after)} if getattr(exc, "retry_after", None) else None
        return problem(status, exc.code, exc.message, exc.fields or None, headers)

    @app.errorhandler(ValidationError)
    def validation_error(exc: ValidationError):
        return problem(422, "invalid_input", "Проверьте введённые данные.", _flatten(exc.messages))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code, message = HTTP_MESSAGES.get(exc.code, ("http_error", exc.description or "Ошибка запроса."))
        return problem(exc.code or 500, code, message)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error")
        return problem(500, "internal_error", "Внутренняя ошибка. Мы уже разбираемся, попробуйте позже.")
