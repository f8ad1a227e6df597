"""The error of a failed write-back, whichever store the results were written to."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from graphmill import errors


class WriteBackFailed(errors.TaskFailed):
    """Results could not be written back as tag properties (embedded store or cluster alike).

    A write-back runs inside the worker after the task computed its result, so it fails the
    task (its message goes to the task log) rather than a request.
    """


@contextmanager
def write_back_errors() -> Iterator[None]:
    """Turn what a store raises while writing back (a bad sink, a missing tag, a refusal) into :class:`WriteBackFailed`."""
    try:
        yield
    except WriteBackFailed:
        raise
    except errors.GraphmillError as exc:
        raise WriteBackFailed(exc.detail or str(exc)) from exc
    except errors.TaskFailed as exc:
        raise WriteBackFailed(str(exc)) from exc
