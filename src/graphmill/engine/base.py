"""Small protocols the engine shares with whoever runs it (the scheduler's worker).

An algorithm reports through one :class:`Progress` object:

* ``progress(phase, done, message)`` — where it is: ``phase`` is ``"loading"``,
  ``"computing"`` or ``"writing"``; ``done`` is the fraction of that phase finished
  (``0.0``–``1.0``) or ``None`` when unknown; ``message`` is a short human line such as
  ``"iteration 3 of 10"``.
* ``log(message)`` — an informational line for the task log (parameters used, vertices and
  edges read, convergence, modularity, …).

Both may raise to stop the work (that is how a runner cancels cooperatively): the
exception propagates out of the algorithm unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

__all__ = [
    "CallbackProgress",
    "NullProgress",
    "Phase",
    "Progress",
    "ProgressFn",
    "RecordingProgress",
]

Phase = Literal["loading", "computing", "writing"]


class ProgressFn(Protocol):
    """``progress(phase, done, message)``: report where a task is."""

    def __call__(self, phase: Phase, done: float | None, message: str) -> None: ...


class Progress(Protocol):
    """What an algorithm reports through: a progress callable plus a ``log`` method."""

    def __call__(self, phase: Phase, done: float | None, message: str) -> None: ...

    def log(self, message: str) -> None: ...


class NullProgress:
    """Discards everything."""

    def __call__(self, phase: Phase, done: float | None, message: str) -> None:
        return None

    def log(self, message: str) -> None:
        return None


@dataclass(slots=True)
class CallbackProgress:
    """Adapts two plain callables (either may be ``None``) to :class:`Progress`."""

    on_progress: ProgressFn | None = None
    on_log: Callable[[str], None] | None = None

    def __call__(self, phase: Phase, done: float | None, message: str) -> None:
        if self.on_progress is not None:
            self.on_progress(phase, done, message)

    def log(self, message: str) -> None:
        if self.on_log is not None:
            self.on_log(message)


@dataclass(slots=True)
class RecordingProgress:
    """Keeps every event in memory (tests, debugging)."""

    events: list[tuple[Phase, float | None, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def __call__(self, phase: Phase, done: float | None, message: str) -> None:
        self.events.append((phase, done, message))

    def log(self, message: str) -> None:
        self.lines.append(message)
