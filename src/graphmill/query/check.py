"""What stops a query text from running as a query component, as a list (for the workflow validator)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from graphmill.query.parser import parse
from graphmill.query.problems import QueryError
from graphmill.query.translate import translate
from graphmill.query.walk import placeholders

if TYPE_CHECKING:
    from graphmill.graphstore.base import SpaceInfo


def check_query(
    text: str,
    declared_params: Iterable[str],
    *,
    space: SpaceInfo | None = None,
) -> list[str]:
    """What stops ``text`` from running as a query component (empty when nothing does).

    Checks the syntax, the read-only subset and that every ``${name}`` is declared in
    ``declared_params``.  With ``space``, also that the tags, edge types and properties it
    names exist there; without it, only what the text alone shows.
    """
    try:
        query = parse(text)
        used = placeholders(query)
    except QueryError as exc:
        return exc.problems
    declared = set(declared_params)
    problems = [
        f"parameter ${{{name}}} is not declared in the task's parameters ({pos})"
        for name, pos in used.items()
        if name not in declared
    ]
    try:
        translate(query, space)
    except QueryError as exc:
        problems.extend(exc.problems)
    return problems
