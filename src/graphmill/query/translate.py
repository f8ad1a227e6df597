"""Translate a parsed nGQL query into one Cypher query for the space's LadybugDB database.

The store's model (see :mod:`graphmill.graphstore.ladybug_build`): one node table per tag
(primary key ``vid``), ``_vertex`` for untagged edge endpoints, one rel table per edge type
with ``_rank``; an edge hangs off its endpoints' *primary* tag rows.  So:

======================================  ==============================================
nGQL                                    Cypher
======================================  ==============================================
``(v:player)`` / ``(v)`` in MATCH       ``(v:player)`` / ``(v:player|team|…)``: every tag
                                        table, not ``_vertex`` (MATCH does not see
                                        dangling edges, as in NebulaGraph)
``-[e:follow|serve*1..3]->``            ``-[e:follow|serve* TRAIL 1..3]->`` (MATCH paths
                                        are trails, as in NebulaGraph)
``id(v)``                               ``v.vid``
``type(e)`` / ``rank(e)``               ``label(e)`` / ``e._rank``
``src(e)`` / ``dst(e)``                 the endpoint's ``vid`` (undirected patterns
                                        compare ``e._SRC`` with the left node)
``properties(v).p``, ``v.p``            ``v.p`` (NULL where no candidate table has p)
``v.player.p``, ``$$.player.p``         ``v.p``, only where ``label(v)`` is player
``GO n STEPS FROM … OVER e``            a chain of MATCHes, ``WITH DISTINCT`` frontier
                                        per step (NebulaGraph deduplicates it), WHERE
                                        and YIELD on the last step's edges
``GO m TO n STEPS``                     a walk of m-1..n-1 hops to a distinct
                                        (frontier, step), then one more edge
``FETCH PROP ON t "a", "b"``            ``UNWIND $ids`` + a primary-key MATCH per tag
``FETCH PROP ON e "a"->"b"@r``          ``UNWIND $keys`` + MATCH on src, dst and rank
``LOOKUP ON t WHERE …``                 ``MATCH (v:t) WHERE …``
``| ORDER BY $-.c | LIMIT n``           ORDER BY / SKIP / LIMIT on the projection
                                        (a pass-through WITH when they are stacked)
``stmt | GO FROM $-.c …``               the projection becomes a WITH feeding the GO
======================================  ==============================================

GO's start vertices include ``_vertex`` rows: GO, LOOKUP and FETCH see dangling edges.

Every value of the query (literals, bound placeholders, SKIP / LIMIT counts) becomes a
parameter ``$pN``; integers are cast to INT64 (LadybugDB would type a small parameter INT8
and overflow).  Only hop counts (``*1..3``, ``GO 2 STEPS``), which Cypher cannot take as
parameters, are written into the text, as integers the parser or :func:`bind` checked.
Names of tags, edge types and properties are checked against the space's schema and
back-quoted; variables and column aliases are generated.  So no text of the user's reaches
the Cypher except names that exist in the schema.  :attr:`CypherQuery.columns` holds the
nGQL names of the result columns in order.

With no schema (``space=None``) the translation still runs, assuming every name exists: the
workflow validator uses that to report what the text alone gets wrong.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from graphmill.graphstore.ladybug_build import quote
from graphmill.graphstore.model import RANK_PROPERTY
from graphmill.query import ast
from graphmill.query.parser import walk
from graphmill.query.problems import depth_guarded, fail

if TYPE_CHECKING:
    from graphmill.graphstore.base import SpaceInfo
    from graphmill.query.bind import BoundQuery


@dataclass(frozen=True)
class CypherQuery:
    """What to run: Cypher text, its parameters, and the nGQL names of the result columns."""

    text: str
    parameters: dict[str, Any]
    columns: tuple[str, ...]
    #: The query yields no rows whatever the data (``GO 0 STEPS``): no need to run it.
    empty: bool = False


# --- schema --------------------------------------------------------------------------------


class _Schema:
    """The space's tags and edge types; permissive when there is no space."""

    def __init__(self, space: SpaceInfo | None) -> None:
        self.space = space
        self.lenient = space is None
        self.tags: dict[str, frozenset[str]] = (
            {t: frozenset(p.name for p in props) for t, props in space.tags.items()} if space else {}
        )
        self.edges: dict[str, frozenset[str]] = (
            {e: frozenset(p.name for p in props) for e, props in space.edges.items()} if space else {}
        )

    @property
    def name(self) -> str:
        return self.space.name if self.space else "?"

    def is_tag(self, name: str) -> bool:
        return self.lenient or name in self.tags

    def is_edge(self, name: str) -> bool:
        return self.lenient or name in self.edges

    def check_tag(self, name: str, pos: ast.Pos) -> None:
        if not self.is_tag(name):
            fail(f"tag '{name}' does not exist in space '{self.name}'", pos)

    def check_edge(self, name: str, pos: ast.Pos) -> None:
        if not self.is_edge(name):
            fail(f"edge type '{name}' does not exist in space '{self.name}'", pos)

    def tag_has(self, tag: str, prop: str) -> bool:
        return self.lenient or prop in self.tags.get(tag, frozenset())

    def edge_has(self, edge: str, prop: str) -> bool:
        return self.lenient or prop in self.edges.get(edge, frozenset())

    def check_tag_prop(self, tag: str, prop: str, pos: ast.Pos) -> None:
        self.check_tag(tag, pos)
        if not self.tag_has(tag, prop):
            fail(f"tag '{tag}' has no property '{prop}'", pos)

    def check_edge_prop(self, edge: str, prop: str, pos: ast.Pos) -> None:
        self.check_edge(edge, pos)
        if not self.edge_has(edge, prop):
            fail(f"edge type '{edge}' has no property '{prop}'", pos)

    def all_edges(self) -> tuple[str, ...]:
        return tuple(self.edges)

    def all_tags(self) -> tuple[str, ...]:
        return tuple(self.tags)


# --- variables -----------------------------------------------------------------------------


@dataclass
class _Node:
    """A vertex in scope: its Cypher variable and the tag tables it can be in (None: any)."""

    var: str
    labels: frozenset[str] | None = None


@dataclass
class _Edge:
    var: str
    #: The edge types it can have (empty: any).
    types: tuple[str, ...]
    left: _Node
    right: _Node
    direction: ast.Direction
    var_length: bool = False


@dataclass
class _Scope:
    """What names mean in the expressions of one statement."""

    what: str
    nodes: dict[str, _Node] = field(default_factory=dict)
    edges: dict[str, _Edge] = field(default_factory=dict)
    #: ``$-.name`` → Cypher variable.
    inputs: dict[str, str] | None = None
    #: GO: the traversed edge, and ``$^`` / ``$$``.
    go_edge: _Edge | None = None
    #: FETCH / LOOKUP on vertices: per tag, its node; and the vid expression.
    tag_nodes: dict[str, _Node] = field(default_factory=dict)
    vid: str | None = None
    #: FETCH / LOOKUP on edges: the edge.
    the_edge: _Edge | None = None
    #: Whether aggregate functions may appear (RETURN / YIELD items of MATCH and RETURN).
    aggregates: bool = False
    #: MATCH: (vertex variable, tag) → the variable of that vertex's row in the tag's table,
    #: for ``v.tag.prop`` of a tag other than the one ``v`` was matched by (a vertex can carry
    #: several tags; results written back become a tag of their own).
    joins: dict[tuple[str, str], str] = field(default_factory=dict)
    #: OPTIONAL MATCH clauses for joins not emitted yet.
    pending: list[str] = field(default_factory=list)


_AGGREGATES = {"count": "count", "sum": "sum", "avg": "avg", "min": "min", "max": "max", "collect": "collect"}
#: nGQL scalar function → (LadybugDB function, allowed argument counts).
_FUNCTIONS: dict[str, tuple[str, tuple[int, ...]]] = {
    "abs": ("abs", (1,)),
    "floor": ("floor", (1,)),
    "ceil": ("ceil", (1,)),
    "sqrt": ("sqrt", (1,)),
    "pow": ("pow", (2,)),
    "exp": ("exp", (1,)),
    "log": ("ln", (1,)),
    "log10": ("log10", (1,)),
    "sign": ("sign", (1,)),
    "lower": ("lower", (1,)),
    "tolower": ("lower", (1,)),
    "upper": ("upper", (1,)),
    "toupper": ("upper", (1,)),
    "trim": ("trim", (1,)),
    "ltrim": ("ltrim", (1,)),
    "rtrim": ("rtrim", (1,)),
    "left": ("left", (2,)),
    "right": ("right", (2,)),
    "reverse": ("reverse", (1,)),
    "size": ("size", (1,)),
    "length": ("size", (1,)),
    "coalesce": ("coalesce", tuple(range(1, 33))),
    "concat": ("concat", tuple(range(1, 33))),
}
_CASTS = {
    "tostring": "STRING",
    "tointeger": "INT64",
    "toint": "INT64",
    "tofloat": "DOUBLE",
    "toboolean": "BOOL",
}
_CYPHER_OPS = {"==": "=", "!=": "<>"}
_NEGATED = {
    "NOT IN": "IN",
    "NOT STARTS WITH": "STARTS WITH",
    "NOT ENDS WITH": "ENDS WITH",
    "NOT CONTAINS": "CONTAINS",
}


def _is_name(expr: ast.Expr, *names: str) -> bool:
    return isinstance(expr, ast.Name) and expr.name.lower() in names


class _Translator:
    def __init__(self, space: SpaceInfo | None) -> None:
        self.schema = _Schema(space)
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
        if isinstance(value, bool):
            return self.param(value)
        if isinstance(value, int):
            return f"CAST({self.param(value)} AS INT64)"
        if isinstance(value, float):
            return f"CAST({self.param(value)} AS DOUBLE)"
        return self.param(value)

    def list_const(self, values: Sequence[ast.Scalar]) -> str | None:
        """One parameter for a list of same-typed literals, or None when they are mixed."""
        if any(v is None for v in values):
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

    # -- stages ---------------------------------------------------------------------------
    def flush(self) -> dict[str, str]:
        """Emit the pending projection as a WITH; its columns become the next stage's ``$-``."""
        if self.projection is not None:
            self.clauses.append("WITH " + self._projection_text())
            self.projection = None
        return {name: var for name, var in self.columns}

    def _projection_text(self) -> str:
        assert self.projection is not None
        text = ("DISTINCT " if self.distinct else "") + self.projection
        if self.order:
            text += f" ORDER BY {self.order}"
        if self.skip:
            text += f" SKIP {self.skip}"
        if self.limit:
            text += f" LIMIT {self.limit}"
        return text

    def project(self, proj: ast.Projection, scope: _Scope) -> None:
        """Set the pending projection from RETURN / YIELD items."""
        columns: list[tuple[str, str]] = []
        parts: list[str] = []
        for item in proj.items:
            var = self.fresh("c")
            parts.append(f"{self.expr(item.expr, scope)} AS {var}")
            columns.append((item.column, var))
        self.projection = ", ".join(parts)
        self.distinct = proj.distinct
        self.columns = columns
        self.order = self.skip = self.limit = None
        if proj.order:
            self.order = ", ".join(
                self._order_key(o.expr, proj, scope) + (" DESC" if o.descending else "") for o in proj.order
            )
        if proj.skip is not None:
            self.skip = self.count(proj.skip, "SKIP")
        if proj.limit is not None:
            self.limit = self.count(proj.limit, "LIMIT")
        self.clauses.extend(scope.pending)  # tag rows the projection reads
        scope.pending.clear()

    def _order_key(self, expr: ast.Expr, proj: ast.Projection, scope: _Scope) -> str:
        text = ast.ngql_text(expr)
        for item, (_, var) in zip(proj.items, self.columns, strict=True):
            if (isinstance(expr, ast.Name) and item.alias == expr.name) or item.column == text:
                return var
            if isinstance(expr, ast.InputCol) and item.column == expr.name:
                return var
        return self.expr(expr, replace(scope, aggregates=False))

    def count(self, count: ast.Expr, what: str) -> str:
        """A SKIP / LIMIT count, as a parameter."""
        return self.param(self.int_count(count, what))

    def int_count(self, count: ast.Expr, what: str) -> int:
        if isinstance(count, ast.Placeholder):  # only when checking an unbound query
            return 1
        if (
            not isinstance(count, ast.Const)
            or isinstance(count.value, bool)
            or not isinstance(count.value, int)
        ):
            fail(f"{what} needs a whole number", count.pos)
        if count.value < 0:
            fail(f"{what} cannot be negative", count.pos)
        return count.value

    def finish(self) -> CypherQuery:
        assert self.projection is not None
        self.clauses.append("RETURN " + self._projection_text())
        return CypherQuery(
            "\n".join(self.clauses), self.params, tuple(name for name, _ in self.columns), self.empty
        )

    def pipe_order(self, stage: ast.OrderPipe) -> None:
        if self.order or self.skip or self.limit:
            self._pass_through()
        keys = []
        names = {name: var for name, var in self.columns}
        for item in stage.items:
            if not isinstance(item.expr, ast.InputCol):
                fail("ORDER BY after '|' sorts by input columns: write $-.column", item.expr.pos)
            if item.expr.name not in names:
                fail(f"$-.{item.expr.name} is not a column of the statement before '|'", item.expr.pos)
            keys.append(names[item.expr.name] + (" DESC" if item.descending else ""))
        self.order = ", ".join(keys)

    def pipe_limit(self, stage: ast.LimitPipe) -> None:
        if self.skip or self.limit:
            self._pass_through()
        if stage.offset is not None:
            self.skip = self.count(stage.offset, "LIMIT")
        self.limit = self.count(stage.count, "LIMIT")

    def _pass_through(self) -> None:
        self.flush()
        self.projection = ", ".join(var for _, var in self.columns)
        self.distinct = False
        self.order = self.skip = self.limit = None

    # -- statements -----------------------------------------------------------------------
    def query(self, query: ast.Query) -> CypherQuery:
        self.statement(query.first, None)
        for stage in query.pipes:
            if isinstance(stage, ast.OrderPipe):
                self.pipe_order(stage)
            elif isinstance(stage, ast.LimitPipe):
                self.pipe_limit(stage)
            else:
                self.statement(stage, self.flush())
        return self.finish()

    def statement(self, stmt: ast.Statement | ast.PipeStage, inputs: dict[str, str] | None) -> None:
        match stmt:
            case ast.MatchStmt():
                self.match(stmt)
            case ast.ReturnStmt():
                self.project(stmt.ret, _Scope("RETURN", aggregates=True))
            case ast.GoStmt():
                self.go(stmt, inputs)
            case ast.FetchVerticesStmt():
                self.fetch_vertices(stmt, inputs)
            case ast.FetchEdgesStmt():
                self.fetch_edges(stmt)
            case ast.LookupStmt():
                self.lookup(stmt)
            case _:  # pragma: no cover - ORDER BY / LIMIT pipes are handled by query()
                raise AssertionError(stmt)

    # MATCH ------------------------------------------------------------------------------
    def match(self, stmt: ast.MatchStmt) -> None:
        scope = _Scope("MATCH")
        for clause in stmt.clauses:
            texts: list[str] = []
            conditions: list[str] = []
            for pattern in clause.patterns:
                text, conds = self.pattern(pattern, scope)
                texts.append(text)
                conditions.extend(conds)
            if clause.where is not None:
                conditions.append(self.expr(clause.where, scope))
            if scope.pending:
                # The tag rows must be joined before the WHERE that reads them; a WHERE right
                # after an OPTIONAL MATCH would only filter the optional part, hence WITH *.
                self.clauses.append(f"MATCH {', '.join(texts)}")
                self.clauses.extend(scope.pending)
                scope.pending.clear()
                if conditions:
                    self.clauses.append(f"WITH * WHERE {' AND '.join(conditions)}")
                continue
            where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
            self.clauses.append(f"MATCH {', '.join(texts)}{where}")
        scope.aggregates = True
        self.project(stmt.ret, scope)

    def node(self, pattern: ast.NodePattern, scope: _Scope) -> tuple[str, _Node, list[str]]:
        if len(pattern.labels) > 1:
            fail("a node pattern with several tags ((v:t1:t2)) is not supported", pattern.pos)
        for label in pattern.labels:
            self.schema.check_tag(label, pattern.pos)
        labels = frozenset(pattern.labels) or None
        node: _Node
        label_text = "".join(f":{quote(label)}" for label in pattern.labels)
        if pattern.var is not None and pattern.var in scope.nodes:
            node = scope.nodes[pattern.var]
            if labels is not None and node.labels is not None and labels != node.labels:
                fail(f"vertex '{pattern.var}' is given two different tags", pattern.pos)
            if labels is not None:
                node.labels = labels
        else:
            if pattern.var is not None and pattern.var in scope.edges:
                fail(f"'{pattern.var}' is already an edge", pattern.pos)
            node = _Node(self.fresh("v"), labels)
            if pattern.var is not None:
                scope.nodes[pattern.var] = node
            if labels is None and self.schema.tags:
                # Any tag, but not the untagged endpoints: MATCH does not see dangling edges.
                label_text = ":" + "|".join(quote(t) for t in self.schema.tags)
        conditions = [
            f"{self.node_prop(node, prop, pattern.labels[0] if pattern.labels else None, pattern.pos)}"
            f" = {self.expr(value, scope)}"
            for prop, value in pattern.props
        ]
        return f"({node.var}{label_text})", node, conditions

    def pattern(self, pattern: ast.PathPattern, scope: _Scope) -> tuple[str, list[str]]:
        text, left, conditions = self.node(pattern.nodes[0], scope)
        singles: list[_Edge] = []
        for edge_pat, node_pat in zip(pattern.edges, pattern.nodes[1:], strict=True):
            node_text, right, node_conds = self.node(node_pat, scope)
            for edge_type in edge_pat.types:
                self.schema.check_edge(edge_type, edge_pat.pos)
            if edge_pat.var is not None and (edge_pat.var in scope.edges or edge_pat.var in scope.nodes):
                fail(f"'{edge_pat.var}' is used for two different things in the pattern", edge_pat.pos)
            edge = _Edge(
                self.fresh("e"), edge_pat.types, left, right, edge_pat.direction, edge_pat.hops is not None
            )
            if edge_pat.var is not None:
                scope.edges[edge_pat.var] = edge
            types = "|".join(quote(t) for t in edge_pat.types)
            body = edge.var + (f":{types}" if types else "")
            if edge_pat.hops is not None:
                low, high = edge_pat.hops
                if high is None or low > high:
                    fail("a variable-length edge needs a range like *1..3", edge_pat.pos)
                if edge_pat.props:
                    fail("properties on a variable-length edge are not supported", edge_pat.pos)
                body += f"* TRAIL {low}..{high}"
            else:
                for earlier in singles:
                    if not earlier.types or not edge.types or set(earlier.types) & set(edge.types):
                        conditions.append(f"id({earlier.var}) <> id({edge.var})")
                singles.append(edge)
            for prop, value in edge_pat.props:
                conditions.append(
                    f"{self.edge_prop(edge, prop, None, edge_pat.pos)} = {self.expr(value, scope)}"
                )
            arrow = {"out": f"-[{body}]->", "in": f"<-[{body}]-", "both": f"-[{body}]-"}[edge_pat.direction]
            text += arrow + node_text
            conditions.extend(node_conds)
            left = right
        return text, conditions

    # GO ---------------------------------------------------------------------------------
    def vids(self, source: ast.VidList) -> str:
        values: list[ast.Scalar] = []
        for item in source.items:
            if isinstance(item, ast.Placeholder):  # checking an unbound query
                values.append(
                    "" if self.schema.space is None or self.schema.space.vid_type == "string" else 0
                )
                continue
            if not isinstance(item, ast.Const) or item.value is None or isinstance(item.value, bool | float):
                fail("a vertex id must be a string or an integer", item.pos)
            self.check_vid(item.value, item.pos)
            if item.value not in values:
                values.append(item.value)
        if not values:
            return "[]"
        text = self.list_const(values)
        if text is None:
            fail("vertex ids must all be strings or all be integers", source.pos)
        return text

    def check_vid(self, value: ast.Scalar, pos: ast.Pos) -> None:
        space = self.schema.space
        if space is None:
            return
        if space.vid_type == "string" and not isinstance(value, str):
            fail(f"vertex id {value!r} is not a string, but space '{space.name}' has string vertex ids", pos)
        if space.vid_type == "int64" and not isinstance(value, int):
            fail(f"vertex id {value!r} is not an integer, but space '{space.name}' has int64 vertex ids", pos)

    def over_types(self, names: tuple[str, ...], pos: ast.Pos) -> tuple[str, ...]:
        for name in names:
            self.schema.check_edge(name, pos)
        return names or self.schema.all_edges()

    def go(self, stmt: ast.GoStmt, inputs: dict[str, str] | None) -> None:
        low = self.int_count(stmt.steps[0], "GO … STEPS")
        high = self.int_count(stmt.steps[1], "GO … STEPS")
        low = max(low, 1)
        if low > high and high > 0:
            fail(f"GO {low} TO {high} STEPS: the first number is larger than the second", stmt.pos)
        if high == 0:
            self.empty = True
            low = high = 1
        types = self.over_types(stmt.over, stmt.pos)
        label = ":" + "|".join(quote(t) for t in stmt.over) if stmt.over else ""
        carried = sorted(set(inputs.values())) if inputs else []

        def arrow(var: str) -> str:
            body = f"[{var}{label}]"
            return {"out": f"-{body}->", "in": f"<-{body}-", "both": f"-{body}-"}[stmt.direction]

        def walk_arrow(var: str, low: int, high: int) -> str:
            body = f"[{var}{label}*{low}..{high}]"
            return {"out": f"-{body}->", "in": f"<-{body}-", "both": f"-{body}-"}[stmt.direction]

        start = self.fresh("v")
        if isinstance(stmt.source, ast.InputCol):
            column = _input_column(stmt.source, inputs, "GO")
            self.clauses.append(f"MATCH ({start}) WHERE {start}.vid = {column}")
        else:
            self.clauses.append(f"MATCH ({start}) WHERE {start}.vid IN {self.vids(stmt.source)}")
        frontier = start
        keep = ", ".join([*carried, ""])
        if low == high:
            for _ in range(high - 1):
                nxt = self.fresh("v")
                self.clauses.append(f"MATCH ({frontier}){arrow('')}({nxt})")
                self.clauses.append(f"WITH DISTINCT {keep}{nxt}")
                frontier = nxt
        else:
            nxt, hops = self.fresh("v"), self.fresh("r")
            self.clauses.append(f"MATCH ({frontier}){walk_arrow(hops, low - 1, high - 1)}({nxt})")
            self.clauses.append(f"WITH DISTINCT {keep}{nxt}, length({hops}) AS {self.fresh('k')}")
            frontier = nxt
        dst = self.fresh("v")
        edge = _Edge(self.fresh("e"), types, _Node(frontier), _Node(dst), stmt.direction)
        scope = _Scope("GO", inputs=inputs, go_edge=edge)
        self.clauses.append(f"MATCH ({frontier}){arrow(edge.var)}({dst})")
        if stmt.where is not None:
            self.clauses.append(f"WHERE {self.expr(stmt.where, scope)}")
        self.project(stmt.yield_, scope)

    # FETCH, LOOKUP ----------------------------------------------------------------------
    def fetch_vertices(self, stmt: ast.FetchVerticesStmt, inputs: dict[str, str] | None) -> None:
        for tag in stmt.tags:
            self.schema.check_tag(tag, stmt.pos)
        tags = stmt.tags or self.schema.all_tags()
        if not tags:
            if not self.schema.lenient:
                fail(f"space '{self.schema.name}' has no tags", stmt.pos)
            tags = ("?",)
        vid = self.fresh("vid")
        if isinstance(stmt.source, ast.InputCol):
            self.clauses.append(f"WITH DISTINCT {_input_column(stmt.source, inputs, 'FETCH')} AS {vid}")
        else:
            self.clauses.append(f"UNWIND {self.vids(stmt.source)} AS {vid}")
        scope = _Scope("FETCH", vid=vid)
        for tag in tags:
            node = _Node(self.fresh("v"), frozenset({tag}))
            scope.tag_nodes[tag] = node
        if len(tags) == 1:
            node = scope.tag_nodes[tags[0]]
            self.clauses.append(f"MATCH ({node.var}:{quote(tags[0])}) WHERE {node.var}.vid = {vid}")
        else:
            for tag, node in scope.tag_nodes.items():
                self.clauses.append(f"OPTIONAL MATCH ({node.var}:{quote(tag)}) WHERE {node.var}.vid = {vid}")
            nodes = [n.var for n in scope.tag_nodes.values()]
            found = " OR ".join(f"{n} IS NOT NULL" for n in nodes)
            self.clauses.append(f"WITH {vid}, {', '.join(nodes)} WHERE {found}")
        self.project(stmt.yield_, scope)

    def fetch_edges(self, stmt: ast.FetchEdgesStmt) -> None:
        self.schema.check_edge(stmt.edge, stmt.pos)
        keys: list[dict[str, ast.Scalar]] = []
        for key in stmt.keys:
            ends: list[ast.Scalar] = []
            for end in (key.src, key.dst):
                if isinstance(end, ast.Placeholder):
                    ends.append("")
                    continue
                if not isinstance(end, ast.Const) or end.value is None or isinstance(end.value, bool | float):
                    fail("a vertex id must be a string or an integer", end.pos)
                self.check_vid(end.value, end.pos)
                ends.append(end.value)
            rank = 0 if key.rank is None else self.int_count(key.rank, "an edge rank")
            entry = {"src": ends[0], "dst": ends[1], "rank": rank}
            if entry not in keys:
                keys.append(entry)
        k, src, dst = self.fresh("k"), self.fresh("v"), self.fresh("v")
        edge = _Edge(self.fresh("e"), (stmt.edge,), _Node(src), _Node(dst), "out")
        self.clauses.append(f"UNWIND {self.param(keys)} AS {k}")
        self.clauses.append(
            f"MATCH ({src})-[{edge.var}:{quote(stmt.edge)}]->({dst}) WHERE {src}.vid = {k}.src"
            f" AND {dst}.vid = {k}.dst AND {edge.var}.{quote(RANK_PROPERTY)} = {k}.rank"
        )
        self.project(stmt.yield_, _Scope("FETCH", the_edge=edge))

    def lookup(self, stmt: ast.LookupStmt) -> None:
        if self.schema.lenient:
            on_edge = any(_is_name(e, "edge") for e in _exprs(stmt))
        elif stmt.name in self.schema.tags:
            on_edge = False
        elif stmt.name in self.schema.edges:
            on_edge = True
        else:
            fail(f"there is no tag or edge type '{stmt.name}' in space '{self.schema.name}'", stmt.pos)
        if on_edge:
            src, dst = self.fresh("v"), self.fresh("v")
            edge = _Edge(self.fresh("e"), (stmt.name,), _Node(src), _Node(dst), "out")
            scope = _Scope("LOOKUP", the_edge=edge)
            self.clauses.append(f"MATCH ({src})-[{edge.var}:{quote(stmt.name)}]->({dst})")
        else:
            node = _Node(self.fresh("v"), frozenset({stmt.name}))
            scope = _Scope("LOOKUP", tag_nodes={stmt.name: node}, vid=f"{node.var}.vid")
            self.clauses.append(f"MATCH ({node.var}:{quote(stmt.name)})")
        if stmt.where is not None:
            self.clauses.append(f"WHERE {self.expr(stmt.where, scope)}")
        self.project(stmt.yield_, scope)

    # -- properties -----------------------------------------------------------------------
    def node_prop(
        self, node: _Node, prop: str, tag: str | None, pos: ast.Pos, scope: _Scope | None = None
    ) -> str:
        """``prop`` of a vertex: of its ``tag`` when given (NULL on vertices without it)."""
        candidates = node.labels if node.labels is not None else frozenset(self.schema.tags)
        if tag is not None:
            self.schema.check_tag_prop(tag, prop, pos)
            if scope is not None and scope.what == "MATCH" and node.labels != frozenset({tag}):
                return f"{self._tag_row(node, tag, scope)}.{quote(prop)}"
            if node.labels is not None and tag not in node.labels:
                return "NULL"
            text = f"{node.var}.{quote(prop)}"
            if self.schema.lenient or any(self.schema.tag_has(t, prop) for t in candidates - {tag}):
                return f"CASE WHEN {self.label_is(node.var, tag)} THEN {text} END"
            return text
        if not self.schema.lenient and not any(self.schema.tag_has(t, prop) for t in candidates):
            return "NULL"
        return f"{node.var}.{quote(prop)}"

    def _tag_row(self, node: _Node, tag: str, scope: _Scope) -> str:
        """The variable of ``node``'s row in ``tag``'s table, joined by vid (NULL where it has no such tag)."""
        key = (node.var, tag)
        if key not in scope.joins:
            var = self.fresh("t")
            scope.joins[key] = var
            scope.pending.append(f"OPTIONAL MATCH ({var}:{quote(tag)} {{vid: {node.var}.vid}})")
        return scope.joins[key]

    def edge_prop(self, edge: _Edge, prop: str, edge_type: str | None, pos: ast.Pos) -> str:
        if edge.var_length:
            fail("a variable-length edge is a list of edges: its properties are not supported", pos)
        special = {
            "_src": self.src(edge),
            "_dst": self.dst(edge),
            "_rank": self.rank(edge),
            "_type": self.type(edge),
        }
        if edge_type is not None and prop in special:
            return special[prop]
        types = edge.types or self.schema.all_edges()
        if edge_type is not None:
            self.schema.check_edge_prop(edge_type, prop, pos)
            if edge.types and edge_type not in edge.types:
                return "NULL"
            text = f"{edge.var}.{quote(prop)}"
            if self.schema.lenient or any(self.schema.edge_has(t, prop) for t in types if t != edge_type):
                return f"CASE WHEN {self.label_is(edge.var, edge_type)} THEN {text} END"
            return text
        if not self.schema.lenient and not any(self.schema.edge_has(t, prop) for t in types):
            return "NULL"
        return f"{edge.var}.{quote(prop)}"

    def _single(self, edge: _Edge, what: str, pos: ast.Pos) -> None:
        if edge.var_length:
            fail(f"{what}() of a variable-length edge (a list of edges) is not supported", pos)

    def src(self, edge: _Edge) -> str:
        if edge.direction == "out":
            return f"{edge.left.var}.vid"
        if edge.direction == "in":
            return f"{edge.right.var}.vid"
        forward = f"struct_extract({edge.var}, '_SRC') = id({edge.left.var})"
        return f"CASE WHEN {forward} THEN {edge.left.var}.vid ELSE {edge.right.var}.vid END"

    def dst(self, edge: _Edge) -> str:
        if edge.direction == "out":
            return f"{edge.right.var}.vid"
        if edge.direction == "in":
            return f"{edge.left.var}.vid"
        forward = f"struct_extract({edge.var}, '_SRC') = id({edge.left.var})"
        return f"CASE WHEN {forward} THEN {edge.right.var}.vid ELSE {edge.left.var}.vid END"

    def rank(self, edge: _Edge) -> str:
        return f"{edge.var}.{quote(RANK_PROPERTY)}"

    def type(self, edge: _Edge) -> str:
        return f"label({edge.var})"

    # -- resolving names ------------------------------------------------------------------
    def vertex_of(self, expr: ast.Expr, scope: _Scope) -> _Node | None:
        """The vertex ``expr`` denotes (a MATCH variable, ``vertex``, ``$^``, ``$$``), if any."""
        if isinstance(expr, ast.Name):
            if expr.name in scope.nodes:
                return scope.nodes[expr.name]
            if expr.name.lower() == "vertex" and scope.vid is not None and len(scope.tag_nodes) == 1:
                return next(iter(scope.tag_nodes.values()))
        if isinstance(expr, ast.SrcRef | ast.DstRef):
            if scope.go_edge is None:
                fail(f"{ast.ngql_text(expr)} is only meaningful in GO", expr.pos)
            return scope.go_edge.left if isinstance(expr, ast.SrcRef) else scope.go_edge.right
        return None

    def edge_of(self, expr: ast.Expr, scope: _Scope) -> _Edge | None:
        if isinstance(expr, ast.Name):
            if expr.name in scope.edges:
                return scope.edges[expr.name]
            if expr.name.lower() == "edge":
                edge = scope.go_edge or scope.the_edge
                if edge is None:
                    fail(
                        "'edge' is only meaningful in GO, FETCH PROP ON an edge type and LOOKUP ON an edge type",
                        expr.pos,
                    )
                return edge
        return None

    def is_vertex_kw(self, expr: ast.Expr, scope: _Scope) -> bool:
        return _is_name(expr, "vertex") and scope.vid is not None

    def vertex_props(self, prop: str, scope: _Scope, pos: ast.Pos) -> str:
        """``properties(vertex).prop`` in FETCH / LOOKUP: the first fetched tag that has it."""
        having = [n for t, n in scope.tag_nodes.items() if self.schema.tag_has(t, prop)]
        if not having:
            return "NULL"
        parts = [f"{n.var}.{quote(prop)}" for n in having]
        return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"

    def attr(self, expr: ast.Attr, scope: _Scope) -> str:
        base, prop, pos = expr.base, expr.name, expr.pos
        # properties(x).prop
        if isinstance(base, ast.Call) and base.name.lower() == "properties" and len(base.args) == 1:
            (arg,) = base.args
            if self.is_vertex_kw(arg, scope):
                return self.vertex_props(prop, scope, pos)
            node = self.vertex_of(arg, scope)
            if node is not None:
                return self.node_prop(node, prop, None, pos)
            edge = self.edge_of(arg, scope)
            if edge is not None:
                return self.edge_prop(edge, prop, None, pos)
            fail(f"properties() needs a vertex or an edge, not {ast.ngql_text(arg)}", arg.pos)
        # v.prop / e.prop (MATCH variables)
        node = self.vertex_of(base, scope) if isinstance(base, ast.Name) else None
        if node is not None:
            return self.node_prop(node, prop, None, pos)
        edge = self.edge_of(base, scope)
        if edge is not None:
            return self.edge_prop(edge, prop, None, pos)
        # v.tag.prop, $$.tag.prop, $^.tag.prop
        if isinstance(base, ast.Attr):
            owner = self.vertex_of(base.base, scope)
            if owner is not None:
                return self.node_prop(owner, prop, base.name, pos, scope)
        if isinstance(base, ast.SrcRef | ast.DstRef):
            fail(f"write {ast.ngql_text(base)}.tag.{prop}: a tag is needed", pos)
        # tag.prop / edge_type.prop
        if isinstance(base, ast.Name):
            name = base.name
            if scope.go_edge is not None:
                if self.schema.is_edge(name):
                    if name not in scope.go_edge.types and not self.schema.lenient:
                        fail(f"edge type '{name}' is not in OVER", pos)
                    return self.edge_prop(scope.go_edge, prop, name, pos)
            elif scope.the_edge is not None:
                if name == scope.the_edge.types[0] or self.schema.lenient:
                    return self.edge_prop(scope.the_edge, prop, name, pos)
                fail(f"'{name}' is not the edge type of this statement ({scope.the_edge.types[0]})", pos)
            elif scope.tag_nodes:
                if name in scope.tag_nodes:
                    self.schema.check_tag_prop(name, prop, pos)
                    return f"{scope.tag_nodes[name].var}.{quote(prop)}"
                if self.schema.lenient and len(scope.tag_nodes) == 1:
                    return f"{next(iter(scope.tag_nodes.values())).var}.{quote(prop)}"
                fail(f"'{name}' is not a tag of this statement ({', '.join(scope.tag_nodes)})", pos)
            if name not in scope.nodes and name not in scope.edges:
                fail(f"'{name}' is not defined here", base.pos)
        fail(f"unsupported property reference {ast.ngql_text(expr)}", pos)

    # -- expressions ----------------------------------------------------------------------
    def expr(self, expr: ast.Expr, scope: _Scope) -> str:
        match expr:
            case ast.Const(value=value):
                return self.const(value)
            case ast.ListExpr(items=items):
                if all(isinstance(i, ast.Const) for i in items):
                    consts = [i.value for i in items if isinstance(i, ast.Const)]
                    text = self.list_const(consts) if consts else "[]"
                    if text is not None:
                        return text
                return "[" + ", ".join(self.expr(i, scope) for i in items) + "]"
            case ast.Placeholder():  # only when checking an unbound query
                return self.param(None)
            case ast.Name(name=name):
                what = (
                    "vertex"
                    if name in scope.nodes or _is_name(expr, "vertex")
                    else "edge"
                    if name in scope.edges or _is_name(expr, "edge")
                    else None
                )
                if what is not None:
                    fail(
                        f"returning a whole {what} ({ast.ngql_text(expr)}) is not supported: use its id "
                        f"or properties, like id({ast.ngql_text(expr)}) or properties({ast.ngql_text(expr)}).name",
                        expr.pos,
                    )
                fail(f"'{name}' is not defined", expr.pos)
            case ast.Attr():
                return self.attr(expr, scope)
            case ast.SrcRef() | ast.DstRef():
                fail(
                    f"{ast.ngql_text(expr)} alone is a whole vertex: use id({ast.ngql_text(expr)}) or a property",
                    expr.pos,
                )
            case ast.InputCol(name=name):
                if scope.inputs is None:
                    fail(f"$-.{name} needs a statement piped into this one", expr.pos)
                if name not in scope.inputs:
                    fail(f"$-.{name} is not a column of the statement before '|'", expr.pos)
                return scope.inputs[name]
            case ast.UserVar(name=name):
                fail(
                    f"user variables (${name}) are not supported: a query component runs one statement",
                    expr.pos,
                )
            case ast.Call():
                return self.call(expr, scope)
            case ast.Subscript(base=base, index=index):
                return f"{self.expr(base, scope)}[({self.expr(index, scope)}) + 1]"
            case ast.Unary(op="NOT", operand=operand):
                return f"(NOT {self.expr(operand, scope)})"
            case ast.Unary(op=op, operand=operand):
                return f"({op}{self.expr(operand, scope)})"
            case ast.Binary(op=op, left=left, right=right):
                lhs, rhs = self.expr(left, scope), self.expr(right, scope)
                if op in _NEGATED:
                    return f"(NOT ({lhs} {_NEGATED[op]} {rhs}))"
                return f"({lhs} {_CYPHER_OPS.get(op, op)} {rhs})"
            case ast.IsNull(operand=operand, negated=negated):
                return f"({self.expr(operand, scope)} IS {'NOT ' if negated else ''}NULL)"
        raise AssertionError(expr)  # pragma: no cover

    def call(self, call: ast.Call, scope: _Scope) -> str:
        name = call.name.lower()
        pos = call.pos
        if name in _AGGREGATES:
            if not scope.aggregates:
                fail(
                    f"aggregate function {call.name}() is only supported in MATCH … RETURN and RETURN, "
                    f"not in {scope.what} clauses",
                    pos,
                )
            if call.star:
                if name != "count":
                    fail(f"{call.name}(*) is not a function: only count(*)", pos)
                return "count(*)"
            if len(call.args) != 1:
                fail(f"{call.name}() takes one argument", pos)
            inner = replace(scope, aggregates=False)
            distinct = "DISTINCT " if call.distinct else ""
            (arg,) = call.args
            if (
                name == "count"
                and isinstance(arg, ast.Name)
                and (arg.name in scope.nodes or arg.name in scope.edges)
            ):
                counted = scope.nodes[arg.name].var if arg.name in scope.nodes else scope.edges[arg.name].var
                return f"count({distinct}{counted})"
            return f"{_AGGREGATES[name]}({distinct}{self.expr(arg, inner)})"
        if call.star or call.distinct:
            fail(f"{call.name}() does not take {'*' if call.star else 'DISTINCT'}", pos)
        args = call.args
        if name in ("id", "src", "dst", "rank", "type", "properties"):
            if len(args) != 1:
                fail(f"{call.name}() takes one argument", pos)
            (arg,) = args
            if name == "properties":
                fail(
                    f"properties({ast.ngql_text(arg)}) is a map: pick a property, like properties({ast.ngql_text(arg)}).name",
                    pos,
                )
            if name == "id":
                if self.is_vertex_kw(arg, scope):
                    assert scope.vid is not None
                    return scope.vid
                node = self.vertex_of(arg, scope)
                if node is None:
                    fail(f"id() needs a vertex, not {ast.ngql_text(arg)}", arg.pos)
                return f"{node.var}.vid"
            edge = self.edge_of(arg, scope)
            if edge is None:
                fail(f"{call.name}() needs an edge, not {ast.ngql_text(arg)}", arg.pos)
            self._single(edge, call.name, pos)
            return {"src": self.src, "dst": self.dst, "rank": self.rank, "type": self.type}[name](edge)
        if name in _CASTS:
            if len(args) != 1:
                fail(f"{call.name}() takes one argument", pos)
            return f"CAST({self.expr(args[0], scope)} AS {_CASTS[name]})"
        if name in ("round",):
            if len(args) not in (1, 2):
                fail("round() takes one or two arguments", pos)
            digits = self.expr(args[1], scope) if len(args) == 2 else "0"
            return f"round(CAST({self.expr(args[0], scope)} AS DOUBLE), {digits})"
        if name in ("substr", "substring"):
            if len(args) not in (2, 3):
                fail(f"{call.name}() takes two or three arguments", pos)
            text, start = self.expr(args[0], scope), self.expr(args[1], scope)
            if len(args) == 3:
                return f"substring({text}, ({start}) + 1, {self.expr(args[2], scope)})"
            return f"substring({text}, ({start}) + 1, size({text}))"
        if name in _FUNCTIONS:
            target, arities = _FUNCTIONS[name]
            if len(args) not in arities:
                fail(f"{call.name}() does not take {len(args)} arguments", pos)
            return f"{target}({', '.join(self.expr(a, scope) for a in args)})"
        fail(f"function {call.name}() is not supported", pos)


def _input_column(source: ast.InputCol, inputs: dict[str, str] | None, keyword: str) -> str:
    """The Cypher variable of ``$-.name``: a column of the statement piped into this one."""
    if inputs is None:
        fail(f"$-.{source.name} needs a statement piped into this one ('… | {keyword} …')", source.pos)
    if source.name not in inputs:
        fail(f"$-.{source.name} is not a column of the statement before '|'", source.pos)
    return inputs[source.name]


def _exprs(stmt: ast.LookupStmt) -> Iterator[ast.Expr]:
    yield from walk(ast.Query(stmt))


@depth_guarded
def translate(query: ast.Query | BoundQuery, space: SpaceInfo | None) -> CypherQuery:
    """The Cypher for ``query`` on ``space`` (its schema checks the names the query uses).

    ``space=None`` checks what can be checked without a schema.  Raises
    :class:`~graphmill.query.problems.QueryError` for what the query cannot do.
    """
    tree = query if isinstance(query, ast.Query) else query.query
    return _Translator(space).query(tree)
