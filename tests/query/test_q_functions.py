"""NebulaGraph 3.x built-in functions, CASE and predicates, run on the embedded store.

Every scalar function of :data:`FUNCTIONS` appears in :data:`CASES` with a value worked out
here (by Python, or by hand from NebulaGraph's documentation), so a function that loses its
translation, or translates to the wrong thing, fails a case.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import pytest

from graphmill import errors
from graphmill.query import check_query
from graphmill.query.translate.functions import AGGREGATES, FUNCTIONS
from tests.query.conftest import Data, Run

#: (expression, expected value); None for a value that is checked by a predicate below.
CASES: list[tuple[str, Any]] = [
    # math
    ("abs(-3)", 3),
    ("floor(1.5)", 1.0),
    ("ceil(1.2)", 2.0),
    ("round(3.14159, 2)", 3.14),
    ("sqrt(16)", 4.0),
    ("cbrt(27)", pytest.approx(3.0)),
    ("hypot(3, 4)", 5.0),
    ("pow(2, 10)", 1024.0),
    ("exp(1)", pytest.approx(math.e)),
    ("exp2(3)", 8.0),
    ("log(e())", pytest.approx(1.0)),
    ("log2(8)", 3.0),
    ("log10(1000)", pytest.approx(3.0)),
    ("sin(0.5)", pytest.approx(math.sin(0.5))),
    ("asin(0.5)", pytest.approx(math.asin(0.5))),
    ("cos(0.5)", pytest.approx(math.cos(0.5))),
    ("acos(0.5)", pytest.approx(math.acos(0.5))),
    ("tan(0.5)", pytest.approx(math.tan(0.5))),
    ("atan(0.5)", pytest.approx(math.atan(0.5))),
    ("bit_and(12, 10)", 8),
    ("bit_or(12, 10)", 14),
    ("bit_xor(12, 10)", 6),
    ("sign(-2)", -1),
    ("e()", pytest.approx(math.e)),
    ("pi()", pytest.approx(math.pi)),
    ("radians(180)", pytest.approx(math.pi)),
    # strings
    ('strcasecmp("abc", "ABD")', -1),
    ('strcasecmp("B", "a")', 1),
    ('lower("AbC")', "abc"),
    ('toLower("X")', "x"),
    ('upper("aB")', "AB"),
    ('toUpper("b")', "B"),
    ('length("abcd")', 4),
    ('trim("  a ")', "a"),
    ('ltrim("  a ")', "a "),
    ('rtrim("  a ")', "  a"),
    ('left("abcdef", 2)', "ab"),
    ('right("abcdef", 2)', "ef"),
    ('lpad("ab", 5, "*")', "***ab"),
    ('rpad("ab", 5, "*")', "ab***"),
    ('substr("abcdef", 2, 3)', "cde"),
    ('substring("abcdef", 2)', "cdef"),
    ('replace("abcb", "b", "x")', "axcx"),
    ('split("a,b,c", ",")', ["a", "b", "c"]),
    ('concat("a", "b", "c")', "abc"),
    ('concat_ws("-", "a", "b")', "a-b"),
    ('extract("a1b22", "\\\\d+")', ["1", "22"]),
    ('hash("abc") == hash("abc")', True),
    ('reverse("abc")', "cba"),
    # lists
    ("size([1, 2, 3])", 3),
    ("range(1, 5)", [1, 2, 3, 4, 5]),
    ("range(1, 10, 3)", [1, 4, 7, 10]),
    ("reverse([1, 2, 3])", [3, 2, 1]),
    ("head([7, 8, 9])", 7),
    ("head([])", None),
    ("last([7, 8, 9])", 9),
    ("tail([7, 8, 9])", [8, 9]),
    ("coalesce(NULL, 2)", 2),
    # type conversion
    ("toString(12)", "12"),
    ('toInteger("12")', 12),
    ('toInt("12")', 12),
    ('toFloat("1.5")', 1.5),
    ('toBoolean("true")', True),
    ("size(toSet([1, 1, 2]))", 2),
    # date and time
    ('date("2024-01-02")', dt.date(2024, 1, 2)),
    ("date({year: 2024, month: 1, day: 2})", dt.date(2024, 1, 2)),
    ('date("2024-03-04").month', 3),
    ('datetime("2024-01-02T03:04:05")', dt.datetime(2024, 1, 2, 3, 4, 5)),
    ('datetime("2024-01-02T03:04:05").hour', 3),
    ('time("13:14:15")', "13:14:15"),
    ('timestamp("2024-01-02T03:04:05")', 1704164645),
    ('date("2024-01-02") + duration({days: 1})', dt.date(2024, 1, 3)),
    ("duration({days: 1, hours: 2})", dt.timedelta(days=1, hours=2)),
    # CASE, predicates
    ('CASE WHEN 1 > 0 THEN "y" ELSE "n" END', "y"),
    ('CASE 2 WHEN 1 THEN "one" WHEN 2 THEN "two" END', "two"),
    ("CASE 3 WHEN 1 THEN 1 END", None),
    ("any(x IN [1, 2, 3] WHERE x > 2)", True),
    ("all(x IN [1, 2, 3] WHERE x > 1)", False),
    ("none(x IN [1, 2] WHERE x > 5)", True),
    ('single(x IN ["a", "b\'", "c"] WHERE x == "b\'")', True),
    ("exists(1)", True),
]

#: Values that change from run to run: checked for their kind and range.
VOLATILE: dict[str, Any] = {
    "rand()": lambda v: 0.0 <= v < 1.0,
    "rand32()": lambda v: -(2**31) <= v < 2**31,
    "rand32(10)": lambda v: 0 <= v < 10,
    "rand32(5, 10)": lambda v: 5 <= v < 10,
    "rand64()": lambda v: -(2**63) <= v < 2**63,
    "rand64(100)": lambda v: 0 <= v < 100,
    "now()": lambda v: abs(v - dt.datetime.now(dt.UTC).timestamp()) < 600,
    "timestamp()": lambda v: abs(v - dt.datetime.now(dt.UTC).timestamp()) < 600,
    "date()": lambda v: isinstance(v, dt.date),
    "datetime()": lambda v: isinstance(v, dt.datetime),
    "time()": lambda v: re.fullmatch(r"\d\d:\d\d:\d\d(\.\d+)?", v) is not None,
}


def _called(text: str) -> set[str]:
    return {m.lower() for m in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\(", text)}


def test_every_function_has_a_case() -> None:
    """The cases cover every scalar function the translation knows."""
    covered = set().union(*(_called(e) for e, _ in CASES), *(_called(e) for e in VOLATILE))
    assert set(FUNCTIONS) - covered == set()


@pytest.mark.parametrize(("expr", "expected"), CASES, ids=[e for e, _ in CASES])
def test_function_values(run: Run, expr: str, expected: Any) -> None:
    assert run(f"RETURN {expr} AS v").column("v").to_pylist() == [expected]


@pytest.mark.parametrize("expr", list(VOLATILE))
def test_volatile_functions(run: Run, expr: str) -> None:
    (value,) = run(f"RETURN {expr} AS v").column("v").to_pylist()
    assert VOLATILE[expr](value), value


def test_aggregates_against_the_data(run: Run, data: Data) -> None:
    """avg, std (population), collect_set, count, sum, min, max over the players' ages."""
    ages = [int(p["age"]) for p in data.players.values()]
    mean = sum(ages) / len(ages)
    table = run(
        "MATCH (v:player) RETURN avg(v.player.age) AS a, std(v.player.age) AS s, "
        "size(collect_set(v.player.age)) AS c, count(*) AS n, sum(v.player.age) AS t, "
        "min(v.player.age) AS lo, max(v.player.age) AS hi, size(collect(v.player.age)) AS k;"
    )
    row = table.to_pylist()[0]
    assert row["a"] == pytest.approx(mean)
    assert row["s"] == pytest.approx(math.sqrt(sum((a - mean) ** 2 for a in ages) / len(ages)))
    assert (row["c"], row["n"], row["t"], row["lo"], row["hi"], row["k"]) == (
        len(set(ages)),
        len(ages),
        sum(ages),
        min(ages),
        max(ages),
        len(ages),
    )
    assert set(AGGREGATES) <= {"count", "sum", "avg", "min", "max", "collect", "collect_set", "std"}


def test_case_and_predicates_over_the_graph(run: Run, data: Data) -> None:
    """CASE in GO's YIELD and MATCH's RETURN; a trailing ';' is accepted."""
    follow = {r["dst"]: r["degree"] for r in data.follow if r["src"] == "player100"}
    table = run(
        'GO FROM "player100" OVER follow YIELD dst(edge) AS d, '
        'CASE WHEN properties(edge).degree > 90 THEN "hi" ELSE "lo" END AS lvl;'
    )
    assert dict(zip(table.column("d").to_pylist(), table.column("lvl").to_pylist(), strict=True)) == {
        d: "hi" if deg > 90 else "lo" for d, deg in follow.items()
    }
    old = sum(1 for p in data.players.values() if int(p["age"]) > 40)
    table = run(
        'MATCH (v:player) RETURN CASE WHEN v.player.age > 40 THEN "old" ELSE "young" END AS k, '
        "count(*) AS n ORDER BY k;"
    )
    assert table.to_pylist() == [{"k": "old", "n": old}, {"k": "young", "n": len(data.players) - old}]
    tags = run('FETCH PROP ON player "player100" YIELD tags(vertex) AS t;').column("t").to_pylist()
    assert tags == [["player"]]


@pytest.mark.parametrize(
    ("text", "construct"),
    [
        ('GET SUBGRAPH 2 STEPS FROM "player100" YIELD VERTICES AS v', "GET SUBGRAPH"),
        ('FIND SHORTEST PATH FROM "player100" TO "player101" OVER * YIELD path AS p', "FIND SHORTEST PATH"),
        ('FIND ALL PATH FROM "player100" TO "player101" OVER * YIELD path AS p', "FIND ALL PATH"),
        ('RETURN json_extract("{}") AS j', "json_extract()"),
    ],
)
def test_constructs_not_run_fail_at_run_time_naming_them(run: Run, text: str, construct: str) -> None:
    """check_query reports them (never raising); running fails with TaskFailed naming the construct."""
    problems = check_query(text, [])
    assert any(construct in p for p in problems), problems
    with pytest.raises(errors.TaskFailed, match=re.escape(construct)):
        run(text)


def test_trailing_semicolons_are_accepted(run: Run) -> None:
    assert run("RETURN 1 AS x;").column("x").to_pylist() == [1]
    assert run("RETURN 1 AS x ;  \n").column("x").to_pylist() == [1]
    assert check_query("RETURN 1 AS x;", []) == []


def test_unwind_optional_match_with_and_group_by(run: Run, data: Data) -> None:
    """The clauses Explorer users write most after MATCH and GO, checked against the data."""
    assert run("UNWIND [1, 2, 3] AS x RETURN x * 2 AS y;").column("y").to_pylist() == [2, 4, 6]
    followers: dict[str, int] = {}
    for r in data.follow:
        followers[r["dst"]] = followers.get(r["dst"], 0) + 1
    table = run(
        'MATCH (v:player) WHERE id(v) IN ["player100", "player150"] '
        "OPTIONAL MATCH (v)<-[:follow]-(w) RETURN id(v) AS p, count(w) AS n ORDER BY p"
    )
    assert table.to_pylist() == [{"p": p, "n": followers.get(p, 0)} for p in ("player100", "player150")]
    popular = sorted((n, who) for who, n in followers.items() if n > 5 and who in data.players)
    table = run(
        "MATCH (v:player)-[:follow]->(w:player) WITH w, count(*) AS n WHERE n > 5 "
        "RETURN id(w) AS who, n ORDER BY n, who"
    )
    assert [(r["n"], r["who"]) for r in table.to_pylist()] == popular
    degrees: dict[int, int] = {}
    for r in data.follow:
        if r["src"] == "player100":
            degrees[r["degree"]] = degrees.get(r["degree"], 0) + 1
    table = run(
        'GO FROM "player100" OVER follow YIELD dst(edge) AS d, properties(edge).degree AS deg '
        "| GROUP BY $-.deg YIELD $-.deg AS deg, count(*) AS n | ORDER BY $-.deg"
    )
    assert table.to_pylist() == [{"deg": k, "n": degrees[k]} for k in sorted(degrees)]
