"""Loading edge files: Parquet and CSV, several sources, the disk cache, bad data."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graphmill import errors
from graphmill.engine import loader
from graphmill.engine.graph import Graph
from graphmill.engine.loader import EdgeSource, load_graph


def _edges(graph: Graph) -> Counter[tuple[object, object, float | None]]:
    src = graph.sources().tolist()
    w = graph.weights.tolist() if graph.weights is not None else [None] * graph.m
    return Counter(
        (graph.id_of(s), graph.id_of(d), x) for s, d, x in zip(src, graph.indices.tolist(), w, strict=True)
    )


def test_parquet_by_name_reads_only_needed_columns(tmp_path: Path) -> None:
    """Parquet columns are picked by name; other columns are ignored; weights are floats."""
    path = tmp_path / "e.parquet"
    pq.write_table(
        pa.table({"a": [1, 2, 2], "b": [2, 3, 3], "w": [0.5, 1.0, 2.0], "junk": ["x", "y", "z"]}), path
    )
    g = load_graph(
        [EdgeSource(path, "parquet", "a", "b", "w")],
        vid_type="int64",
        directed=True,
        weighted=True,
        cache_dir=None,
    )
    assert _edges(g) == Counter({(1, 2, 0.5): 1, (2, 3, 1.0): 1, (2, 3, 2.0): 1})


def test_parquet_by_index_with_string_ids(tmp_path: Path) -> None:
    """Column indexes work for Parquet, and integer columns become string ids on request."""
    path = tmp_path / "e.parquet"
    pq.write_table(pa.table({"x": [10, 20], "y": [20, 30]}), path)
    g = load_graph(
        [EdgeSource(path, "parquet", 0, 1)], vid_type="string", directed=True, weighted=False, cache_dir=None
    )
    assert g.vid_type == "string"
    assert g.ids.to_pylist() == ["10", "20", "30"]
    assert g.weights is None


def test_csv_with_header_by_name(tmp_path: Path) -> None:
    """A headered CSV is read by column name, string ids kept as given."""
    path = tmp_path / "e.csv"
    path.write_text("src,dst,weight\nplayer100,player101,95\nplayer101,team204,2.5\n")
    g = load_graph(
        [EdgeSource(path, "csv", "src", "dst", "weight")],
        vid_type="string",
        directed=True,
        weighted=True,
        cache_dir=None,
    )
    assert _edges(g) == Counter({("player100", "player101", 95.0): 1, ("player101", "team204", 2.5): 1})


def test_csv_without_header_int_ids(tmp_path: Path) -> None:
    """A header-less CSV is read by column index; detection sees integer data in row one."""
    path = tmp_path / "e.csv"
    path.write_text("1,2\n2,3\n3,1\n")
    g = load_graph([EdgeSource(path, "csv")], vid_type="int64", directed=True, weighted=False, cache_dir=None)
    assert g.ids.tolist() == [1, 2, 3]
    assert g.m == 3


def test_csv_header_detected_for_int_ids(tmp_path: Path) -> None:
    """With int64 ids, a first row that is not numeric is taken as a header."""
    path = tmp_path / "e.csv"
    path.write_text("from\tto\n5\t6\n")
    g = load_graph(
        [EdgeSource(path, "csv", 0, 1, delimiter="\t")],
        vid_type="int64",
        directed=True,
        weighted=False,
        cache_dir=None,
    )
    assert g.ids.tolist() == [5, 6]


def test_csv_header_detected_from_weight_column(tmp_path: Path) -> None:
    """With string ids, a non-numeric weight in row one marks it as a header."""
    path = tmp_path / "e.csv"
    path.write_text("s,d,w\na,b,1.5\n")
    g = load_graph(
        [EdgeSource(path, "csv", 0, 1, 2)], vid_type="string", directed=True, weighted=True, cache_dir=None
    )
    assert _edges(g) == Counter({("a", "b", 1.5): 1})


def test_csv_string_ids_without_header_explicit(tmp_path: Path) -> None:
    """has_header=False keeps the first row as data even when it looks like names."""
    path = tmp_path / "e.csv"
    path.write_text("src,dst\nb,c\n")
    g = load_graph(
        [EdgeSource(path, "csv", 0, 1, has_header=False)],
        vid_type="string",
        directed=True,
        weighted=False,
        cache_dir=None,
    )
    assert g.ids.to_pylist() == ["b", "c", "dst", "src"]


def test_vid_type_inferred(tmp_path: Path) -> None:
    """vid_type=None gives int64 when every id is an integer and string otherwise."""
    ints = tmp_path / "i.csv"
    ints.write_text("src,dst\n1,2\n")
    strs = tmp_path / "s.csv"
    strs.write_text("1,x\n")
    g = load_graph([EdgeSource(ints, "csv")], vid_type=None, directed=True, weighted=False, cache_dir=None)
    assert g.vid_type == "int64"
    assert g.ids.tolist() == [1, 2]
    g2 = load_graph(
        [EdgeSource(ints, "csv"), EdgeSource(strs, "csv", has_header=False)],
        vid_type=None,
        directed=True,
        weighted=False,
        cache_dir=None,
    )
    assert g2.vid_type == "string"
    assert g2.ids.to_pylist() == ["1", "2", "x"]


def test_several_sources_concatenated(tmp_path: Path) -> None:
    """Sources are concatenated; a source without a weight column gets weight 1.0."""
    follow = tmp_path / "follow.csv"
    follow.write_text("src,dst,degree\np1,p2,90\np2,p1,80\n")
    serve = tmp_path / "serve.parquet"
    pq.write_table(pa.table({"src": ["p1"], "dst": ["t1"]}), serve)
    g = load_graph(
        [EdgeSource(follow, "csv", "src", "dst", "degree"), EdgeSource(serve, "parquet", "src", "dst")],
        vid_type="string",
        directed=False,
        weighted=True,
        cache_dir=None,
    )
    assert _edges(g) == Counter(
        {
            ("p1", "p2", 90.0): 1,
            ("p2", "p1", 90.0): 1,
            ("p2", "p1", 80.0): 1,
            ("p1", "p2", 80.0): 1,
            ("p1", "t1", 1.0): 1,
            ("t1", "p1", 1.0): 1,
        }
    )


def test_cache_hit_does_not_reread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second load of unchanged files memory-maps the cached CSR without opening the sources."""
    path = tmp_path / "e.csv"
    path.write_text("a,b,1.0\nb,c,2.0\n")
    source = EdgeSource(path, "csv", 0, 1, 2, has_header=False)
    cache = tmp_path / "cache"
    kwargs = {"vid_type": "string", "directed": True, "weighted": True, "cache_dir": cache}
    first = load_graph([source], **kwargs)  # type: ignore[arg-type]
    entries = [p for p in cache.iterdir() if not p.name.startswith(".")]
    assert len(entries) == 1
    assert not [p for p in cache.iterdir() if p.name.startswith(".tmp")]

    reads: list[object] = []
    original = loader._read_source

    def recording_read(*args: Any) -> Any:
        reads.append(args)
        return original(*args)

    monkeypatch.setattr(loader, "_read_source", recording_read)
    # same size and mtime, different content: only a re-read would notice
    st = path.stat()
    path.write_text("x,y,1.0\ny,z,2.0\n")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    second = load_graph([source], **kwargs)  # type: ignore[arg-type]
    assert reads == []
    assert isinstance(second.indices, np.memmap)
    assert second.ids.to_pylist() == first.ids.to_pylist() == ["a", "b", "c"]
    assert _edges(second) == _edges(first)

    # a changed mtime is a different key: the file is read again
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    third = load_graph([source], **kwargs)  # type: ignore[arg-type]
    assert len(reads) == 1
    assert third.ids.to_pylist() == ["x", "y", "z"]


def test_cache_roundtrip_int_ids(tmp_path: Path) -> None:
    """Int64 graphs come back from the cache identical, unweighted stays unweighted."""
    path = tmp_path / "e.parquet"
    pq.write_table(pa.table({"s": [3, 1, 3], "d": [1, 2, 3]}), path)
    src = [EdgeSource(path, "parquet", "s", "d")]
    a = load_graph(src, vid_type="int64", directed=False, weighted=False, cache_dir=tmp_path / "c")
    b = load_graph(src, vid_type="int64", directed=False, weighted=False, cache_dir=tmp_path / "c")
    assert isinstance(b.indptr, np.memmap)
    assert b.weights is None
    assert not b.directed
    assert b.ids.tolist() == a.ids.tolist()
    assert b.indptr.tolist() == a.indptr.tolist()
    assert b.indices.tolist() == a.indices.tolist()


def test_cache_key_depends_on_options(tmp_path: Path) -> None:
    """Direction, weighting and vid type are part of the cache key."""
    path = tmp_path / "e.csv"
    path.write_text("1,2\n")
    src = [EdgeSource(path, "csv")]
    keys = {
        loader.cache_key(src, vid_type=v, directed=d, weighted=w)
        for v in ("int64", "string", None)
        for d in (True, False)
        for w in (True, False)
    }
    assert len(keys) == 12


def test_bad_weight_names_file_and_column(tmp_path: Path) -> None:
    """A non-numeric weight is a TaskFailed naming the file and the column."""
    path = tmp_path / "bad.csv"
    path.write_text("src,dst,weight\na,b,1\nb,c,heavy\n")
    with pytest.raises(errors.TaskFailed, match=r"bad\.csv: column weight") as info:
        load_graph(
            [EdgeSource(path, "csv", "src", "dst", "weight")],
            vid_type="string",
            directed=True,
            weighted=True,
            cache_dir=None,
        )
    assert "heavy" in str(info.value)


def test_bad_parquet_weight(tmp_path: Path) -> None:
    """A string weight column that does not parse fails with file and column."""
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"s": ["a"], "d": ["b"], "w": ["x"]}), path)
    with pytest.raises(errors.TaskFailed, match=r"bad\.parquet: column w: weight is not a number"):
        load_graph(
            [EdgeSource(path, "parquet", "s", "d", "w")],
            vid_type="string",
            directed=True,
            weighted=True,
            cache_dir=None,
        )


def test_missing_column(tmp_path: Path) -> None:
    """An unknown column name or index is a TaskFailed listing what exists."""
    path = tmp_path / "e.csv"
    path.write_text("src,dst\n1,2\n")
    with pytest.raises(errors.TaskFailed, match="weight column 'w' not found; columns are src, dst"):
        load_graph(
            [EdgeSource(path, "csv", "src", "dst", "w")],
            vid_type="int64",
            directed=True,
            weighted=True,
            cache_dir=None,
        )
    with pytest.raises(errors.TaskFailed, match="dst column 5 does not exist"):
        load_graph(
            [EdgeSource(path, "csv", 0, 5)], vid_type="int64", directed=True, weighted=False, cache_dir=None
        )


def test_empty_vid(tmp_path: Path) -> None:
    """An empty vertex id is a TaskFailed naming the file, column and row."""
    path = tmp_path / "e.csv"
    path.write_text("src,dst\na,b\n,c\n")
    with pytest.raises(errors.TaskFailed, match=r"e\.csv: column src: empty vertex id in data row 2"):
        load_graph(
            [EdgeSource(path, "csv", "src", "dst")],
            vid_type="string",
            directed=True,
            weighted=False,
            cache_dir=None,
        )


def test_non_integer_vid_for_int64(tmp_path: Path) -> None:
    """A non-integer id with vid_type int64 is a TaskFailed."""
    path = tmp_path / "e.csv"
    path.write_text("1,2\n3,x\n")
    with pytest.raises(errors.TaskFailed, match=r"e\.csv: column #1"):
        load_graph(
            [EdgeSource(path, "csv", 0, 1, has_header=False)],
            vid_type="int64",
            directed=True,
            weighted=False,
            cache_dir=None,
        )


def test_missing_file(tmp_path: Path) -> None:
    """A missing file is a TaskFailed, with or without a cache."""
    for cache in (None, tmp_path / "c"):
        with pytest.raises(errors.TaskFailed, match="cannot read edge file"):
            load_graph(
                [EdgeSource(tmp_path / "nope.csv", "csv")],
                vid_type="int64",
                directed=True,
                weighted=False,
                cache_dir=cache,
            )


def test_progress_reported(tmp_path: Path) -> None:
    """Loading reports 'loading' progress ending at 1.0."""
    path = tmp_path / "e.csv"
    path.write_text("1,2\n")
    events: list[tuple[str, float | None, str]] = []
    load_graph(
        [EdgeSource(path, "csv")],
        vid_type="int64",
        directed=True,
        weighted=False,
        cache_dir=None,
        progress=lambda phase, done, msg: events.append((phase, done, msg)),
    )
    assert events
    assert {e[0] for e in events} == {"loading"}
    assert events[-1][1] == 1.0


def test_damaged_cache_entry_is_rebuilt(tmp_path: Path) -> None:
    """A cache entry with a missing array file is discarded and rebuilt from the source."""
    path = tmp_path / "e.csv"
    path.write_text("1,2\n2,3\n")
    source = [EdgeSource(path, "csv")]
    cache = tmp_path / "cache"
    load_graph(source, vid_type="int64", directed=True, weighted=False, cache_dir=cache)
    (entry,) = [p for p in cache.iterdir() if not p.name.startswith(".")]
    (entry / "indices.npy").unlink()
    g = load_graph(source, vid_type="int64", directed=True, weighted=False, cache_dir=cache)
    assert g.ids.tolist() == [1, 2, 3]
    assert (entry / "indices.npy").exists()
