"""What names mean while one statement is translated: vertices, edges, inputs in scope."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphmill.query import ast


@dataclass
class Node:
    """A vertex in scope: its Cypher variable and the tag tables it can be in (None: any)."""

    var: str
    labels: frozenset[str] | None = None


@dataclass
class Edge:
    var: str
    #: The edge types it can have (empty: any).
    types: tuple[str, ...]
    left: Node
    right: Node
    direction: ast.Direction
    var_length: bool = False


@dataclass
class Scope:
    """What names mean in the expressions of one statement."""

    what: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[str, Edge] = field(default_factory=dict)
    #: ``$-.name`` → Cypher variable.
    inputs: dict[str, str] | None = None
    #: GO: the traversed edge, and ``$^`` / ``$$``.
    go_edge: Edge | None = None
    #: FETCH / LOOKUP on vertices: per tag, its node; and the vid expression.
    tag_nodes: dict[str, Node] = field(default_factory=dict)
    vid: str | None = None
    #: FETCH / LOOKUP on edges: the edge.
    the_edge: Edge | None = None
    #: Whether aggregate functions may appear (RETURN / YIELD items of MATCH and RETURN).
    aggregates: bool = False
    #: MATCH: (vertex variable, tag) → the variable of that vertex's row in the tag's table,
    #: for ``v.tag.prop`` of a tag other than the one ``v`` was matched by (a vertex can carry
    #: several tags; results written back become a tag of their own).
    joins: dict[tuple[str, str], str] = field(default_factory=dict)
    #: OPTIONAL MATCH clauses for joins not emitted yet.
    pending: list[str] = field(default_factory=list)
    #: Variables of predicates (``x`` in ``any(x IN l WHERE …)``) → Cypher variable.
    locals: dict[str, str] = field(default_factory=dict)


def is_name(expr: ast.Expr, *names: str) -> bool:
    return isinstance(expr, ast.Name) and expr.name.lower() in names
