"""The Python client of graphmill (and of Explorer's Workflow API): ``Client`` and ``AsyncClient``.

::

    from graphmill import Client
    with Client("http://127.0.0.1:7002", user="root", password="nebula") as gm:
        job = gm.run("pagerank.json").wait(progress=True)
        df = job.result("PageRank").to_pandas()
"""

from graphmill.client._async import AsyncClient, AsyncJob
from graphmill.client._sync import Client, Job
from graphmill.client.errors import (
    ApiError,
    BadRequest,
    ClientError,
    ControllerError,
    DatabaseError,
    Forbidden,
    InternalServerError,
    JobNotFound,
    MissingRequiredParams,
    NotFound,
    ParamError,
    PayloadTooLarge,
    SessionExpired,
    StreamLost,
    TooManyRequests,
    Unauthorized,
    UnsupportedMediaType,
)
from graphmill.client.results import Result
from graphmill.client.sse import Event

__all__ = [
    "ApiError",
    "AsyncClient",
    "AsyncJob",
    "BadRequest",
    "Client",
    "ClientError",
    "ControllerError",
    "DatabaseError",
    "Event",
    "Forbidden",
    "InternalServerError",
    "Job",
    "JobNotFound",
    "MissingRequiredParams",
    "NotFound",
    "ParamError",
    "PayloadTooLarge",
    "Result",
    "SessionExpired",
    "StreamLost",
    "TooManyRequests",
    "Unauthorized",
    "UnsupportedMediaType",
]
