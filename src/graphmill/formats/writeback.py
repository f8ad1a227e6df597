"""The error of a failed write-back, whichever store the results were written to."""

from __future__ import annotations

from graphmill import errors


class WriteBackFailed(errors.TaskFailed):
    """Results could not be written back as tag properties (embedded store or cluster alike).

    A write-back runs inside the worker after the task computed its result, so it fails the
    task (its message goes to the task log) rather than a request.
    """
