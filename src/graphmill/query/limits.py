"""The bounds of every count a query may hold, so that no text can make translation or the
database do unbounded work.  Each refusal names the bound and says what to write instead.

Translation work grows with the text (bounded by :data:`MAX_QUERY_CHARS`) and with the GO step
count (one MATCH per step); the database's work grows with path lengths.  Row counts (LIMIT,
SKIP) cost nothing to translate but are bounded too, as NebulaGraph bounds them to int64.
"""

from __future__ import annotations

from graphmill.query.ast import Pos
from graphmill.query.problems import fail

#: Longer texts are refused before parsing.
MAX_QUERY_CHARS = 1_000_000
#: ``GO n STEPS`` / ``GO m TO n STEPS``: each step is a MATCH clause of the translation.
MAX_GO_STEPS = 100
#: The upper bound of a variable-length edge (``*1..n``), as LadybugDB's default bound.
MAX_PATH_HOPS = 30
#: LIMIT, SKIP and ``| LIMIT offset, count``.
MAX_ROWS = 2**63 - 1
#: Items of a list: a literal in the text, or a list value bound to a ``${name}``.
MAX_LIST_ITEMS = 1_000_000


def check_count(value: int, what: str, maximum: int, pos: Pos | None = None) -> int:
    """``value`` if it is a count from 0 to ``maximum``; a QueryError naming ``what`` otherwise."""
    if value < 0:
        fail(f"{what} cannot be negative", pos)
    if value > maximum:
        fail(f"{what} is {value}, more than the {maximum} graphmill allows", pos)
    return value
