"""In-process publish/subscribe of job events, for Server-Sent Events and webhooks.

Each subscriber gets its own bounded queue.  A subscriber that falls behind loses
the oldest *progress* events only: status changes are never dropped, so a client
always learns every state a job passed through.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphmill.types import JobId

_QUEUE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class JobEvent:
    #: "job" (job status), "task" (task status) or "progress" (a running task's progress).
    kind: str
    job_id: JobId
    data: dict[str, Any] = field(default_factory=dict)


class EventHub:
    def __init__(self) -> None:
        self._subscribers: dict[JobId, list[asyncio.Queue[JobEvent]]] = {}
        self._terminal_hooks: list[Callable[[JobId], None]] = []
        self._listeners: list[Callable[[JobEvent], None]] = []

    def listen(self, listener: Callable[[JobEvent], None]) -> None:
        """Call ``listener(event)`` for every event of every job."""
        self._listeners.append(listener)

    def subscribe(self, job_id: JobId) -> asyncio.Queue[JobEvent]:
        queue: asyncio.Queue[JobEvent] = asyncio.Queue(_QUEUE_SIZE)
        self._subscribers.setdefault(job_id, []).append(queue)
        return queue

    def unsubscribe(self, job_id: JobId, queue: asyncio.Queue[JobEvent]) -> None:
        queues = self._subscribers.get(job_id, [])
        with contextlib.suppress(ValueError):
            queues.remove(queue)
        if not queues:
            self._subscribers.pop(job_id, None)

    def on_job_end(self, hook: Callable[[JobId], None]) -> None:
        """Call ``hook(job_id)`` whenever a job reaches a terminal status."""
        self._terminal_hooks.append(hook)

    def job_ended(self, job_id: JobId) -> None:
        for hook in self._terminal_hooks:
            hook(job_id)

    def publish(self, event: JobEvent) -> None:
        for listener in self._listeners:
            listener(event)
        for queue in self._subscribers.get(event.job_id, []):
            if queue.full():
                if event.kind == "progress":
                    continue
                self._drop_one_progress(queue)
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(event)

    @staticmethod
    def _drop_one_progress(queue: asyncio.Queue[JobEvent]) -> None:
        kept: list[JobEvent] = []
        dropped = False
        while not queue.empty():
            ev = queue.get_nowait()
            if not dropped and ev.kind == "progress":
                dropped = True
                continue
            kept.append(ev)
        for ev in kept:
            queue.put_nowait(ev)
