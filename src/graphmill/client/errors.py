"""The client's exceptions: the server's error tree (``graphmill.errors``), raised on this side.

Each class subclasses both :class:`ApiError` and the server-side class of the same name, so
``except graphmill.errors.NotFound`` catches a remote 404 as well as a local one::

    ApiError (GraphmillError)
    ├── BadRequest ── ParamError        40004000, 40004001
    ├── Unauthorized, SessionExpired    40104000, 40104001
    ├── Forbidden                       40304000
    ├── NotFound                        40404000
    ├── PayloadTooLarge, UnsupportedMediaType, TooManyRequests   41304000, 41504000, 42904000
    ├── InternalServerError             50004000
    ├── DatabaseError ── JobNotFound    50004001 (an unknown job id, as Explorer answers it)
    └── ControllerError ── MissingRequiredParams   50004002

Client-side failures that are not the server's answer are :class:`ClientError`\\ s.
"""

from __future__ import annotations

from typing import Any

from graphmill import errors
from graphmill.client.models import Problem


class ApiError(errors.GraphmillError):
    """An error answer of the server: ``code``, ``message`` (the code's name), ``detail``, ``problems``."""

    def __init__(self, code: int, message: str, detail: str = "", data: Any = None) -> None:
        # The base directly: a server class's own __init__ (TooManyRequests) takes other arguments.
        errors.GraphmillError.__init__(self, detail, data=data)
        self.api_code = code
        self.message = message

    def __str__(self) -> str:
        return (
            f"{self.api_code} {self.message}: {self.detail}"
            if self.detail
            else f"{self.api_code} {self.message}"
        )

    @property
    def problems(self) -> list[Problem]:
        """Validation problems (task, field, reason) the server listed, if any."""
        raw = self.data.get("problems") if isinstance(self.data, dict) else None
        return [Problem.model_validate(p) for p in raw] if isinstance(raw, list) else []


class BadRequest(ApiError, errors.BadRequest):
    pass


class ParamError(BadRequest, errors.ParamError):
    pass


class Unauthorized(ApiError, errors.Unauthorized):
    pass


class SessionExpired(ApiError, errors.SessionExpired):
    pass


class Forbidden(ApiError, errors.Forbidden):
    pass


class NotFound(ApiError, errors.NotFound):
    pass


class PayloadTooLarge(ApiError, errors.PayloadTooLarge):
    pass


class UnsupportedMediaType(ApiError, errors.UnsupportedMediaType):
    pass


class TooManyRequests(ApiError, errors.TooManyRequests):
    """Too many failed logins; ``retry_after_s`` says when to try again."""

    def __init__(self, code: int, message: str, detail: str = "", data: Any = None) -> None:
        ApiError.__init__(self, code, message, detail, data)
        after = data.get("retryAfterSeconds") if isinstance(data, dict) else None
        self.retry_after_s = int(after) if isinstance(after, int) else 1


class InternalServerError(ApiError, errors.InternalServerError):
    pass


class DatabaseError(ApiError, errors.DatabaseError):
    pass


class JobNotFound(DatabaseError, errors.JobNotFound):
    pass


class ControllerError(ApiError, errors.ControllerError):
    pass


class MissingRequiredParams(ControllerError, errors.MissingRequiredParams):
    pass


class ClientError(Exception):
    """Something went wrong on this side: no answer, a lost event stream, a task that is not there."""


class StreamLost(ClientError):
    """The event stream broke and could not be resumed in time."""


_BY_CODE: dict[int, type[ApiError]] = {
    40004000: BadRequest,
    40004001: ParamError,
    40104000: Unauthorized,
    40104001: SessionExpired,
    40304000: Forbidden,
    40404000: NotFound,
    41304000: PayloadTooLarge,
    41504000: UnsupportedMediaType,
    42904000: TooManyRequests,
    50004000: InternalServerError,
    50004001: DatabaseError,
    50004002: MissingRequiredParams,
}


def error_for(body: dict[str, Any], path: str) -> ApiError:
    """The exception for an error envelope; 50004001 on a job path means the job does not exist."""
    code = int(body.get("code", 90004000))
    cls = _BY_CODE.get(code, ApiError)
    if cls is DatabaseError and "/jobs/" in path:
        cls = JobNotFound
    return cls(code, str(body.get("message", "")), str(body.get("detail", "")), body.get("data"))
