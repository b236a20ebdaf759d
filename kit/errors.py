"""Domain errors: plain Python, raised by domain and service code, mapped at the edges.

Each error has a stable machine `code` and a Russian human `message`. The gRPC
interceptor maps the class to a status code; the gateway maps that to HTTP and
problem+json. Nothing here imports gRPC.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every expected failure of a business operation."""

    status = "FAILED_PRECONDITION"  # gRPC status name
    code = "failed_precondition"
    message = "Операция невозможна."

    def __init__(self, message: str | None = None, *, code: str | None = None,
                 fields: dict[str, str] | None = None) -> None:
        self.message = message or type(self).message
        self.code = code or type(self).code
        self.fields = dict(fields or {})
        super().__init__(f"{self.code}: {self.message}")


class InvalidInput(DomainError):
    status = "INVALID_ARGUMENT"
    code = "invalid_input"
    message = "Проверьте введённые данные."


class NotFound(DomainError):
    status = "NOT_FOUND"
    code = "not_found"
    message = "Не найдено."


class Forbidden(DomainError):
    status = "PERMISSION_DENIED"
    code = "forbidden"
    message = "Недостаточно прав."


class Unauthenticated(DomainError):
    status = "UNAUTHENTICATED"
    code = "unauthenticated"
    message = "Требуется вход в личный кабинет."


class Conflict(DomainError):
    status = "ALREADY_EXISTS"
    code = "conflict"
    message = "Конфликт с текущим состоянием."


class Rejected(DomainError):
    """A valid request the rules refuse (e.g. a reading below the previous one)."""

    status = "FAILED_PRECONDITION"
    code = "rejected"


class TooManyAttempts(DomainError):
    status = "RESOURCE_EXHAUSTED"
    code = "too_many_attempts"
    message = "Слишком много попыток. Попробуйте позже."

    def __init__(self, message: str | None = None, *, retry_after: int = 60, **kw) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class Unavailable(DomainError):
    """A dependency did not answer in time; the caller may retry."""

    status = "UNAVAILABLE"
    code = "unavailable"
    message = "Сервис временно недоступен. Попробуйте позже."


BY_STATUS: dict[str, type[DomainError]] = {
    cls.status: cls for cls in (InvalidInput, NotFound, Forbidden, Unauthenticated, Conflict,
                                TooManyAttempts, Unavailable)
}
BY_STATUS["FAILED_PRECONDITION"] = Rejected
