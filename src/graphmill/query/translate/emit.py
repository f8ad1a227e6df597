"""The Cypher being built: clauses, parameters, fresh variable names and literal values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphmill.query import ast
from graphmill.query.limits import MAX_ROWS, check_count
from graphmill.query.problems import fail
from graphmill.query.translate.schema import SpaceSchema

if TYPE_CHECKING:
    from graphmill.graphstore.base import SpaceInfo


@dataclass(frozen=True)
class CypherQuery:
    """What to run: Cypher text, its parameters, and the nGQL names of the result columns."""

    text: str
    parameters: dict[str, Any]
    columns: tuple[str, ...]
    #: The query yields no rows whatever the data (``GO 0 STEPS``): no need to run it.
    empty: bool = False


# --- schema --------------------------------------------------------------------------------


def _cypher_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in "\\'":
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def cypher_literal(value: ast.Scalar) -> str:
    """``value`` as Cypher literal text: every character that could end or escape a string is escaped."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"CAST({value} AS INT64)"
    if isinstance(value, float):
        return f"CAST({_cypher_string(repr(value))} AS DOUBLE)"
    return _cypher_string(value)


class Emitter:
    """State and helpers shared by the expression and statement translation."""

    def __init__(self, space: SpaceInfo | None) -> None:
        self.schema = SpaceSchema(space)
        self.params: dict[str, Any] = {}
        self.clauses: list[str] = []
        self._names = 0
        #: The projection not yet emitted (the last stage's), and its modifiers.
        self.projection: str | None = None
        self.distinct = False
        self.order: str | None = None
        self.skip: str | None = None
        self.limit: str | None = None
        #: The current output: (nGQL column name, Cypher variable).
        self.columns: list[tuple[str, str]] = []
        self.empty = False
        #: Above 0 while translating a predicate's condition: LadybugDB cannot take parameters
        #: there (it fails an assertion), so constants are written as escaped literals.
        self.inline = 0

    # -- helpers --------------------------------------------------------------------------
    def fresh(self, prefix: str) -> str:
        self._names += 1
        return f"_{prefix}{self._names}"

    def param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"${name}"

    def const(self, value: ast.Scalar) -> str:
        if value is None:
            return "NULL"
        if self.inline:
            return cypher_literal(value)
        if isinstance(value, bool):
            return self.param(value)
        if isinstance(value, int):
            return f"CAST({self.param(value)} AS INT64)"
        if isinstance(value, float):
            return f"CAST({self.param(value)} AS DOUBLE)"
        return self.param(value)

    def list_const(self, values: Sequence[ast.Scalar]) -> str | None:
        """One parameter for a list of same-typed literals, or None when they are mixed."""
        if any(v is None for v in values) or self.inline:
            return None
        if all(isinstance(v, str) for v in values):
            return self.param(list(values))
        if all(isinstance(v, bool) for v in values):
            return self.param(list(values))
        if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            return f"CAST({self.param(list(values))} AS INT64[])"
        numbers = [float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        if len(numbers) == len(values):
            return f"CAST({self.param(numbers)} AS DOUBLE[])"
        return None

    def label_is(self, var: str, label: str) -> str:
        return f"label({var}) = {self.param(label)}"

    def count(self, count: ast.Expr, what: str) -> str:
        """A SKIP / LIMIT count, as a parameter."""
        return self.param(self.int_count(count, what))

    def int_count(self, count: ast.Expr, what: str, maximum: int = MAX_ROWS) -> int:
        """A count written in the query or bound to it, checked to be from 0 to ``maximum``."""
        if isinstance(count, ast.Placeholder):  # only when checking an unbound query
            return 1
        if (
            not isinstance(count, ast.Const)
            or isinstance(count.value, bool)
            or not isinstance(count.value, int)
        ):
            fail(f"{what} needs a whole number", count.pos)
        return check_count(count.value, what, maximum, count.pos)
