"""The nGQL grammar: what parses, and how refused statements and syntax errors are reported."""

from __future__ import annotations

import pytest

from graphmill import errors
from graphmill.graphstore import EmbeddedGraphStore
from graphmill.query import QueryError, ast, check_query, parse
from tests.query.conftest import SPACE

# --- what parses ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "MATCH (v) RETURN id(v)",
        "match (v:player) return id(v) as id",
        'MATCH (v:player{name:"Tim Duncan"})-[e]->(w) RETURN e.degree',
        "MATCH (a)<-[e:follow]-(b) RETURN src(e)",
        "MATCH (a)-[e:follow|serve]-(b) RETURN type(e)",
        "MATCH (a)-[:follow|:serve]->(b) RETURN id(b)",
        "MATCH (a)-->(b)<--(c)--(d) RETURN id(d)",
        "MATCH (a)-[e:follow*1..3]->(b) RETURN id(b)",
        "MATCH (a)-[e:follow*2]->(b) RETURN id(b)",
        "MATCH (a)-[e:follow*..2]->(b) RETURN id(b)",
        "MATCH (v:player) WHERE v.player.age >= 30 AND v.player.age <> 33 RETURN DISTINCT v.player.age "
        "ORDER BY v.player.age DESC SKIP 1 LIMIT 2",
        "MATCH (v:player) WHERE v.player.name IS NOT NULL OR NOT v.player.age IN [1, 2] RETURN count(*)",
        "MATCH (v:player) WHERE v.player.name NOT STARTS WITH 'a' RETURN count(DISTINCT v.player.age)",
        'GO FROM "player100" OVER follow YIELD dst(edge)',
        'GO 2 STEPS FROM "player100", "player101" OVER follow, serve REVERSELY YIELD DISTINCT src(edge)',
        'GO 1 TO 3 STEP FROM "a" OVER * BIDIRECT WHERE properties(edge).degree > 1 YIELD edge.degree AS d',
        'GO FROM "a" OVER follow YIELD $$.player.name, $^.player.age, properties($$).name, id($$)',
        'GO FROM "a" OVER follow YIELD dst(edge) AS d | ORDER BY $-.d ASC | LIMIT 1, 2',
        'GO FROM "a" OVER follow YIELD dst(edge) AS d | GO FROM $-.d OVER follow YIELD $-.d, dst(edge)',
        "GO FROM 100, -5 OVER follow YIELD dst(edge)",
        'FETCH PROP ON player "a", "b" YIELD properties(vertex).name',
        'FETCH PROP ON player, team "a" YIELD player.name',
        'FETCH PROP ON * "a" YIELD id(vertex)',
        'FETCH PROP ON serve "a"->"b"@1, "c"->"d" YIELD serve.start_year',
        "LOOKUP ON player YIELD id(vertex)",
        'LOOKUP ON player WHERE player.name == "x" AND player.age > 1 OR player.age < 0 YIELD id(vertex)',
        "RETURN 1+1 AS two, \"x\" AS s, 'y', true, false, null, 1.5, 0x1F, [1, 2]",
        "RETURN 1;",
        "RETURN 1 ;  ",
        "RETURN 1 # a comment\n",
        "RETURN /* a comment */ 1 // another",
        "MATCH (`my var`:`player`) RETURN `my var`.player.name",
        "MATCH (v) WHERE id(v) == ${id} RETURN id(v) LIMIT ${n}",
    ],
)
def test_supported_forms_parse(text: str) -> None:
    """Each supported form parses and passes the schema-free checks."""
    assert check_query(text, ["id", "n"]) == []


def test_match_tree() -> None:
    """The syntax tree of a MATCH holds patterns, directions, hop ranges and items."""
    query = parse("MATCH (v:player)<-[e:follow*1..3]-(w) WHERE id(v) == 'x' RETURN id(w) AS w")
    stmt = query.first
    assert isinstance(stmt, ast.MatchStmt)
    clause = stmt.clauses[0]
    assert isinstance(clause, ast.MatchClause)
    (pattern,) = clause.patterns
    assert [n.var for n in pattern.nodes] == ["v", "w"]
    assert pattern.nodes[0].labels == ("player",)
    (edge,) = pattern.edges
    assert (edge.var, edge.types, edge.direction, edge.hops) == ("e", ("follow",), "in", (1, 3))
    assert stmt.ret.items[0].column == "w"


def test_go_tree() -> None:
    """GO's steps, vertex ids, OVER list, direction and pipes land in the tree."""
    query = parse('GO 1 TO 2 STEPS FROM "a", "b" OVER follow BIDIRECT YIELD dst(edge) AS d | LIMIT 3')
    stmt = query.first
    assert isinstance(stmt, ast.GoStmt)
    assert stmt.steps == (ast.Const(1), ast.Const(2))
    assert isinstance(stmt.source, ast.VidList)
    assert [i for i in stmt.source.items] == [ast.Const("a"), ast.Const("b")]
    assert (stmt.over, stmt.direction) == (("follow",), "both")
    assert query.pipes == (ast.LimitPipe(None, ast.Const(3)),)


def test_string_escapes() -> None:
    """String literals use NebulaGraph's escapes, in single or double quotes."""
    query = parse(r"""RETURN "a\"b\\c\n\t\101", 'it\'s' """)
    assert isinstance(query.first, ast.ReturnStmt)
    values = [item.expr for item in query.first.ret.items]
    assert values == [ast.Const('a"b\\c\n\tA'), ast.Const("it's")]


def test_keywords_are_case_insensitive_and_names_need_not_be_keywords() -> None:
    """Keywords in any case; a property called like a keyword is still a property."""
    query = parse("match (v:player) where v.player.order > 1 RETURN v.player.limit")
    assert isinstance(query.first, ast.MatchStmt)


def test_negative_literals_are_folded() -> None:
    """-2 is one literal (and prints as NebulaGraph prints it)."""
    query = parse("RETURN -2, -(1+1)")
    assert isinstance(query.first, ast.ReturnStmt)
    assert [i.column for i in query.first.ret.items] == ["-2", "-((1+1))"]


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "construct"),
    [
        ('INSERT VERTEX player(name, age) VALUES "p":("x", 1)', "INSERT"),
        ('INSERT EDGE follow(degree) VALUES "a"->"b":(1)', "INSERT"),
        ('UPDATE VERTEX ON player "player100" SET age = 1', "UPDATE"),
        ('UPSERT EDGE ON follow "a"->"b" SET degree = 1', "UPSERT"),
        ('DELETE VERTEX "player100" WITH EDGE', "DELETE"),
        ('DELETE EDGE follow "a"->"b"', "DELETE"),
        ("DROP SPACE basketballplayer", "DROP"),
        ("DROP TAG player", "DROP"),
        ("CREATE TAG t(a int)", "CREATE"),
        ("CREATE SPACE s(vid_type=int64)", "CREATE"),
        ("ALTER TAG player ADD (x int)", "ALTER"),
        ("CLEAR SPACE basketballplayer", "CLEAR"),
        ("REBUILD TAG INDEX player_index_0", "REBUILD"),
        ("SUBMIT JOB STATS", "SUBMIT JOB"),
        ("MERGE (n:player {vid: 'x'})", "MERGE"),
        ("DETACH DELETE n", "DETACH DELETE"),
        ("GRANT ROLE ADMIN ON s TO u", "GRANT"),
        ("KILL QUERY (plan=1)", "KILL"),
    ],
)
def test_writes_are_refused(text: str, construct: str) -> None:
    """Every write statement kind is refused, named, as read-only."""
    problems = check_query(text, [])
    assert len(problems) == 1
    assert problems[0].startswith(construct)
    assert "read-only" in problems[0]
    assert "line 1, column 1" in problems[0]


def test_insert_message() -> None:
    """The message says what INSERT does and why it is refused."""
    (problem,) = check_query('INSERT VERTEX player(name) VALUES "p":("x")', [])
    assert (
        problem
        == "INSERT VERTEX statements modify the graph; a query component is read-only (line 1, column 1)"
    )


@pytest.mark.parametrize(
    ("text", "construct"),
    [
        ('GET SUBGRAPH WITH PROP 2 STEPS FROM "player100" YIELD VERTICES AS v', "GET SUBGRAPH"),
        ('FIND SHORTEST PATH FROM "player100" TO "team204" OVER * YIELD path AS p', "FIND SHORTEST PATH"),
        ('FIND ALL PATH FROM "a" TO "b" OVER follow YIELD path AS p', "FIND ALL PATH"),
        ("SHOW SPACES", "SHOW"),
        ("SHOW TAGS", "SHOW"),
        ("USE basketballplayer", "USE"),
        ("DESCRIBE TAG player", "DESCRIBE"),
        ("EXPLAIN MATCH (v) RETURN v", "EXPLAIN"),
        ("PROFILE MATCH (v) RETURN v", "PROFILE"),
        ("YIELD 1 AS x", "YIELD"),
    ],
)
def test_unsupported_statements_are_named(text: str, construct: str) -> None:
    """Read statements graphmill does not run are refused by name and position."""
    (problem,) = check_query(text, [])
    assert problem.startswith(construct)
    assert "is not supported" in problem
    assert "(line 1, column 1)" in problem


def test_two_statements_are_refused() -> None:
    """A second statement after ';' is refused, with where it starts."""
    (problem,) = check_query('GO FROM "a" OVER follow YIELD dst(edge);\nRETURN 1', [])
    assert "single statement" in problem
    assert "line 2, column 1" in problem


def test_statement_then_text_is_refused() -> None:
    """';' followed by anything but blanks and comments is refused."""
    assert check_query("RETURN 1; x", [])
    assert check_query("RETURN 1; ;", []) == []
    assert check_query("RETURN 1; # done\n", []) == []


def test_second_write_statement_is_refused_as_a_write() -> None:
    """'…; MATCH (n) DETACH DELETE n' is refused as a second statement that writes."""
    (problem,) = check_query("MATCH (n) RETURN id(n); MATCH (n) DETACH DELETE n", [])
    assert "second one" in problem
    (problem,) = check_query("RETURN 1; DROP SPACE basketballplayer", [])
    assert "DROP SPACE statements change the database" in problem


def test_semicolon_inside_a_string_is_not_a_separator() -> None:
    """A ';' or '|' inside a string literal is text."""
    assert (
        check_query('MATCH (v:player) WHERE v.player.name == "a; DROP SPACE x | DELETE" RETURN id(v)', [])
        == []
    )


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            'GO FROM "a" OVER follow YIELD dst(edge) AS id | DELETE VERTEX $-.id',
            "DELETE VERTEX statements modify",
        ),
        ('GO FROM "a" OVER follow YIELD dst(edge) AS id | INSERT VERTEX t() VALUES "x":()', "INSERT VERTEX"),
        ('GO FROM "a" OVER follow YIELD dst(edge) AS id | YIELD $-.id', "piping into YIELD"),
        ('GO FROM "a" OVER follow YIELD dst(edge) AS id |', "no statement after it"),
    ],
)
def test_pipes_into_unsupported_stages(text: str, fragment: str) -> None:
    """A pipe may only lead to GO, FETCH, GROUP BY, ORDER BY or LIMIT; a pipe into a write is refused as a write."""
    problems = check_query(text, [])
    assert any(fragment in p for p in problems), problems


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("MATCH (v) RETURN id(v) UNION MATCH (v) RETURN id(v)", "UNION is not supported"),
        ("MATCH (v:player) RETURN v", "returning a whole vertex (v)"),
        ("MATCH (v)-[e]->() RETURN e", "returning a whole edge (e)"),
        ("MATCH (v:player) RETURN *", "'*' as a column list"),
        ("MATCH (v)-[e*]->(w) RETURN id(w)", "needs an upper bound"),
        ("MATCH (v)-[e*2..]->(w) RETURN id(w)", "needs an upper bound"),
        ("MATCH (v:player:team) RETURN id(v)", "several tags"),
        ("MATCH (v:player) RETURN id(v), id(v)", "duplicate column name 'id(v)'"),
        ("MATCH (v) RETURN foo(v)", "function foo() is not supported"),
        ("MATCH (v) WHERE count(*) > 1 RETURN id(v)", "aggregate function count()"),
        ('GO FROM "a" OVER follow YIELD count(*)', "aggregate function count()"),
        ("GO FROM $-.id OVER follow YIELD dst(edge)", "$-.id needs a statement piped into this one"),
        ('GO FROM "a" OVER follow YIELD $-.x', "$-.x needs a statement piped"),
        ('GO FROM "a" OVER follow YIELD dst(edge) AS d | ORDER BY $-.e', "$-.e is not a column"),
        ('GO FROM "a" OVER follow YIELD $$', "$$ alone is a whole vertex"),
        ("$a = RETURN 1", "assigning to a variable"),
        ("MATCH (v) WHERE id(v) == $a RETURN id(v)", "user variables ($a)"),
        ('GO 3 TO 2 STEPS FROM "a" OVER follow YIELD dst(edge)', "larger than the second"),
        ("RETURN vertex", "returning a whole vertex"),
        ("RETURN x", "'x' is not defined"),
        ("RETURN src(edge)", "'edge' is only meaningful"),
        ("MATCH (v)-[e:follow*1..2]->(w) RETURN e.degree", "variable-length edge"),
        ('FETCH PROP ON follow "a"->"b", "c" YIELD src(edge)', "either vertex ids or edges"),
        ('FETCH PROP ON follow, serve "a"->"b" YIELD src(edge)', "exactly one edge type"),
    ],
)
def test_unsupported_constructs_are_named(text: str, fragment: str) -> None:
    """Constructs outside the subset are refused with a message that names them."""
    problems = check_query(text, [])
    assert any(fragment in p for p in problems), problems


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("MATCH (v RETURN id(v)", "syntax error: unexpected 'RETURN' (line 1, column 10)"),
        ("RETURN 1 +", "the query ends too early"),
        ('RETURN "abc', "unterminated string (line 1, column 8)"),
        ("RETURN 1 /* open", "unterminated comment"),
        ("RETURN 1 ?", "unexpected character '?' (line 1, column 10)"),
        ("GO FROM OVER follow YIELD dst(edge)", "unexpected 'OVER'"),
        ("MATCH (v)\n  RETURN id(v) AS", "the query ends too early"),
        ("MATCH (v)\nWHERE id(v) = = 1 RETURN id(v)", "(line 2, column 15)"),
        ("", "the query is empty"),
        ("  -- ", "syntax error"),
        ("; RETURN 1", "starts with ';'"),
    ],
)
def test_syntax_errors_say_where(text: str, fragment: str) -> None:
    """A syntax error names the line and column and what was found."""
    problems = check_query(text, [])
    assert any(fragment in p for p in problems), problems


def test_parse_raises_query_error() -> None:
    """parse() raises QueryError, a ParamError carrying the problems."""
    with pytest.raises(QueryError) as caught:
        parse("DROP SPACE x")
    assert isinstance(caught.value, errors.ParamError)
    assert caught.value.problems == [str(caught.value)]


# --- schema checks ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("MATCH (v:nosuch) RETURN id(v)", "tag 'nosuch' does not exist in space 'basketballplayer'"),
        ("MATCH (v:player) RETURN v.player.nosuch", "tag 'player' has no property 'nosuch'"),
        ("MATCH (v) RETURN v.nosuch.name", "tag 'nosuch' does not exist"),
        ("MATCH (v)-[e:likes]->(w) RETURN id(w)", "edge type 'likes' does not exist"),
        ('GO FROM "player100" OVER likes YIELD dst(edge)', "edge type 'likes' does not exist"),
        ('GO FROM "player100" OVER follow YIELD serve.start_year', "edge type 'serve' is not in OVER"),
        (
            'GO FROM "player100" OVER follow YIELD follow.nosuch',
            "edge type 'follow' has no property 'nosuch'",
        ),
        ('FETCH PROP ON nosuch "a" YIELD id(vertex)', "tag 'nosuch' does not exist"),
        ('FETCH PROP ON player "a" YIELD team.name', "'team' is not a tag of this statement"),
        ("FETCH PROP ON player 100 YIELD id(vertex)", "space 'basketballplayer' has string vertex ids"),
        ("LOOKUP ON nosuch YIELD id(vertex)", "there is no tag or edge type 'nosuch'"),
        (
            "LOOKUP ON player WHERE player.nosuch > 1 YIELD id(vertex)",
            "tag 'player' has no property 'nosuch'",
        ),
        ('FETCH PROP ON serve "a"->"b" YIELD follow.degree', "'follow' is not the edge type"),
    ],
)
def test_schema_problems_with_a_space(store: EmbeddedGraphStore, text: str, fragment: str) -> None:
    """Given the space, check_query also reports unknown tags, edge types and properties."""
    problems = check_query(text, [], space=store.get_space(SPACE))
    assert any(fragment in p for p in problems), problems
    if "vertex ids" not in fragment:
        assert check_query(text, []) == []  # the text alone cannot tell
