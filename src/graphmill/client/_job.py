"""What ``Job`` and ``AsyncJob`` share: the last detail read of a job, and what it says."""

from __future__ import annotations

from typing import Generic, TypeVar

from graphmill.client.display import job_html, job_text
from graphmill.client.models import JobInfo, Status

C = TypeVar("C")
ENDED = (Status.SUCCESS, Status.FAILED, Status.INTERRUPTED)


class JobState(Generic[C]):
    """A job on the server through client ``C``; ``info`` is the last detail read."""

    def __init__(self, client: C, info: JobInfo) -> None:
        self._c = client
        self.id = info.id
        self.info = info

    @property
    def status(self) -> Status:
        return self.info.status

    @property
    def done(self) -> bool:
        return self.info.status in ENDED

    @property
    def ok(self) -> bool:
        return self.info.status is Status.SUCCESS

    def __repr__(self) -> str:
        return job_text(self.info)

    def _repr_html_(self) -> str:
        return job_html(self.info)
