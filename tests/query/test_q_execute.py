"""run_query: output names, failures as TaskFailed, and what a read-only handle sees."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from graphmill import errors
from graphmill.graphstore import EmbeddedGraphStore, PropDef, VidType
from graphmill.graphstore.model import SpaceData, edge_schema, vertex_schema
from graphmill.query import check_query, run_query
from tests.query.conftest import BASKETBALL, SPACE, Data, Run, cheap_hasher


def test_result_keeps_the_querys_own_columns(run: Run) -> None:
    """The columns are named as NebulaGraph names them (aliases, or the expression's text)."""
    table = run('GO FROM "player100" OVER follow YIELD src(edge), dst(edge) AS friend')
    assert table.column_names == ["src(EDGE)", "friend"]
    assert set(table.column("src(EDGE)").to_pylist()) == {"player100"}


def test_an_empty_result_keeps_its_columns(run: Run) -> None:
    """An empty result still has the query's columns."""
    table = run('GO FROM "nobody" OVER follow YIELD dst(edge) AS dst')
    assert table.num_rows == 0
    assert table.column_names == ["dst"]


def test_runtime_error_is_task_failed_with_the_database_message(run: Run) -> None:
    """An error raised by LadybugDB becomes TaskFailed quoting the database's message."""
    with pytest.raises(errors.TaskFailed, match="graph database could not run the query: Overflow exception"):
        run("RETURN 9223372036854775807 + 1 AS x")
    with pytest.raises(errors.TaskFailed, match="Binder exception"):
        run('RETURN 1 + "a" AS x')


def test_refused_query_is_task_failed(run: Run) -> None:
    """A refused or unparsable query, or a missing parameter, also raises TaskFailed."""
    with pytest.raises(errors.TaskFailed, match="read-only"):
        run("MATCH (n) DETACH DELETE n")
    with pytest.raises(errors.TaskFailed, match="syntax error"):
        run("MATCH (n RETURN 1")
    with pytest.raises(errors.TaskFailed, match=r"\$\{x\} has no value"):
        run("RETURN ${x}")
    with pytest.raises(errors.TaskFailed, match="tag 'coach' does not exist"):
        run("MATCH (v:coach) RETURN id(v)")


def test_unknown_space_is_task_failed(store: EmbeddedGraphStore) -> None:
    """A space that does not exist raises TaskFailed."""
    with pytest.raises(errors.TaskFailed, match="nosuch"):
        run_query(store, "nosuch", "RETURN 1", {})


def test_sum_comes_back_as_an_integer(run: Run, data: Data) -> None:
    """LadybugDB's INT128 sum is returned as int64."""
    table = run("MATCH (v:player) RETURN sum(v.player.age) AS s")
    assert table.schema.field("s").type == pa.int64()
    assert table.column("s").to_pylist() == [sum(p["age"] for p in data.players.values())]


def _copy_without(tmp: Path, drop_follow_from: str) -> Path:
    folder = tmp / "csv"
    shutil.copytree(BASKETBALL, folder, ignore=shutil.ignore_patterns("*.ngql", "*.md"))
    path = folder / "follow.csv"
    with path.open(newline="") as f:
        kept = [r for r in csv.DictReader(f) if r["src"] != drop_follow_from]
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["src", "dst", "rank", "degree"])
        writer.writeheader()
        writer.writerows(kept)
    return folder


def test_read_only_handle_sees_the_current_import(tmp_path: Path) -> None:
    """After a re-import, the next query reads the new version."""
    store = EmbeddedGraphStore(tmp_path / "store", password_hasher=cheap_hasher())
    store.import_ngql(SPACE, BASKETBALL / "basketballplayer.ngql")
    text = 'GO FROM "player100" OVER follow YIELD dst(edge)'
    assert run_query(store, SPACE, text, {}).num_rows == 2
    store.import_csv_dir(SPACE, _copy_without(tmp_path, "player100"), replace=True)
    assert run_query(store, SPACE, text, {}).num_rows == 0
    assert run_query(store, SPACE, "LOOKUP ON player YIELD id(vertex)", {}).num_rows == 51


def _tiny_space(vid_type: VidType, vids: list[object]) -> SpaceData:
    """Vertices 0 and 1 tagged person (1 also robot), a dangling vid 2, edges 0->1, 1->2."""
    person = (PropDef("name", "string"),)
    robot = (PropDef("model", "string"), PropDef("name", "string"))
    knows = (PropDef("since", "int64"),)
    a, b, c = vids
    return SpaceData(
        vid_type=vid_type,
        tags={"person": person, "robot": robot},
        edges={"knows": knows},
        vertices={
            "person": pa.table(
                {"vid": [a, b], "name": ["ann", "bob"]}, schema=vertex_schema(vid_type, person)
            ),
            "robot": pa.table(
                {"vid": [b], "model": ["r2"], "name": ["bobot"]}, schema=vertex_schema(vid_type, robot)
            ),
        },
        edge_tables={
            "knows": pa.table(
                {"src": [a, b], "dst": [b, c], "rank": [0, 0], "since": [2000, 2001]},
                schema=edge_schema(vid_type, knows),
            )
        },
    )


def test_int64_vertex_ids_and_dangling_edges(tmp_path: Path) -> None:
    """int64 vids work; GO, LOOKUP and FETCH see an edge to a vertex without a tag, MATCH does not."""
    store = EmbeddedGraphStore(tmp_path / "store", password_hasher=cheap_hasher())
    store.import_data("tiny", _tiny_space("int64", [10, 11, 12]))
    go = "GO 2 STEPS FROM 10 OVER knows YIELD dst(edge) AS d, $$.person.name AS n"
    assert run_query(store, "tiny", go, {}).to_pylist() == [{"d": 12, "n": None}]
    lookup = "LOOKUP ON knows YIELD src(edge) AS a, dst(edge) AS b, knows.since AS s"
    assert sorted(run_query(store, "tiny", lookup, {}).to_pylist(), key=lambda r: r["a"]) == [
        {"a": 10, "b": 11, "s": 2000},
        {"a": 11, "b": 12, "s": 2001},
    ]
    fetch = "FETCH PROP ON knows 11->12, 10->11@0 YIELD knows.since AS s"
    assert sorted(run_query(store, "tiny", fetch, {}).column("s").to_pylist()) == [2000, 2001]
    # As in NebulaGraph, MATCH does not see the dangling edge (its end vertex has no tag).
    match = "MATCH (a)-[e:knows]->(b) RETURN id(a) AS a, id(b) AS b, e.since AS s"
    assert run_query(store, "tiny", match, {}).to_pylist() == [{"a": 10, "b": 11, "s": 2000}]
    problems = check_query('GO FROM "10" OVER knows YIELD dst(edge)', [], space=store.get_space("tiny"))
    assert problems
    assert "int64 vertex ids" in problems[0]


def test_vertex_with_two_tags(tmp_path: Path) -> None:
    """FETCH on two tags gives one row for a vertex that has both; each tag's properties are there."""
    store = EmbeddedGraphStore(tmp_path / "store", password_hasher=cheap_hasher())
    store.import_data("tiny", _tiny_space("string", ["a", "b", "c"]))
    table = run_query(
        store,
        "tiny",
        'FETCH PROP ON person, robot "b" YIELD id(vertex) AS id, person.name AS p, robot.model AS m',
        {},
    )
    assert table.to_pylist() == [{"id": "b", "p": "bob", "m": "r2"}]
    table = run_query(
        store, "tiny", "LOOKUP ON robot YIELD id(vertex) AS id, properties(vertex).name AS n", {}
    )
    assert table.to_pylist() == [{"id": "b", "n": "bobot"}]
