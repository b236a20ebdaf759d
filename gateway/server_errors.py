"""Errors gunicorn answers itself (before Flask sees the request: an overlong request line, too many or
too big headers, a broken request) leave as problem+json too, like every other error of the gateway.

gunicorn writes them with `gunicorn.util.write_error`; `install()` (called from gunicorn_conf.py, in the
master before it forks) replaces that one function. The Flask app's own errors are problems.py's."""

from __future__ import annotations

import json

PROBLEMS = {
    400: ("bad_request", "Некорректный HTTP-запрос."),
    403: ("forbidden", "Запрос отклонён."),
    414: ("uri_too_long", "Слишком длинный адрес запроса."),
    417: ("expectation_failed", "Заголовок Expect не поддерживается."),
    431: ("headers_too_large", "Слишком много или слишком большие заголовки запроса."),
    500: ("internal_error", "Внутренняя ошибка. Мы уже разбираемся, попробуйте позже."),
    501: ("not_implemented", "Такое кодирование запроса не поддерживается."),
}


def problem_response(status: int, reason: str) -> bytes:
    code, detail = PROBLEMS.get(status, ("http_error", "Ошибка запроса."))
    body = json.dumps({"type": f"https://kabinet.example/problems/{code}", "title": detail, "status": status,
                       "code": code, "detail": detail}, ensure_ascii=False).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/problem+json\r\n"
            f"Content-Length: {len(body)}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\n")
    return head.encode("latin-1") + body


def install() -> None:
    from gunicorn import util

    def write_error(sock, status_int, reason, mesg):  # gunicorn's signature; mesg is English detail, not shown
        util.write_nonblock(sock, problem_response(status_int, reason))

    util.write_error = write_error
