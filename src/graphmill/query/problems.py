"""The error every stage of the query pipeline raises for a query it cannot run."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import NoReturn, ParamSpec, TypeVar

from graphmill import errors
from graphmill.query.ast import Pos


class QueryError(errors.ParamError):
    """The query text cannot run as a query component; ``problems`` says why (one or more)."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def fail(message: str, pos: Pos | None = None) -> NoReturn:
    """Raise :class:`QueryError` for ``message``, saying where when ``pos`` is known."""
    raise QueryError([f"{message} ({pos})" if pos is not None and pos.line else message])


_P = ParamSpec("_P")
_R = TypeVar("_R")


def depth_guarded(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Turn a RecursionError (an absurdly nested query) into a :class:`QueryError`."""

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return func(*args, **kwargs)
        except RecursionError:
            raise QueryError(["the query is nested too deeply"]) from None

    return wrapper
