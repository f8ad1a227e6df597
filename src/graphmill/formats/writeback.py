"""The error of a failed write-back, whichever store the results were written to."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal, NamedTuple

from graphmill import errors


class WriteBackFailed(errors.TaskFailed):
    """Results could not be written back as tag properties (embedded store or cluster alike).

    A write-back runs inside the worker after the task computed its result, so it fails the
    task (its message goes to the task log) rather than a request.
    """


class WriteBackRequest(NamedTuple):
    """What a write-back writes: a result's vid column, then one column per prop, into ``tag``.

    NebulaGraph Analytics' ``nebula`` sink options (``--tag``, ``--prop``, ``--type``,
    ``--mode``, ``--write_batch_size``); ``create`` is graphmill's, for the embedded store.
    A tuple, so a store unpacks it in one line.
    """

    tag: str
    props: tuple[str, ...]
    #: Declared types, one per prop (empty: no declaration).
    types: tuple[str, ...]
    mode: Literal["insert", "update"] = "insert"
    batch_size: int = 1000
    create: bool = False


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
