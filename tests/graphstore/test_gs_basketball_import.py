"""Importing the basketballplayer data set, from its nGQL script and from its CSV files."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from ladybug import QueryResult

from graphmill.graphstore import EmbeddedGraphStore, PropDef

NGQL = "basketballplayer"
CSV = "basketballplayer_csv"


def arrow(result: QueryResult | list[QueryResult]) -> pa.Table:
    assert isinstance(result, QueryResult)
    return result.get_as_arrow()


def snapshot(store: EmbeddedGraphStore, space: str, kind: str, name: str) -> pa.Table:
    info = store.get_space(space)
    return pq.read_table(store.version_dir(info) / kind / f"{name}.parquet")


def test_reference_data_is_unchanged(basketball_dir: Path) -> None:
    """The copied script keeps its CRLF endings, its `;;` line and has no final newline."""
    raw = (basketball_dir / "basketballplayer.ngql").read_bytes()
    assert len(raw) == 24031
    assert raw.count(b"\r\n") == raw.count(b"\n")
    assert not raw.endswith(b"\n")
    assert b'"player117"->"team200":(2009, 2019);;' in raw


def test_space_is_created_under_the_import_name(basketball_store: EmbeddedGraphStore) -> None:
    """The script's `nba` space is imported under the name asked for."""
    names = [s.name for s in basketball_store.list_spaces()]
    assert names == [NGQL, CSV]
    assert "nba" not in names
    assert (basketball_store.root / "spaces" / NGQL / "v1" / "db").is_file()


def test_ngql_counts_and_schema(basketball_store: EmbeddedGraphStore) -> None:
    """81 vertices (51 players, 30 teams), 81 follow and 152 serve edges, with NebulaGraph types."""
    info = basketball_store.get_space(NGQL)
    assert info.vid_type == "string"
    assert info.version == 1
    assert info.vertex_count == 81
    assert info.edge_counts == {"follow": 81, "serve": 152}
    assert info.tags == {
        "player": (PropDef("name", "string"), PropDef("age", "int64")),
        "team": (PropDef("name", "string"),),
    }
    assert info.edges == {
        "serve": (PropDef("start_year", "int64"), PropDef("end_year", "int64")),
        "follow": (PropDef("degree", "int64"),),
    }
    assert snapshot(basketball_store, NGQL, "vertices", "player").num_rows == 51
    assert snapshot(basketball_store, NGQL, "vertices", "team").num_rows == 30
    assert info.create_time_ms > 0


def test_ngql_snapshot_columns(basketball_store: EmbeddedGraphStore) -> None:
    """Edge snapshots have src, dst (large_string), rank (int64) and typed property columns."""
    serve = snapshot(basketball_store, NGQL, "edges", "serve")
    assert serve.schema.names == ["src", "dst", "rank", "start_year", "end_year"]
    assert serve.schema.types == [pa.large_string(), pa.large_string(), pa.int64(), pa.int64(), pa.int64()]
    player = snapshot(basketball_store, NGQL, "vertices", "player")
    assert player.schema.names == ["vid", "name", "age"]
    assert player.schema.types == [pa.large_string(), pa.string(), pa.int64()]


def test_ngql_ranked_serve_edges(basketball_store: EmbeddedGraphStore) -> None:
    """The 12 ranked serve edges keep their rank, e.g. player104→team215 @20102012."""
    serve = snapshot(basketball_store, NGQL, "edges", "serve")
    ranked = serve.filter(pc.not_equal(serve["rank"], 0)).to_pylist()
    assert len(ranked) == 12
    assert {
        "src": "player104",
        "dst": "team215",
        "rank": 20102012,
        "start_year": 2010,
        "end_year": 2012,
    } in ranked
    assert all(e["rank"] == e["start_year"] * 10000 + e["end_year"] for e in ranked)
    follow = snapshot(basketball_store, NGQL, "edges", "follow")
    assert pc.all(pc.equal(follow["rank"], 0)).as_py()


def test_ngql_names_and_double_semicolon_line(basketball_store: EmbeddedGraphStore) -> None:
    """Names with apostrophes are intact and the edge on the `;;` line is imported."""
    names = snapshot(basketball_store, NGQL, "vertices", "player")["name"].to_pylist()
    assert "Shaquille O'Neal" in names
    assert "Amar'e Stoudemire" in names
    serve = snapshot(basketball_store, NGQL, "edges", "serve").to_pylist()
    assert {"src": "player117", "dst": "team200", "rank": 0, "start_year": 2009, "end_year": 2019} in serve


def test_csv_import_matches_ngql_import(basketball_store: EmbeddedGraphStore) -> None:
    """The CSV folder gives the same schema, counts and snapshot contents as the nGQL script."""
    ngql, csv = basketball_store.get_space(NGQL), basketball_store.get_space(CSV)
    assert (csv.vid_type, csv.tags, csv.edges) == (ngql.vid_type, ngql.tags, ngql.edges)
    assert (csv.vertex_count, csv.edge_counts) == (ngql.vertex_count, ngql.edge_counts)
    for kind, names in (("vertices", ngql.tags), ("edges", ngql.edges)):
        for name in names:
            assert snapshot(basketball_store, CSV, kind, name).equals(
                snapshot(basketball_store, NGQL, kind, name)
            )


@pytest.mark.parametrize("space", [NGQL, CSV])
def test_cypher_over_the_database(basketball_store: EmbeddedGraphStore, space: str) -> None:
    """Cypher queries see the tags, edge types, ranks and properties of either import."""
    with basketball_store.open_connection(space) as conn:

        def scalar(query: str) -> object:
            return arrow(conn.execute(query)).column(0)[0].as_py()

        assert scalar("MATCH (p:player)-[e:follow]->(q:player) RETURN count(*)") == 81
        assert scalar("MATCH (p:player)-[s:serve]->(t:team) WHERE s._rank <> 0 RETURN count(*)") == 12
        assert scalar("MATCH (p:player)-[s:serve]->(t:team) RETURN count(*)") == 152
        assert scalar("MATCH (v:_vertex) RETURN count(*)") == 0
        result = conn.execute(
            "MATCH (p:player {vid: $vid})-[s:serve]->(t:team) WHERE s._rank = $rank "
            "RETURN p.name, p.age, t.name",
            parameters={"vid": "player104", "rank": 20102012},
        )
        assert arrow(result).to_pylist() == [{"p.name": "Marco Belinelli", "p.age": 32, "t.name": "Hornets"}]
