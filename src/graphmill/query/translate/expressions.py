"""nGQL expressions → Cypher: properties, names, operators and function calls."""

from __future__ import annotations

from dataclasses import replace

from graphmill.formats.names import backquote as quote
from graphmill.graphstore.model import RANK_PROPERTY
from graphmill.query import ast
from graphmill.query.problems import fail
from graphmill.query.translate.emit import Emitter
from graphmill.query.translate.functions import AGGREGATES, DATE_FIELDS, DURATION_UNITS, scalar
from graphmill.query.translate.scope import Edge, Node, Scope, is_name

_CYPHER_OPS = {"==": "=", "!=": "<>"}
_NEGATED = {
    "NOT IN": "IN",
    "NOT STARTS WITH": "STARTS WITH",
    "NOT ENDS WITH": "ENDS WITH",
    "NOT CONTAINS": "CONTAINS",
}


#: Functions whose result is a list (for ``reverse()``, which reverses strings too).
_LIST_FUNCTIONS = frozenset(
    {
        "range",
        "split",
        "collect",
        "collect_set",
        "tail",
        "toset",
        "extract",
        "tags",
        "labels",
        "reverse",
        "keys",
    }
)


def _is_list(expr: ast.Expr) -> bool:
    if isinstance(expr, ast.ListExpr):
        return True
    return isinstance(expr, ast.Call) and expr.name.lower() in _LIST_FUNCTIONS


class Expressions(Emitter):
    """Translates expressions in a :class:`Scope`."""

    # -- properties -----------------------------------------------------------------------
    def node_prop(
        self, node: Node, prop: str, tag: str | None, pos: ast.Pos, scope: Scope | None = None
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

    def _tag_row(self, node: Node, tag: str, scope: Scope) -> str:
        """The variable of ``node``'s row in ``tag``'s table, joined by vid (NULL where it has no such tag)."""
        key = (node.var, tag)
        if key not in scope.joins:
            var = self.fresh("t")
            scope.joins[key] = var
            scope.pending.append(f"OPTIONAL MATCH ({var}:{quote(tag)} {{vid: {node.var}.vid}})")
        return scope.joins[key]

    def edge_prop(self, edge: Edge, prop: str, edge_type: str | None, pos: ast.Pos) -> str:
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

    def _single(self, edge: Edge, what: str, pos: ast.Pos) -> None:
        if edge.var_length:
            fail(f"{what}() of a variable-length edge (a list of edges) is not supported", pos)

    def src(self, edge: Edge) -> str:
        return self._end(edge, source=True)

    def dst(self, edge: Edge) -> str:
        return self._end(edge, source=False)

    def _end(self, edge: Edge, *, source: bool) -> str:
        """The vid of an edge's source (or destination) node, whichever way the pattern points."""
        tail, head = (
            (edge.right.var, edge.left.var) if edge.direction == "in" else (edge.left.var, edge.right.var)
        )
        this, other = (tail, head) if source else (head, tail)
        if edge.direction in ("out", "in"):
            return f"{this}.vid"
        # Undirected: the stored edge says which end it started from.
        forward = f"struct_extract({edge.var}, '_SRC') = id({edge.left.var})"
        return f"CASE WHEN {forward} THEN {this}.vid ELSE {other}.vid END"

    def rank(self, edge: Edge) -> str:
        return f"{edge.var}.{quote(RANK_PROPERTY)}"

    def type(self, edge: Edge) -> str:
        return f"label({edge.var})"

    # -- resolving names ------------------------------------------------------------------
    def vertex_of(self, expr: ast.Expr, scope: Scope) -> Node | None:
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

    def edge_of(self, expr: ast.Expr, scope: Scope) -> Edge | None:
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

    def is_vertex_kw(self, expr: ast.Expr, scope: Scope) -> bool:
        return is_name(expr, "vertex") and scope.vid is not None

    def vertex_props(self, prop: str, scope: Scope, pos: ast.Pos) -> str:
        """``properties(vertex).prop`` in FETCH / LOOKUP: the first fetched tag that has it."""
        having = [n for t, n in scope.tag_nodes.items() if self.schema.tag_has(t, prop)]
        if not having:
            return "NULL"
        parts = [f"{n.var}.{quote(prop)}" for n in having]
        return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"

    def attr(self, expr: ast.Attr, scope: Scope) -> str:
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
        if prop.lower() in DATE_FIELDS and not isinstance(base, ast.Name | ast.SrcRef | ast.DstRef):
            return f"date_part('{DATE_FIELDS[prop.lower()]}', {self.expr(base, scope)})"
        fail(f"unsupported property reference {ast.ngql_text(expr)}", pos)

    # -- expressions ----------------------------------------------------------------------
    def expr(self, expr: ast.Expr, scope: Scope) -> str:
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
            case ast.Name(name=name) if name in scope.locals:
                return scope.locals[name]
            case ast.Name(name=name):
                what = (
                    "vertex"
                    if name in scope.nodes or is_name(expr, "vertex")
                    else "edge"
                    if name in scope.edges or is_name(expr, "edge")
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
        return self.compound(expr, scope)

    def compound(self, expr: ast.Expr, scope: Scope) -> str:
        """Operators, CASE, maps and predicates."""
        match expr:
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
            case ast.Case(subject=subject, whens=whens, default=default):
                text = "CASE" + (f" {self.expr(subject, scope)}" if subject is not None else "")
                for when, then in whens:
                    text += f" WHEN {self.expr(when, scope)} THEN {self.expr(then, scope)}"
                if default is not None:
                    text += f" ELSE {self.expr(default, scope)}"
                return f"({text} END)"
            case ast.MapExpr(items=items):
                return "{" + ", ".join(f"{quote(k)}: {self.expr(v, scope)}" for k, v in items) + "}"
            case ast.Predicate(kind=kind, var=var, source=source, condition=condition):
                local = self.fresh("x")
                inner = replace(scope, locals={**scope.locals, var: local})
                self.inline += 1
                try:
                    where = self.expr(condition, inner)
                finally:
                    self.inline -= 1
                return f"{kind}({local} IN {self.expr(source, scope)} WHERE {where})"
        raise AssertionError(expr)  # pragma: no cover

    def call(self, call: ast.Call, scope: Scope) -> str:
        name = call.name.lower()
        if name in AGGREGATES:
            return self.aggregate(call, scope)
        if call.star or call.distinct:
            fail(f"{call.name}() does not take {'*' if call.star else 'DISTINCT'}", call.pos)
        if name in ("id", "src", "dst", "rank", "type", "properties", "tags", "labels"):
            return self.schema_call(call, scope)
        if name == "exists":
            if len(call.args) != 1:
                fail("exists() takes one argument", call.pos)
            return f"({self.expr(call.args[0], scope)} IS NOT NULL)"
        if name == "duration":
            return self.duration(call, scope)
        if name == "reverse" and len(call.args) == 1:
            # Strings and lists reverse by different LadybugDB functions: tell them by the argument.
            arg = self.expr(call.args[0], scope)
            return f"list_reverse({arg})" if _is_list(call.args[0]) else f"reverse({arg})"
        if name == "date" and len(call.args) == 1 and isinstance(call.args[0], ast.MapExpr):
            parts = dict(call.args[0].items)
            if set(parts) != {"year", "month", "day"}:
                fail("date({…}) takes year, month and day", call.pos)
            y, m, d = (self.expr(parts[k], scope) for k in ("year", "month", "day"))
            return f"make_date({y}, {m}, {d})"
        function = scalar(call)
        return function.render([self.expr(a, scope) for a in call.args])

    def aggregate(self, call: ast.Call, scope: Scope) -> str:
        name, pos = call.name.lower(), call.pos
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
        return AGGREGATES[name](f"{distinct}{self.expr(arg, inner)}")

    def schema_call(self, call: ast.Call, scope: Scope) -> str:
        """``id()``, ``src()``, ``dst()``, ``rank()``, ``type()``, ``tags()`` of a vertex or an edge."""
        name, pos, args = call.name.lower(), call.pos, call.args
        if len(args) != 1:
            fail(f"{call.name}() takes one argument", pos)
        (arg,) = args
        if name == "properties":
            fail(
                f"properties({ast.ngql_text(arg)}) is a map: pick a property, like properties({ast.ngql_text(arg)}).name",
                pos,
            )
        if name in ("id", "tags", "labels"):
            if self.is_vertex_kw(arg, scope):
                assert scope.vid is not None
                if name == "id":
                    return scope.vid
                return "[" + ", ".join(self.param(t) for t in scope.tag_nodes) + "]"
            node = self.vertex_of(arg, scope)
            if node is None:
                fail(f"{call.name}() needs a vertex, not {ast.ngql_text(arg)}", arg.pos)
            return f"{node.var}.vid" if name == "id" else f"[label({node.var})]"
        edge = self.edge_of(arg, scope)
        if edge is None:
            fail(f"{call.name}() needs an edge, not {ast.ngql_text(arg)}", arg.pos)
        self._single(edge, call.name, pos)
        return {"src": self.src, "dst": self.dst, "rank": self.rank, "type": self.type}[name](edge)

    def duration(self, call: ast.Call, scope: Scope) -> str:
        """``duration({days: 1, hours: 2})``: a LadybugDB interval."""
        if len(call.args) != 1 or not isinstance(call.args[0], ast.MapExpr) or not call.args[0].items:
            fail("duration() takes a map like {days: 1, hours: 2}", call.pos)
        parts = []
        for key, value in call.args[0].items:
            unit = DURATION_UNITS.get(key.lower())
            if unit is None:
                fail(f"duration() has no unit '{key}' (use {', '.join(DURATION_UNITS)})", value.pos)
            amount = self.expr(value, scope)
            parts.append(f"{unit}(CAST({amount} AS INT64){' * 7' if key.lower() == 'weeks' else ''})")
        return "(" + " + ".join(parts) + ")"
