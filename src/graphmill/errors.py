"""One exception tree for graphmill, with Explorer's error codes and no HTTP knowledge.

::

    GraphmillError                      90004000 ErrUnknown
    ├── BadRequest                      40004000 ErrBadRequest
    │   └── ParamError                  40004001 ErrParam
    ├── Unauthorized                    40104000 ErrUnauthorized
    ├── SessionExpired                  40104001 ErrSession
    ├── Forbidden                       40304000 ErrForbidden
    ├── NotFound                        40404000 ErrNotFound
    ├── PayloadTooLarge                 41304000 ErrPayloadTooLarge      (graphmill's)
    ├── UnsupportedMediaType            41504000 ErrUnsupportedMediaType (graphmill's)
    ├── TooManyRequests                 42904000 ErrTooManyRequests      (graphmill's)
    ├── InternalServerError             50004000 ErrInternalServer
    ├── DatabaseError                   50004001 ErrInternalDatabase
    │   └── JobNotFound                 (Explorer answers an unknown job id with 50004001)
    └── ControllerError                 50004002 ErrInternalController
        └── MissingRequiredParams       (Explorer answers missing required parameters with 50004002)

The API maps ``code`` to the HTTP status class embedded in it (``40404000`` → 404) and
renders ``message`` as the code's name.  ``detail`` is the human explanation; ``data``
is an optional structured payload (for validation problems: a list of
``{"task": …, "field": …, "reason": …}``).
"""

from __future__ import annotations

from typing import ClassVar

from graphmill.types import JSONValue

#: Every documented code and its name, in the order of the spec's table.
ERROR_NAMES: dict[int, str] = {
    40004000: "ErrBadRequest",
    40004001: "ErrParam",
    40104000: "ErrUnauthorized",
    40104001: "ErrSession",
    40304000: "ErrForbidden",
    40404000: "ErrNotFound",
    # graphmill's own, in the same scheme (HTTP status × 100000 + 4000): Explorer has none.
    41304000: "ErrPayloadTooLarge",
    41504000: "ErrUnsupportedMediaType",
    42904000: "ErrTooManyRequests",
    50004000: "ErrInternalServer",
    50004001: "ErrInternalDatabase",
    50004002: "ErrInternalController",
    50004003: "ErrInternalLicense",
    90004000: "ErrUnknown",
}


class GraphmillError(Exception):
    """Base of every error graphmill reports to a caller."""

    code: ClassVar[int] = 90004000

    def __init__(self, detail: str = "", *, data: JSONValue = None) -> None:
        super().__init__(detail or self.name)
        self.detail = detail
        self.data = data

    @property
    def name(self) -> str:
        return ERROR_NAMES[self.code]

    @property
    def http_status(self) -> int:
        return self.code // 100000


class BadRequest(GraphmillError):
    code = 40004000


class ParamError(BadRequest):
    code = 40004001


class Unauthorized(GraphmillError):
    code = 40104000


class SessionExpired(GraphmillError):
    code = 40104001


class Forbidden(GraphmillError):
    code = 40304000


class NotFound(GraphmillError):
    code = 40404000


class PayloadTooLarge(GraphmillError):
    """A request body over the configured cap (GRAPHMILL_MAX_BODY_MB)."""

    code = 41304000


class UnsupportedMediaType(GraphmillError):
    """A body that is not JSON where the endpoint takes JSON."""

    code = 41504000


class TooManyRequests(GraphmillError):
    """Too many failed logins; ``retry_after_s`` says when to try again."""

    code = 42904000

    def __init__(self, detail: str = "", *, retry_after_s: int = 1) -> None:
        super().__init__(detail, data={"retryAfterSeconds": retry_after_s})
        self.retry_after_s = retry_after_s


class InternalServerError(GraphmillError):
    code = 50004000


class DatabaseError(GraphmillError):
    code = 50004001


class JobNotFound(DatabaseError):
    """Explorer's quirk: an unknown job id is reported as a database error (50004001)."""


class ControllerError(GraphmillError):
    code = 50004002


class MissingRequiredParams(ControllerError):
    """Explorer's quirk: a job whose required parameters are missing gives 50004002."""


class TaskFailed(Exception):
    """Raised inside a worker when a task cannot complete; the message goes to the task log."""
