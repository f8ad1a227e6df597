"""GO, FETCH, LOOKUP, MATCH and RETURN on basketballplayer, checked against the CSV files read directly."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.query.conftest import Data, Run, as_rows, rows


def out_edges(data: Data, edge_type: str, sources: set[str]) -> list[dict[str, Any]]:
    return [e for e in data.edges(edge_type) if e["src"] in sources]


def frontier_after(data: Data, edge_type: str, start: set[str], hops: int) -> set[str]:
    """NebulaGraph's GO frontier: the distinct vertices reached after ``hops`` steps."""
    frontier = set(start)
    for _ in range(hops):
        frontier = {e["dst"] for e in out_edges(data, edge_type, frontier)}
    return frontier


def trails(adjacency: dict[str, list[tuple[str, int]]], start: str, low: int, high: int) -> list[str]:
    """End vertices of every trail (no edge twice) of low..high edges from ``start``."""
    ends: list[str] = []

    def step(vertex: str, length: int, used: frozenset[int]) -> None:
        if low <= length:
            ends.append(vertex)
        if length == high:
            return
        for nxt, edge_id in adjacency.get(vertex, []):
            if edge_id not in used:
                step(nxt, length + 1, used | {edge_id})

    step(start, 0, frozenset())
    return ends


def follow_adjacency(data: Data, *, directed: bool) -> dict[str, list[tuple[str, int]]]:
    adjacency: dict[str, list[tuple[str, int]]] = {}
    for i, e in enumerate(data.follow):
        adjacency.setdefault(e["src"], []).append((e["dst"], i))
        if not directed:
            adjacency.setdefault(e["dst"], []).append((e["src"], i))
    return adjacency


# --- GO --------------------------------------------------------------------------------------


def test_go_one_step(run: Run, data: Data) -> None:
    """GO FROM "player100" OVER follow YIELD dst(edge) lists the followed players."""
    table = run('GO FROM "player100" OVER follow YIELD dst(edge)')
    assert table.column_names == ["dst(EDGE)"]
    assert rows(table) == as_rows(e["dst"] for e in out_edges(data, "follow", {"player100"}))


def test_go_two_steps_distinct(run: Run, data: Data) -> None:
    """GO 2 STEPS … YIELD DISTINCT dst(edge) gives the distinct vertices two hops away."""
    table = run('GO 2 STEPS FROM "player100" OVER follow YIELD DISTINCT dst(edge)')
    assert rows(table) == as_rows(frontier_after(data, "follow", {"player100"}, 2))


def test_go_two_steps_deduplicates_the_frontier(run: Run, data: Data) -> None:
    """Without DISTINCT, GO 2 STEPS yields the edges out of the distinct one-hop vertices, once each."""
    table = run('GO 2 STEPS FROM "player100", "player101" OVER follow YIELD src(edge), dst(edge)')
    frontier = frontier_after(data, "follow", {"player100", "player101"}, 1)
    expected = as_rows((e["src"], e["dst"]) for e in out_edges(data, "follow", frontier))
    assert rows(table) == expected


def test_go_reversely(run: Run, data: Data) -> None:
    """GO … REVERSELY YIELD src(edge) lists who follows player100 (src is the edge's own source)."""
    table = run('GO FROM "player100" OVER follow REVERSELY YIELD src(edge)')
    assert rows(table) == as_rows(e["src"] for e in data.follow if e["dst"] == "player100")


def test_go_reversely_with_edge_properties(run: Run, data: Data) -> None:
    """Players who served team204, with the start year of each stint."""
    table = run('GO FROM "team204" OVER serve REVERSELY YIELD src(edge), properties(edge).start_year')
    assert table.column_names == ["src(EDGE)", "properties(EDGE).start_year"]
    expected = as_rows((e["src"], e["start_year"]) for e in data.serve if e["dst"] == "team204")
    assert rows(table) == expected


def test_go_over_all_edge_types(run: Run, data: Data) -> None:
    """OVER * follows every edge type; type(edge) names it."""
    table = run('GO FROM "player100" OVER * YIELD type(edge), dst(edge)')
    expected = as_rows((t, e["dst"]) for t in ("follow", "serve") for e in out_edges(data, t, {"player100"}))
    assert rows(table) == expected


def test_go_bidirect(run: Run, data: Data) -> None:
    """BIDIRECT sees edges both ways; src/dst stay the stored direction; $$ is the neighbour."""
    table = run('GO FROM "player101" OVER follow BIDIRECT YIELD src(edge) AS s, dst(edge) AS d, id($$) AS n')
    expected = as_rows(
        [(e["src"], e["dst"], e["dst"]) for e in data.follow if e["src"] == "player101"]
        + [(e["src"], e["dst"], e["src"]) for e in data.follow if e["dst"] == "player101"]
    )
    assert rows(table) == expected


def test_go_m_to_n_steps(run: Run, data: Data) -> None:
    """GO 1 TO 3 STEPS yields the edges of steps 1, 2 and 3, each step from its distinct frontier."""
    table = run('GO 1 TO 3 STEPS FROM "player100" OVER follow YIELD src(edge), dst(edge)')
    expected: Counter[tuple[Any, ...]] = Counter()
    for step in (1, 2, 3):
        frontier = frontier_after(data, "follow", {"player100"}, step - 1)
        expected += as_rows((e["src"], e["dst"]) for e in out_edges(data, "follow", frontier))
    assert rows(table) == expected


def test_go_zero_steps_is_empty(run: Run) -> None:
    """GO 0 STEPS retrieves no edge, as in NebulaGraph."""
    table = run('GO 0 STEPS FROM "player100" OVER follow YIELD dst(edge) AS d')
    assert table.num_rows == 0
    assert table.column_names == ["d"]


def test_go_where_and_vertex_properties(run: Run, data: Data) -> None:
    """WHERE filters on edge and destination properties; $$ and $^ read the end vertices' tags."""
    table = run(
        'GO FROM "player100", "player101" OVER follow '
        "WHERE follow.degree >= 95 AND $$.player.age < 40 "
        "YIELD $^.player.name AS who, $$.player.name AS whom, follow.degree AS degree"
    )
    expected = as_rows(
        (data.name(e["src"]), data.name(e["dst"]), e["degree"])
        for e in out_edges(data, "follow", {"player100", "player101"})
        if e["degree"] >= 95 and data.players[e["dst"]]["age"] < 40
    )
    assert rows(table) == expected


def test_go_pipe_order_and_limit(run: Run, data: Data) -> None:
    """| ORDER BY $-.col DESC | LIMIT n sorts and cuts the yielded rows."""
    table = run(
        'GO FROM "player100" OVER follow REVERSELY YIELD src(edge) AS follower, follow.degree AS degree '
        "| ORDER BY $-.degree DESC, $-.follower | LIMIT 3"
    )
    expected = sorted(
        ((e["src"], e["degree"]) for e in data.follow if e["dst"] == "player100"),
        key=lambda r: (-r[1], r[0]),
    )[:3]
    assert list(zip(*(table.column(i).to_pylist() for i in range(2)), strict=True)) == expected


def test_go_pipe_limit_with_offset(run: Run, data: Data) -> None:
    """| LIMIT offset, count skips then keeps rows (after an ORDER BY, deterministically)."""
    table = run(
        'GO FROM "team204" OVER serve REVERSELY YIELD src(edge) AS p, serve.start_year AS y '
        "| ORDER BY $-.y, $-.p | LIMIT 2, 3"
    )
    expected = sorted((e["start_year"], e["src"]) for e in data.serve if e["dst"] == "team204")[2:5]
    assert table.column("p").to_pylist() == [p for _, p in expected]


def test_go_piped_into_go(run: Run, data: Data) -> None:
    """GO … YIELD dst AS id | GO FROM $-.id …: the second GO starts from each input row and keeps its columns."""
    table = run(
        'GO FROM "player100" OVER follow YIELD dst(edge) AS friend '
        "| GO FROM $-.friend OVER serve YIELD $-.friend AS friend, $$.team.name AS team"
    )
    friends = [e["dst"] for e in out_edges(data, "follow", {"player100"})]
    expected = as_rows((f, data.name(e["dst"])) for f in friends for e in out_edges(data, "serve", {f}))
    assert rows(table) == expected


def test_go_piped_into_fetch(run: Run, data: Data) -> None:
    """GO … | FETCH PROP ON player $-.id fetches each distinct input vertex once."""
    table = run(
        'GO FROM "player100", "player101" OVER follow YIELD dst(edge) AS id '
        "| FETCH PROP ON player $-.id YIELD id(vertex) AS id, properties(vertex).age AS age"
    )
    ids = {e["dst"] for e in out_edges(data, "follow", {"player100", "player101"})}
    assert rows(table) == as_rows((i, data.players[i]["age"]) for i in ids)


# --- FETCH, LOOKUP -----------------------------------------------------------------------------


def test_fetch_vertices(run: Run, data: Data) -> None:
    """FETCH PROP ON player "player100","player101" YIELD properties(vertex).name."""
    table = run('FETCH PROP ON player "player100","player101" YIELD properties(vertex).name')
    assert table.column_names == ["properties(VERTEX).name"]
    assert rows(table) == as_rows(data.players[v]["name"] for v in ("player100", "player101"))


def test_fetch_several_tags(run: Run, data: Data) -> None:
    """FETCH on two tags gives one row per existing vertex, NULL for the tag it lacks."""
    table = run(
        'FETCH PROP ON player, team "player100", "team204", "nobody" '
        "YIELD id(vertex) AS id, player.age AS age, team.name AS team, properties(vertex).name AS name"
    )
    expected = as_rows(
        [
            ("player100", data.players["player100"]["age"], None, data.name("player100")),
            ("team204", None, data.teams["team204"]["name"], data.name("team204")),
        ]
    )
    assert rows(table) == expected


def test_fetch_all_tags(run: Run, data: Data) -> None:
    """FETCH PROP ON * looks in every tag."""
    table = run('FETCH PROP ON * "team200", "player150" YIELD id(vertex), properties(vertex).name')
    assert rows(table) == as_rows((v, data.name(v)) for v in ("team200", "player150"))


def test_fetch_edges(run: Run, data: Data) -> None:
    """FETCH PROP ON serve "a"->"b"[@rank] finds the edge with that rank (0 when not given)."""
    table = run(
        'FETCH PROP ON serve "player100"->"team204", "player104"->"team215"@20102012, '
        '"player104"->"team215" YIELD src(edge), dst(edge), rank(edge), serve.start_year, type(edge)'
    )
    wanted = {("player100", "team204", 0), ("player104", "team215", 20102012), ("player104", "team215", 0)}
    expected = as_rows(
        (e["src"], e["dst"], e["rank"], e["start_year"], "serve")
        for e in data.serve
        if (e["src"], e["dst"], e["rank"]) in wanted
    )
    assert rows(table) == expected
    assert table.num_rows == 2  # player104 -> team215 has no rank-0 edge


def test_lookup_on_tag(run: Run, data: Data) -> None:
    """LOOKUP ON player WHERE player.age > 40 YIELD id(vertex), properties(vertex).name."""
    table = run("LOOKUP ON player WHERE player.age > 40 YIELD id(vertex), properties(vertex).name")
    assert table.column_names == ["id(VERTEX)", "properties(VERTEX).name"]
    expected = as_rows((v, p["name"]) for v, p in data.players.items() if p["age"] > 40)
    assert rows(table) == expected


def test_lookup_on_tag_with_or(run: Run, data: Data) -> None:
    """LOOKUP … WHERE with OR and string comparison."""
    table = run(
        'LOOKUP ON player WHERE player.name == "Tim Duncan" OR player.age < 22 YIELD id(vertex) AS id'
    )
    expected = as_rows(v for v, p in data.players.items() if p["name"] == "Tim Duncan" or p["age"] < 22)
    assert rows(table) == expected


def test_lookup_on_edge(run: Run, data: Data) -> None:
    """LOOKUP ON follow yields src(edge), dst(edge), rank(edge) and edge properties."""
    table = run(
        "LOOKUP ON follow WHERE follow.degree > 90 YIELD src(edge), dst(edge), rank(edge), properties(edge).degree"
    )
    expected = as_rows((e["src"], e["dst"], e["rank"], e["degree"]) for e in data.follow if e["degree"] > 90)
    assert rows(table) == expected


def test_lookup_without_where(run: Run, data: Data) -> None:
    """LOOKUP ON team with no WHERE lists every team."""
    table = run("LOOKUP ON team YIELD id(vertex) AS id, team.name AS name")
    assert rows(table) == as_rows((v, t["name"]) for v, t in data.teams.items())


# --- MATCH -------------------------------------------------------------------------------------


def test_match_undirected_any_edge(run: Run, data: Data) -> None:
    """MATCH (v1:player)--(v2) sees every edge of every type, from each player end."""
    table = run("MATCH (v1:player)--(v2) RETURN id(v1), id(v2)")
    assert table.column_names == ["id(v1)", "id(v2)"]
    expected: Counter[tuple[Any, ...]] = Counter()
    for e in data.follow + data.serve:
        if e["src"] in data.players:
            expected[(e["src"], e["dst"])] += 1
        if e["dst"] in data.players:
            expected[(e["dst"], e["src"])] += 1
    assert rows(table) == expected
    assert table.num_rows == 2 * len(data.follow) + len(data.serve)


def test_match_where_order_limit(run: Run, data: Data) -> None:
    """MATCH … WHERE e.start_year > 2010 RETURN v.player.name, t.team.name ORDER BY … LIMIT 5."""
    table = run(
        "MATCH (v:player)-[e:serve]->(t:team) WHERE e.start_year > 2010 "
        "RETURN v.player.name, t.team.name ORDER BY v.player.name, t.team.name LIMIT 5"
    )
    assert table.column_names == ["v.player.name", "t.team.name"]
    expected = sorted(
        (data.name(e["src"]), data.name(e["dst"])) for e in data.serve if e["start_year"] > 2010
    )[:5]
    assert list(zip(table.column(0).to_pylist(), table.column(1).to_pylist(), strict=True)) == expected


def test_match_variable_length(run: Run, data: Data) -> None:
    """MATCH (v:player{name:"Tim Duncan"})-[:follow*1..2]->(x) RETURN DISTINCT id(x)."""
    table = run('MATCH (v:player{name:"Tim Duncan"})-[:follow*1..2]->(x) RETURN DISTINCT id(x)')
    expected = set(trails(follow_adjacency(data, directed=True), "player100", 1, 2))
    assert rows(table) == as_rows(expected)


def test_match_variable_length_paths_are_trails(run: Run, data: Data) -> None:
    """Undirected variable-length paths never use an edge twice (NebulaGraph's trail semantics)."""
    table = run('MATCH (v:player{name:"Tim Duncan"})-[:follow*2..3]-(x) RETURN count(*) AS n')
    expected = len(trails(follow_adjacency(data, directed=False), "player100", 2, 3))
    assert table.column("n").to_pylist() == [expected]


def test_match_fixed_path_does_not_reuse_an_edge(run: Run, data: Data) -> None:
    """Two single edges of one pattern are different edges."""
    table = run(
        'MATCH (a:player)-[e1:follow]-(b)-[e2:follow]-(c) WHERE id(a) == "player100" RETURN count(*) AS n'
    )
    expected = len(trails(follow_adjacency(data, directed=False), "player100", 2, 2))
    assert table.column("n").to_pylist() == [expected]


def test_match_edge_functions(run: Run, data: Data) -> None:
    """src(e), dst(e), type(e), rank(e) and e.prop of an undirected edge pattern follow the stored edge."""
    table = run(
        'MATCH (a)-[e:follow]-(b) WHERE id(a) == "player101" '
        "RETURN src(e) AS s, dst(e) AS d, type(e) AS t, rank(e) AS r, e.degree AS w"
    )
    expected = as_rows(
        (e["src"], e["dst"], "follow", e["rank"], e["degree"])
        for e in data.follow
        if "player101" in (e["src"], e["dst"])
    )
    assert rows(table) == expected


def test_match_tag_property_on_untyped_vertex(run: Run, data: Data) -> None:
    """v.player.name is NULL on a vertex without the player tag; properties(v).name is not."""
    table = run(
        'MATCH (p:player)-[:serve]->(t) WHERE id(p) == "player100" '
        "RETURN t.player.name AS as_player, t.team.name AS as_team, properties(t).name AS name"
    )
    team = next(e["dst"] for e in data.serve if e["src"] == "player100")
    assert rows(table) == as_rows([(None, data.name(team), data.name(team))])


def test_match_aggregates(run: Run, data: Data) -> None:
    """count, sum, avg, min, max and collect over players."""
    table = run(
        "MATCH (v:player) RETURN count(*) AS n, count(v) AS c, sum(v.player.age) AS s, "
        "avg(v.player.age) AS a, min(v.player.age) AS lo, max(v.player.age) AS hi, "
        "size(collect(v.player.name)) AS names"
    )
    ages = [p["age"] for p in data.players.values()]
    got = table.to_pylist()[0]
    assert got == {
        "n": len(ages),
        "c": len(ages),
        "s": sum(ages),
        "a": pytest.approx(sum(ages) / len(ages)),
        "lo": min(ages),
        "hi": max(ages),
        "names": len(ages),
    }
    assert table.schema.field("s").type == "int64"


def test_match_group_by_implicit(run: Run, data: Data) -> None:
    """A RETURN with an aggregate groups by the other items."""
    table = run("MATCH (v:player)-[:serve]->(t:team) RETURN t.team.name AS team, count(*) AS n")
    expected = Counter(data.name(e["dst"]) for e in data.serve)
    assert dict(zip(table.column("team").to_pylist(), table.column("n").to_pylist(), strict=True)) == expected


def test_match_predicates(run: Run, data: Data) -> None:
    """IN, STARTS WITH, ENDS WITH, CONTAINS, NOT, XOR and IS NOT NULL in WHERE."""
    table = run(
        "MATCH (v:player) WHERE (v.player.name STARTS WITH 'T' OR v.player.name ENDS WITH 'n' "
        "OR v.player.name CONTAINS 'ar') AND NOT v.player.age IN [42, 36] XOR v.player.age > 45 "
        "AND v.player.name IS NOT NULL RETURN id(v)"
    )

    def keep(p: dict[str, Any]) -> bool:
        name: str = p["name"]
        text = name.startswith("T") or name.endswith("n") or "ar" in name
        return bool((text and p["age"] not in (42, 36)) != (p["age"] > 45))

    assert rows(table) == as_rows(v for v, p in data.players.items() if keep(p))


def test_match_two_patterns_and_clauses(run: Run, data: Data) -> None:
    """Comma-separated patterns and a second MATCH join on shared variables."""
    table = run(
        'MATCH (a:player)-[:follow]->(b:player), (b)-[:serve]->(t:team) WHERE id(a) == "player100" '
        "MATCH (t)<-[:serve]-(c:player) RETURN DISTINCT id(c) AS c"
    )
    bs = {e["dst"] for e in out_edges(data, "follow", {"player100"})}
    teams = {e["dst"] for e in out_edges(data, "serve", bs)}
    assert rows(table) == as_rows({e["src"] for e in data.serve if e["dst"] in teams})


def test_match_skip_and_limit(run: Run, data: Data) -> None:
    """ORDER BY … SKIP … LIMIT on an aliased column."""
    table = run(
        "MATCH (v:player) RETURN v.player.age AS age, id(v) AS id ORDER BY age DESC, id SKIP 2 LIMIT 3"
    )
    expected = sorted(((p["age"], v) for v, p in data.players.items()), key=lambda r: (-r[0], r[1]))[2:5]
    assert table.column("id").to_pylist() == [v for _, v in expected]


# --- RETURN ------------------------------------------------------------------------------------


def test_return_alone(run: Run) -> None:
    """RETURN 1+2 AS three."""
    assert run("RETURN 1+2 AS three").to_pylist() == [{"three": 3}]


def test_return_literals_and_functions(run: Run) -> None:
    """Literal expressions keep NebulaGraph's values (0-based substr and list index, integer division)."""
    table = run(
        'RETURN "x" AS s, 7 / 2 AS q, 7 % 3 AS m, -1.5 AS f, true AND NOT false AS b, NULL IS NULL AS n, '
        'substr("abcdef", 1, 2) AS sub, [10, 20, 30][1] AS item, toString(12) + "a" AS str, '
        'upper("ab") AS up, abs(-3) AS ab, 2 IN [1, 2] AS isin'
    )
    assert table.to_pylist() == [
        {
            "s": "x",
            "q": 3,
            "m": 1,
            "f": -1.5,
            "b": True,
            "n": True,
            "sub": "bc",
            "item": 20,
            "str": "12a",
            "up": "AB",
            "ab": 3,
            "isin": True,
        }
    ]


def test_unaliased_columns_are_named_like_nebula(run: Run) -> None:
    """Without AS, a column is named by the expression as NebulaGraph prints it."""
    table = run('GO FROM "player100" OVER follow YIELD dst(edge), $$.player.name, follow.degree, rank(edge)')
    assert table.column_names == ["dst(EDGE)", "$$.player.name", "follow.degree", "rank(EDGE)"]
    assert run("RETURN 1+2").column_names == ["(1+2)"]
