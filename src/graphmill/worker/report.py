"""What a task said about itself (the messages of ``worker.child``), and its outcome."""

from __future__ import annotations

import signal
from typing import Any

from graphmill.scheduler.base import TaskEvents, TaskOutcome
from graphmill.worker.plan import TaskPlan


class TaskReport:
    def __init__(self, plan: TaskPlan, events: TaskEvents, note: str) -> None:
        self.plan = plan
        self._events = events
        self._note = note
        #: Set when the task is being stopped: its end is then a stop, whatever it said.
        self.stopped = False
        self._done: dict[str, Any] | None = None
        self._error: str | None = None
        self._peak = 0

    def handle(self, msg: tuple[Any, ...]) -> None:
        kind = msg[0]
        if kind == "log":
            self._events.log(msg[1], msg[2])
        elif kind == "progress":
            self._events.progress(msg[1], msg[2], msg[3])
        elif kind == "done":
            self._done = msg[1]
        elif kind == "error":
            self._error = msg[1]
        elif kind == "peak":
            self._peak = int(msg[1])

    def outcome(self, *, finished: bool, exitcode: int | None) -> TaskOutcome:
        """``finished``: the task ran to its end; else ``exitcode`` says how its process ended."""
        note, peak = self._note, self._peak
        if self.stopped:
            return TaskOutcome(ok=False, stopped=True, error="stopped by cancel", note=note, peak_bytes=peak)
        if self._done is not None and finished:
            return TaskOutcome(
                ok=True,
                result_dir=str(self.plan.out_dir),
                rows=int(self._done["rows"]),
                columns=list(self._done["columns"]),
                note=note,
                peak_bytes=peak,
            )
        if self._error is not None:
            return TaskOutcome(ok=False, error=self._error, note=note, peak_bytes=peak)
        return TaskOutcome(ok=False, error=exit_reason(exitcode), note=note)


def exit_reason(code: int | None, what: str = "the worker process") -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        why = f"{what} was killed by {name}"
        if -code == signal.SIGKILL:
            why += " (out of memory?)"
        return why
    return f"{what} exited with code {code}"
