"""nGQL statements and pipes → Cypher clauses: MATCH, GO, FETCH, LOOKUP, RETURN, ORDER BY, LIMIT."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from graphmill.formats.names import backquote as quote
from graphmill.graphstore.model import RANK_PROPERTY
from graphmill.query import ast
from graphmill.query.limits import MAX_GO_STEPS, MAX_PATH_HOPS, check_count
from graphmill.query.problems import fail
from graphmill.query.translate.emit import CypherQuery
from graphmill.query.translate.expressions import Expressions
from graphmill.query.translate.scope import Edge, Node, Scope, is_name
from graphmill.query.walk import walk


class Translator(Expressions):
    """One query's translation; :meth:`query` gives the result."""

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

    def project(self, proj: ast.Projection, scope: Scope) -> None:
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

    def _order_key(self, expr: ast.Expr, proj: ast.Projection, scope: Scope) -> str:
        text = ast.ngql_text(expr)
        for item, (_, var) in zip(proj.items, self.columns, strict=True):
            if (isinstance(expr, ast.Name) and item.alias == expr.name) or item.column == text:
                return var
            if isinstance(expr, ast.InputCol) and item.column == expr.name:
                return var
        return self.expr(expr, replace(scope, aggregates=False))

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
            if isinstance(stage, ast.GroupPipe):
                self.project(stage.yield_, Scope("GROUP BY", inputs=self.flush(), aggregates=True))
            elif isinstance(stage, ast.OrderPipe):
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
                self.project(stmt.ret, Scope("RETURN", aggregates=True))
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
        scope = Scope("MATCH")
        for clause in stmt.clauses:
            match clause:
                case ast.MatchClause():
                    self.match_clause(clause, scope)
                case ast.UnwindClause(expr=expr, var=var):
                    local = self.fresh("u")
                    self.clauses.append(f"UNWIND {self.expr(expr, scope)} AS {local}")
                    self.clauses.extend(scope.pending)
                    scope.pending.clear()
                    scope.locals[var] = local
                case ast.WithClause():
                    scope = self.with_clause(clause, scope)
        scope.aggregates = True
        self.project(stmt.ret, scope)

    def match_clause(self, clause: ast.MatchClause, scope: Scope) -> None:
        texts: list[str] = []
        conditions: list[str] = []
        for pattern in clause.patterns:
            text, conds = self.pattern(pattern, scope)
            texts.append(text)
            conditions.extend(conds)
        if clause.where is not None:
            conditions.append(self.expr(clause.where, scope))
        head = "OPTIONAL MATCH" if clause.optional else "MATCH"
        if scope.pending:
            if clause.optional and conditions:
                fail("OPTIONAL MATCH … WHERE cannot read a property of another tag (v.tag.prop)", clause.pos)
            # The tag rows must be joined before the WHERE that reads them; a WHERE right
            # after an OPTIONAL MATCH would only filter the optional part, hence WITH *.
            self.clauses.append(f"{head} {', '.join(texts)}")
            self.clauses.extend(scope.pending)
            scope.pending.clear()
            if conditions:
                self.clauses.append(f"WITH * WHERE {' AND '.join(conditions)}")
            return
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        self.clauses.append(f"{head} {', '.join(texts)}{where}")

    def with_clause(self, clause: ast.WithClause, scope: Scope) -> Scope:
        """``WITH``: vertices and edges named by an item stay themselves; other items become values."""
        inner = replace(scope, aggregates=True)
        after = Scope("MATCH")
        parts: list[str] = []
        for item in clause.projection.items:
            name = item.alias or ast.ngql_text(item.expr)
            if isinstance(item.expr, ast.Name) and item.expr.name in scope.nodes:
                node = scope.nodes[item.expr.name]
                parts.append(node.var)
                after.nodes[name] = node
            elif isinstance(item.expr, ast.Name) and item.expr.name in scope.edges:
                edge = scope.edges[item.expr.name]
                parts.append(edge.var)
                after.edges[name] = edge
            else:
                var = self.fresh("w")
                parts.append(f"{self.expr(item.expr, inner)} AS {var}")
                after.locals[name] = var
        self.clauses.extend(scope.pending)
        scope.pending.clear()
        text = ("DISTINCT " if clause.projection.distinct else "") + ", ".join(dict.fromkeys(parts))
        proj = clause.projection
        if proj.order:
            keys = (self.expr(o.expr, after) + (" DESC" if o.descending else "") for o in proj.order)
            text += " ORDER BY " + ", ".join(keys)
        if proj.skip is not None:
            text += f" SKIP {self.count(proj.skip, 'SKIP')}"
        if proj.limit is not None:
            text += f" LIMIT {self.count(proj.limit, 'LIMIT')}"
        if clause.where is not None:
            text += f" WHERE {self.expr(clause.where, after)}"
        self.clauses.append(f"WITH {text}")
        return after

    def node(self, pattern: ast.NodePattern, scope: Scope) -> tuple[str, Node, list[str]]:
        if len(pattern.labels) > 1:
            fail("a node pattern with several tags ((v:t1:t2)) is not supported", pattern.pos)
        for label in pattern.labels:
            self.schema.check_tag(label, pattern.pos)
        labels = frozenset(pattern.labels) or None
        node: Node
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
            node = Node(self.fresh("v"), labels)
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

    def pattern(self, pattern: ast.PathPattern, scope: Scope) -> tuple[str, list[str]]:
        text, left, conditions = self.node(pattern.nodes[0], scope)
        singles: list[Edge] = []
        for edge_pat, node_pat in zip(pattern.edges, pattern.nodes[1:], strict=True):
            node_text, right, node_conds = self.node(node_pat, scope)
            for edge_type in edge_pat.types:
                self.schema.check_edge(edge_type, edge_pat.pos)
            if edge_pat.var is not None and (edge_pat.var in scope.edges or edge_pat.var in scope.nodes):
                fail(f"'{edge_pat.var}' is used for two different things in the pattern", edge_pat.pos)
            edge = Edge(
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
                check_count(high, "the length of a variable-length edge", MAX_PATH_HOPS, edge_pat.pos)
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
        seen: set[tuple[str, ast.Scalar]] = set()  # a set: id lists can be long
        for item in source.items:
            if isinstance(item, ast.Placeholder):  # checking an unbound query
                values.append(
                    "" if self.schema.space is None or self.schema.space.vid_type == "string" else 0
                )
                continue
            if not isinstance(item, ast.Const) or item.value is None or isinstance(item.value, bool | float):
                fail("a vertex id must be a string or an integer", item.pos)
            self.check_vid(item.value, item.pos)
            key = (type(item.value).__name__, item.value)
            if key not in seen:
                seen.add(key)
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
        low = self.int_count(stmt.steps[0], "the step count of GO … STEPS", MAX_GO_STEPS)
        high = self.int_count(stmt.steps[1], "the step count of GO … STEPS", MAX_GO_STEPS)
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
        edge = Edge(self.fresh("e"), types, Node(frontier), Node(dst), stmt.direction)
        scope = Scope("GO", inputs=inputs, go_edge=edge)
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
        scope = Scope("FETCH", vid=vid)
        for tag in tags:
            node = Node(self.fresh("v"), frozenset({tag}))
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
        seen: set[tuple[object, ...]] = set()
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
            identity = (type(ends[0]).__name__, ends[0], type(ends[1]).__name__, ends[1], rank)
            if identity not in seen:
                seen.add(identity)
                keys.append(entry)
        k, src, dst = self.fresh("k"), self.fresh("v"), self.fresh("v")
        edge = Edge(self.fresh("e"), (stmt.edge,), Node(src), Node(dst), "out")
        self.clauses.append(f"UNWIND {self.param(keys)} AS {k}")
        self.clauses.append(
            f"MATCH ({src})-[{edge.var}:{quote(stmt.edge)}]->({dst}) WHERE {src}.vid = {k}.src"
            f" AND {dst}.vid = {k}.dst AND {edge.var}.{quote(RANK_PROPERTY)} = {k}.rank"
        )
        self.project(stmt.yield_, Scope("FETCH", the_edge=edge))

    def lookup(self, stmt: ast.LookupStmt) -> None:
        if self.schema.lenient:
            on_edge = any(is_name(e, "edge") for e in _exprs(stmt))
        elif stmt.name in self.schema.tags:
            on_edge = False
        elif stmt.name in self.schema.edges:
            on_edge = True
        else:
            fail(f"there is no tag or edge type '{stmt.name}' in space '{self.schema.name}'", stmt.pos)
        if on_edge:
            src, dst = self.fresh("v"), self.fresh("v")
            edge = Edge(self.fresh("e"), (stmt.name,), Node(src), Node(dst), "out")
            scope = Scope("LOOKUP", the_edge=edge)
            self.clauses.append(f"MATCH ({src})-[{edge.var}:{quote(stmt.name)}]->({dst})")
        else:
            node = Node(self.fresh("v"), frozenset({stmt.name}))
            scope = Scope("LOOKUP", tag_nodes={stmt.name: node}, vid=f"{node.var}.vid")
            self.clauses.append(f"MATCH ({node.var}:{quote(stmt.name)})")
        if stmt.where is not None:
            self.clauses.append(f"WHERE {self.expr(stmt.where, scope)}")
        self.project(stmt.yield_, scope)


def _input_column(source: ast.InputCol, inputs: dict[str, str] | None, keyword: str) -> str:
    """The Cypher variable of ``$-.name``: a column of the statement piped into this one."""
    if inputs is None:
        fail(f"$-.{source.name} needs a statement piped into this one ('… | {keyword} …')", source.pos)
    if source.name not in inputs:
        fail(f"$-.{source.name} is not a column of the statement before '|'", source.pos)
    return inputs[source.name]


def _exprs(stmt: ast.LookupStmt) -> Iterator[ast.Expr]:
    yield from walk(ast.Query(stmt))
