"""Placeholders: declared or not, typed binding, and values that try to escape their literal."""

from __future__ import annotations

import pytest

from graphmill.graphstore import EmbeddedGraphStore
from graphmill.query import QueryError, ast, bind, check_query, parse, placeholders, translate
from tests.query.conftest import SPACE, Data, Run, as_rows, graph_size, rows

INJECTIONS = [
    '" OR 1==1 RETURN',
    '" OR 1==1 RETURN id(v) //',
    "' OR '1'='1",
    '"; MATCH (n) DETACH DELETE n',
    "'; MATCH (n) DETACH DELETE n; //",
    "}) DETACH DELETE n //",
    "}) DETACH DELETE n RETURN 1 AS x //",
    '") | DELETE VERTEX "player100" #',
    'player100" OR "1" == "1',
    "back\\slash\\",
    '\\"; DROP SPACE basketballplayer; //',
    "line\nbreak\r\n; DROP TAG player",
    'quote\'s "double" `back`',
    "Tim Dünçan 🏀 — 中文",
    "${name}",
    "$-.id",
    "*/ DROP SPACE x /*",
    "\x00nul",
    "",
]


# --- declared, undeclared, missing --------------------------------------------------------------


def test_placeholders_are_found_everywhere() -> None:
    """Placeholders in expressions, vertex lists, counts and inside strings are all found."""
    query = parse(
        'GO ${n} STEPS FROM ${start}, "x" OVER follow WHERE $$.player.name == "${who} jr" '
        "YIELD dst(edge) AS d | LIMIT ${k}"
    )
    assert set(placeholders(query)) == {"n", "start", "who", "k"}


def test_undeclared_placeholders_are_problems() -> None:
    """check_query reports each placeholder missing from the declared parameters, with its place."""
    text = 'MATCH (v:player) WHERE v.player.age > ${age} AND v.player.name == "${name}" RETURN id(v)'
    assert check_query(text, ["age", "name"]) == []
    problems = check_query(text, ["age"])
    assert problems == ["parameter ${name} is not declared in the task's parameters (line 1, column 67)"]


def test_missing_value_is_refused() -> None:
    """bind() refuses a placeholder without a value."""
    with pytest.raises(QueryError, match=r"parameter \$\{age\} has no value"):
        bind("MATCH (v:player) WHERE v.player.age > ${age} RETURN id(v)", {})


def test_extra_values_are_ignored() -> None:
    """Values for placeholders the query does not use are ignored."""
    bound = bind("RETURN 1 AS one", {"unused": "x"})
    assert bound.values == {}


def test_placeholder_cannot_be_a_name() -> None:
    """A placeholder is a value: it cannot stand for a tag, an edge type or a property."""
    assert check_query("MATCH (v:${tag}) RETURN id(v)", ["tag"])
    assert check_query('GO FROM "a" OVER ${edge} YIELD dst(edge)', ["edge"])
    assert check_query("MATCH (v) RETURN v.${prop}", ["prop"])


# --- typed binding ------------------------------------------------------------------------------


def test_values_become_typed_literals() -> None:
    """Strings stay strings, numbers numbers, booleans booleans, lists lists."""
    bound = bind(
        "RETURN ${s}, ${i}, ${f}, ${b}, ${l}, ${z}",
        {"s": "7", "i": 7, "f": 0.5, "b": True, "l": [1, 2], "z": None},
    )
    first = bound.query.first
    assert isinstance(first, ast.ReturnStmt)
    assert [i.expr for i in first.ret.items] == [
        ast.Const("7"),
        ast.Const(7),
        ast.Const(0.5),
        ast.Const(True),
        ast.ListExpr((ast.Const(1), ast.Const(2))),
        ast.Const(None),
    ]


def test_typed_values_run(run: Run) -> None:
    """A string "7" and a number 7 stay different values in the result."""
    table = run("RETURN ${s} AS s, ${i} + 1 AS i, ${f} * 2 AS f, NOT ${b} AS b", s="7", i=7, f=0.25, b=True)
    assert table.to_pylist() == [{"s": "7", "i": 8, "f": 0.5, "b": False}]


def test_large_integers_do_not_overflow(run: Run) -> None:
    """Small integer parameters are not narrowed (LadybugDB would type 100 as INT8)."""
    assert run("RETURN ${a} + ${b} AS s", a=100, b=100).to_pylist() == [{"s": 200}]


def test_list_value_for_in(run: Run, data: Data) -> None:
    """IN ${list} takes a list value."""
    table = run("MATCH (v:player) WHERE v.player.age IN ${ages} RETURN id(v)", ages=[42, 36])
    assert rows(table) == as_rows(v for v, p in data.players.items() if p["age"] in (42, 36))


def test_list_value_for_vertex_ids(run: Run, data: Data) -> None:
    """A list value in a vertex id list is that many ids; duplicates count once."""
    table = run(
        'GO FROM ${ids}, "player101" OVER follow YIELD src(edge), dst(edge)', ids=["player100", "player101"]
    )
    expected = as_rows((e["src"], e["dst"]) for e in data.follow if e["src"] in ("player100", "player101"))
    assert rows(table) == expected


def test_empty_list_of_vertex_ids(run: Run) -> None:
    """An empty id list (an upstream task with no rows) gives no rows."""
    assert run("GO FROM ${ids} OVER follow YIELD dst(edge) AS d", ids=[]).num_rows == 0
    assert run("FETCH PROP ON player ${ids} YIELD id(vertex) AS id", ids=[]).num_rows == 0


def test_placeholder_inside_a_string(run: Run, data: Data) -> None:
    """ "${name}" written inside quotes is replaced inside the string's value."""
    table = run('LOOKUP ON player WHERE player.name == "${first} Duncan" YIELD id(vertex) AS id', first="Tim")
    assert table.column("id").to_pylist() == ["player100"]


def test_counts(run: Run) -> None:
    """Steps, SKIP and LIMIT take whole numbers (also written as digit strings)."""
    table = run(
        'GO ${n} STEPS FROM "player100" OVER follow YIELD DISTINCT dst(edge) AS d | LIMIT ${k}', n=2, k="1"
    )
    assert table.num_rows == 1
    with pytest.raises(QueryError, match=r"\$\{k\} is used as a count"):
        bind("RETURN 1 AS x | LIMIT ${k}", {"k": "1; DROP SPACE x"})
    with pytest.raises(QueryError, match="must be a whole number"):
        bind("MATCH (v) RETURN id(v) LIMIT ${k}", {"k": -1})
    with pytest.raises(QueryError, match="must be a whole number"):
        bind('GO ${n} STEPS FROM "a" OVER follow YIELD dst(edge)', {"n": 1.5})


@pytest.mark.parametrize("value", [{"a": 1}, [[1]], object(), float("nan"), 2**70])
def test_unsupported_values_are_refused(value: object) -> None:
    """Maps, nested lists, other objects, NaN and integers beyond 64 bits are refused."""
    with pytest.raises(QueryError, match=r"\$\{x\}"):
        bind("RETURN ${x}", {"x": value})


def test_list_inside_a_string_is_refused() -> None:
    """A list value cannot be written inside a string literal."""
    with pytest.raises(QueryError, match="holds a list"):
        bind('RETURN "a ${x}"', {"x": [1]})


def test_wrong_vertex_id_type(store: EmbeddedGraphStore) -> None:
    """An integer vertex id on a string-vid space is refused before running."""
    bound = bind("GO FROM ${id} OVER follow YIELD dst(edge)", {"id": 100})
    with pytest.raises(QueryError, match="string vertex ids"):
        translate(bound, store.get_space(SPACE))


# --- injection ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_stays_one_string(run: Run, store: EmbeddedGraphStore, value: str) -> None:
    """A hostile value comes back unchanged as one string, matches nothing, and changes nothing."""
    before = graph_size(store)
    assert run("RETURN ${v} AS v", v=value).to_pylist() == [{"v": value}]
    assert run('RETURN "${v}" AS v', v=value).to_pylist() == [{"v": value}]
    table = run("MATCH (v:player) WHERE v.player.name == ${v} RETURN id(v) AS id", v=value)
    assert table.num_rows == 0
    table = run('LOOKUP ON player WHERE player.name == "${v}" YIELD id(vertex) AS id', v=value)
    assert table.num_rows == 0
    assert run("GO FROM ${v} OVER follow YIELD dst(edge) AS d", v=value).num_rows == 0
    assert run("FETCH PROP ON player ${v}, ${v} YIELD id(vertex) AS id", v=[value]).num_rows == 0
    assert run("MATCH (v:player {name: ${v}}) RETURN id(v) AS id", v=value).num_rows == 0
    assert graph_size(store) == before


@pytest.mark.parametrize("value", INJECTIONS)
def test_injected_value_never_reaches_the_cypher_text(store: EmbeddedGraphStore, value: str) -> None:
    """The translated Cypher holds only $p parameters; the value is in the parameters, intact."""
    bound = bind(
        'MATCH (v:player) WHERE v.player.name == ${v} OR v.player.name == "x${v}" RETURN id(v)', {"v": value}
    )
    cypher = translate(bound, store.get_space(SPACE))
    if len(value) > 2:
        assert value not in cypher.text
    assert ";" not in cypher.text
    assert value in cypher.parameters.values()
    assert "x" + value in cypher.parameters.values()


def test_placeholder_syntax_in_a_value_is_not_expanded() -> None:
    """A value containing '${other}' is not substituted again."""
    bound = bind('RETURN ${a} AS a, "${a}" AS b', {"a": "${b}", "b": "boom"})
    first = bound.query.first
    assert isinstance(first, ast.ReturnStmt)
    assert [i.expr for i in first.ret.items] == [ast.Const("${b}"), ast.Const("${b}")]


def test_injection_in_a_real_match(run: Run) -> None:
    """The classic '" OR 1==1' finds nothing instead of every player."""
    table = run("LOOKUP ON player WHERE player.name == ${n} YIELD id(vertex) AS id", n='" OR 1==1 OR "')
    assert table.num_rows == 0
    assert (
        run("LOOKUP ON player WHERE player.name == ${n} YIELD id(vertex) AS id", n="Tim Duncan").num_rows == 1
    )


def test_graph_is_unchanged_after_all_injections(run: Run, store: EmbeddedGraphStore, data: Data) -> None:
    """After every hostile value, the graph still holds every vertex and edge of the CSV files."""
    for value in INJECTIONS:
        run("MATCH (v) WHERE id(v) == ${v} OR properties(v).name == ${v} RETURN id(v) AS id", v=value)
    size = graph_size(store)
    assert size["nodes"] == len(data.players) + len(data.teams)
    assert size["edges"] == len(data.follow) + len(data.serve)
    assert size["player100"] == 1


def test_placeholder_names_may_be_any_text() -> None:
    """Explorer users name parameters with CJK, quotes, spaces and keywords: ${…} takes them all."""
    bound = bind(
        'GO FROM ${起点} OVER follow WHERE properties(edge).degree > ${it\'s} YIELD dst(edge) AS d, "${日 期}" AS t',
        {"起点": "player100", "it's": 90, "日 期": "2024-01-02"},
    )
    assert translate(bound, None).parameters == {"p0": ["player100"], "p1": 90, "p2": "2024-01-02"}
    assert placeholders(parse("RETURN ${MATCH} AS x")) == {"MATCH": ast.Pos(1, 8)}
