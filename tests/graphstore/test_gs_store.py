"""The embedded store: versions and replacement, edge files, the LadybugDB model, accounts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from ladybug import QueryResult

from graphmill import errors
from graphmill.graphstore import EdgeFile, EmbeddedGraphStore, GraphStore, SpaceInfo, embedded
from graphmill.graphstore.catalog import Catalog

SCRIPT = """
create space nba(vid_type=fixed_string(10)); use nba;
create tag person(name string, age int);
create tag robot(model string);
create edge knows(since int, weight double, note string);
create edge likes();
insert vertex person(name, age) values "a":("Ann", 30), "b":("Bob", 40), "r":("Rob", 1);
insert vertex robot(model) values "r":("R2"), "s":("S3");
insert edge knows(since, weight, note) values "a"->"b":(2001, 0.5, "x"), "a"->"b"@1:(2002, 1.5, "y"),
  "b"->"r":(2003, 2.5, "z"), "s"->"a":(2004, 3.5, "w"), "a"->"ghost":(2005, 4.5, "v");
"""


def write_script(tmp_path: Path, text: str = SCRIPT, name: str = "s.ngql") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def arrow(result: QueryResult | list[QueryResult]) -> pa.Table:
    assert isinstance(result, QueryResult)
    return result.get_as_arrow()


def scalars(store: EmbeddedGraphStore, space: str, *queries: str) -> list[object]:
    """The first value of each query's answer, over one connection."""
    with store.open_connection(space) as conn:
        return [arrow(conn.execute(query)).column(0)[0].as_py() for query in queries]


def scalar(store: EmbeddedGraphStore, space: str, query: str) -> object:
    return scalars(store, space, query)[0]


def test_embedded_store_is_a_graph_store(store: EmbeddedGraphStore) -> None:
    """EmbeddedGraphStore implements the GraphStore protocol."""
    graph_store: GraphStore = store
    assert graph_store.list_spaces() == []


def test_unknown_space_is_not_found(store: EmbeddedGraphStore) -> None:
    """Asking for a missing space raises NotFound with NebulaGraph-like wording."""
    with pytest.raises(errors.NotFound, match="space 'x' does not exist"):
        store.get_space("x")
    with pytest.raises(errors.NotFound):
        store.edge_files("x", ["e"], [None])
    with pytest.raises(errors.NotFound):
        store.drop_space("x")


def test_import_into_existing_space_needs_replace(store: EmbeddedGraphStore, tmp_path: Path) -> None:
    """A second import under the same name without replace fails with BadRequest and changes nothing."""
    script = write_script(tmp_path)
    store.import_ngql("g", script)
    with pytest.raises(errors.BadRequest, match="replace"):
        store.import_ngql("g", script)
    with pytest.raises(errors.BadRequest, match="replace"):
        store.import_csv_dir("g", tmp_path)
    assert store.get_space("g").version == 1
    assert sorted(p.name for p in (store.root / "spaces" / "g").iterdir()) == ["v1"]


def test_replace_bumps_version_and_removes_old_files(store: EmbeddedGraphStore, tmp_path: Path) -> None:
    """Replacing a space makes a new version and deletes the old version's files."""
    first = store.import_ngql("g", write_script(tmp_path))
    old_dir = store.version_dir(first)
    second = store.import_ngql(
        "g", write_script(tmp_path, SCRIPT.replace('"s"->"a"', '"s"->"b"')), replace=True
    )
    assert second.version == first.version + 1
    assert not old_dir.exists()
    assert store.get_space("g") == second
    assert store.edge_files("g", ["knows"], [None])[0].path.parent.parent == store.version_dir(second)


def test_readers_see_the_old_version_until_the_switch(
    store: EmbeddedGraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a replacement is built, readers get the old version and its files stay complete."""
    store.import_ngql("g", write_script(tmp_path))
    before = store.edge_files("g", ["knows"], ["weight"])[0]
    seen: list[int] = []
    real_put = Catalog.put_space

    def put_space(catalog: Catalog, info: SpaceInfo, *, replace: bool) -> SpaceInfo | None:
        # The new version is fully built; the catalog still names the old one.
        assert store.get_space("g").version == 1
        assert pq.read_table(before.path).num_rows == 5
        assert scalar(store, "g", "MATCH ()-[k:knows]->() RETURN count(*)") == 5
        assert (store.root / "spaces" / "g" / f"v{info.version}" / "db").is_file()
        seen.append(info.version)
        return real_put(catalog, info, replace=replace)

    monkeypatch.setattr(Catalog, "put_space", put_space)
    after = store.import_ngql(
        "g", write_script(tmp_path, SCRIPT.replace(', "a"->"ghost":(2005, 4.5, "v")', "")), replace=True
    )
    assert seen == [2]
    assert after.edge_counts["knows"] == 4
    assert not before.path.exists()
    assert scalar(store, "g", "MATCH ()-[k:knows]->() RETURN count(*)") == 4


def test_failed_import_leaves_the_space_alone(store: EmbeddedGraphStore, tmp_path: Path) -> None:
    """A replacement that fails to parse leaves the current version and no leftovers."""
    store.import_ngql("g", write_script(tmp_path))
    with pytest.raises(errors.BadRequest, match="line"):
        store.import_ngql(
            "g", write_script(tmp_path, SCRIPT + "insert vertex nope() values 'x':();"), replace=True
        )
    assert store.get_space("g").version == 1
    assert sorted(p.name for p in (store.root / "spaces" / "g").iterdir()) == ["v1"]


def test_failed_new_space_leaves_nothing(
    store: EmbeddedGraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first import that LadybugDB refuses is a DatabaseError and leaves no entry and no folder."""

    def refuse(path: Path, data: object) -> int:
        path.write_bytes(b"half-written")
        raise RuntimeError("Copy exception: nope")

    monkeypatch.setattr(embedded, "build_database", refuse)
    with pytest.raises(errors.DatabaseError, match="nope"):
        store.import_ngql("g", write_script(tmp_path))
    assert store.list_spaces() == []
    assert list((store.root / "spaces").iterdir()) == []


def test_drop_space_removes_files_and_versions_keep_growing(
    store: EmbeddedGraphStore, tmp_path: Path
) -> None:
    """Dropping removes the space and its folder; a new import of the name gets a fresh version."""
    script = write_script(tmp_path)
    store.import_ngql("g", script)
    store.drop_space("g")
    assert store.list_spaces() == []
    assert not (store.root / "spaces" / "g").exists()
    assert store.import_ngql("g", script).version == 2


def test_unreadable_sources_are_parameter_errors(store: EmbeddedGraphStore, tmp_path: Path) -> None:
    """A missing or non-UTF-8 script, or a missing CSV folder, is a ParamError."""
    with pytest.raises(errors.ParamError, match="cannot read"):
        store.import_ngql("g", tmp_path / "missing.ngql")
    (tmp_path / "latin1.ngql").write_bytes(b"create space s; use s; # caf\xe9\n")
    with pytest.raises(errors.ParamError, match="cannot read"):
        store.import_ngql("g", tmp_path / "latin1.ngql")
    with pytest.raises(errors.ParamError, match="not a folder"):
        store.import_csv_dir("g", tmp_path / "missing")


def test_invalid_space_name_is_refused(store: EmbeddedGraphStore, tmp_path: Path) -> None:
    """Space names must be identifiers (they become folder names)."""
    with pytest.raises(errors.ParamError, match="invalid space name"):
        store.import_ngql("../evil", write_script(tmp_path))


def test_edge_files_weights(store: EmbeddedGraphStore, tmp_path: Path) -> None:
    """edge_files gives one file per edge type in order, with the weight column asked for."""
    info = store.import_ngql("g", write_script(tmp_path))
    files = store.edge_files("g", ["knows", "likes", "knows", "knows"], ["weight", None, "_rank", ""])
    folder = store.version_dir(info) / "edges"
    assert files == [
        EdgeFile("knows", folder / "knows.parquet", "weight", 5),
        EdgeFile("likes", folder / "likes.parquet", None, 0),
        EdgeFile("knows", folder / "knows.parquet", "rank", 5),
        EdgeFile("knows", folder / "knows.parquet", None, 5),
    ]
    table = pq.read_table(files[0].path)
    assert table.column_names == ["src", "dst", "rank", "since", "weight", "note"]
    assert table["weight"].to_pylist() == [0.5, 1.5, 2.5, 3.5, 4.5]
    assert table["rank"].to_pylist() == [0, 1, 0, 0, 0]
    assert pq.read_table(files[1].path).num_rows == 0
    assert store.edge_files("g", ["knows"], ["since"])[0].weight_column == "since"


@pytest.mark.parametrize(
    ("edge_types", "weights", "message"),
    [
        (["nope"], [None], "edge type 'nope' does not exist"),
        (["knows"], ["nope"], "edge type 'knows' has no property 'nope'"),
        (["knows"], ["note"], "property 'note' of edge type 'knows' is a string, not a number"),
        (["knows", "likes"], [None], "give one per edge type"),
    ],
)
def test_edge_files_errors(
    store: EmbeddedGraphStore, tmp_path: Path, edge_types: list[str], weights: list[str | None], message: str
) -> None:
    """Unknown edge types or properties and non-numeric weights are parameter errors naming them."""
    store.import_ngql("g", write_script(tmp_path))
    with pytest.raises(errors.ParamError, match=message):
        store.edge_files("g", edge_types, weights)


def test_ladybug_model_multi_tag_and_dangling_edges(store: EmbeddedGraphStore, tmp_path: Path) -> None:
    """A vid with two tags is a row in each; edges attach to its first tag; tagless ends go to _vertex."""
    info = store.import_ngql("g", write_script(tmp_path))
    assert info.vertex_count == 4  # a, b, r (person and robot), s; "ghost" carries no tag
    assert scalars(
        store,
        "g",
        "MATCH (p:person) RETURN count(*)",
        "MATCH (r:robot) RETURN count(*)",
        "MATCH (v:_vertex) RETURN v.vid",
        "MATCH ()-[k:knows]->() RETURN count(*)",
        "MATCH (:person)-[k:knows]->(:person {vid: 'r'}) RETURN k.since",
        "MATCH (:robot {vid: 's'})-[k:knows]->(:person) RETURN k.weight",
        "MATCH (:person)-[k:knows]->(:_vertex) RETURN k.note",
        "MATCH ()-[l:likes]->() RETURN count(*)",
    ) == [3, 2, "ghost", 5, 2003, 3.5, "v", 0]


def test_int64_space(store: EmbeddedGraphStore, tmp_path: Path) -> None:
    """An int64 space has INT64 keys in LadybugDB and int64 src/dst in its snapshots."""
    script = write_script(
        tmp_path,
        "create space s(vid_type=int64); use s; create tag t(a int); create edge e(w int);"
        "insert vertex t(a) values 1:(10), 2:(20); insert edge e(w) values 1->2@3:(5), 2->99:(6);",
    )
    info = store.import_ngql("n", script)
    assert info.vid_type == "int64"
    table = pq.read_table(store.edge_files("n", ["e"], ["w"])[0].path)
    assert table.to_pylist() == [
        {"src": 1, "dst": 2, "rank": 3, "w": 5},
        {"src": 2, "dst": 99, "rank": 0, "w": 6},
    ]
    assert str(table.schema.field("src").type) == "int64"
    with store.open_connection("n") as conn:
        result = conn.execute(
            "MATCH (a:t)-[e:e]->(b) WHERE a.vid = $v RETURN b.vid, e._rank", parameters={"v": 1}
        )
        assert arrow(result).to_pylist() == [{"b.vid": 2, "e._rank": 3}]


def test_open_connection_writes_persist(store: EmbeddedGraphStore, tmp_path: Path) -> None:
    """open_connection is read-write and releases the file: a second open sees the write."""
    store.import_ngql("g", write_script(tmp_path))
    with store.open_connection("g") as conn:
        conn.execute("ALTER TABLE person ADD score DOUBLE")
        conn.execute("MATCH (p:person) SET p.score = p.age * 2.0")
    assert scalar(store, "g", "MATCH (p:person {vid: 'b'}) RETURN p.score") == 80.0
    with store.open_connection("g", read_only=True) as conn:
        assert arrow(conn.execute("MATCH (p:person) RETURN count(*)")).column(0)[0].as_py() == 3


def test_catalog_survives_reopening(store: EmbeddedGraphStore, tmp_path: Path) -> None:
    """A second store object on the same folder sees the same spaces."""
    info = store.import_ngql("g", write_script(tmp_path))
    assert EmbeddedGraphStore(store.root).get_space("g") == info


def test_default_account(store: EmbeddedGraphStore) -> None:
    """ensure_default_account creates root/nebula only when there is no account."""
    assert not store.verify_account("root", "nebula")
    assert store.ensure_default_account()
    assert store.verify_account("root", "nebula")
    assert not store.verify_account("root", "wrong")
    assert not store.verify_account("nobody", "nebula")
    assert not store.ensure_default_account()


def test_default_account_not_created_when_accounts_exist(store: EmbeddedGraphStore) -> None:
    """With any account present, no default root account appears."""
    store.add_account("alice", "secret")
    assert not store.ensure_default_account()
    assert not store.verify_account("root", "nebula")


def test_add_account_and_replace(store: EmbeddedGraphStore) -> None:
    """Adding an existing account needs replace, which changes the password."""
    store.add_account("alice", "one")
    with pytest.raises(errors.BadRequest, match="already exists"):
        store.add_account("alice", "two")
    assert store.verify_account("alice", "one")
    store.add_account("alice", "two", replace=True)
    assert store.verify_account("alice", "two")
    assert not store.verify_account("alice", "one")
    with pytest.raises(errors.ParamError):
        store.add_account("", "x")


def test_passwords_are_stored_as_argon2_hashes(store: EmbeddedGraphStore) -> None:
    """The catalog holds argon2id hashes, never the password itself."""
    store.ensure_default_account()
    store.add_account("alice", "s3cret-pass")
    with sqlite3.connect(store.root / "catalog.sqlite3") as db:
        hashes = dict(db.execute("SELECT user, password_hash FROM accounts").fetchall())
    db.close()
    assert set(hashes) == {"root", "alice"}
    assert all(h.startswith("$argon2id$") for h in hashes.values())
    assert "s3cret-pass" not in hashes["alice"]
    assert "nebula" not in hashes["root"]
    raw = (store.root / "catalog.sqlite3").read_bytes()
    assert b"s3cret-pass" not in raw


def test_weak_hashes_are_upgraded_on_login(tmp_path: Path) -> None:
    """A hash made with weaker parameters than the store's is replaced after a good login."""
    from argon2 import PasswordHasher

    weak = EmbeddedGraphStore(
        tmp_path, password_hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    weak.add_account("alice", "pw")
    strong = EmbeddedGraphStore(
        tmp_path, password_hasher=PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    )
    old = Catalog(tmp_path / "catalog.sqlite3").password_hash("alice")
    assert strong.verify_account("alice", "pw")
    new = Catalog(tmp_path / "catalog.sqlite3").password_hash("alice")
    assert new != old
    assert new is not None
    assert "m=2048,t=2" in new
