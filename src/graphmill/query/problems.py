"""The error every stage of the query pipeline raises for a query it cannot run."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NoReturn

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
