"""The graph cache is bounded: LRU eviction to a budget, stale entries dropped, listed and cleared."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from graphmill.cli.main import cli
from graphmill.engine import graph_cache
from graphmill.engine.graph import IN_EDGES, Graph
from graphmill.engine.loader import EdgeSource, load_graph, load_graph_deferred


def edges_file(root: Path, name: str, n: int) -> EdgeSource:
    path = root / f"{name}.parquet"
    pq.write_table(pa.table({"src": list(range(n)), "dst": [(i + 1) % n for i in range(n)]}), path)
    return EdgeSource(path=path, format="parquet", src="src", dst="dst", weight=None, has_header=True)


def load(source: EdgeSource, cache_dir: Path) -> None:
    load_graph([source], vid_type="int64", directed=True, weighted=False, cache_dir=cache_dir)


def last_used(cache_dir: Path, ages_s: dict[str, float]) -> None:
    """Set each entry's last use ``ages_s[source stem]`` seconds ago (file times are coarse)."""
    now = time.time()
    for entry in graph_cache.entries(cache_dir):
        when = now - ages_s[Path(entry.sources[0]).stem]
        os.utime(entry.path / "meta.json", (when, when))


def keys_by_source(cache_dir: Path) -> list[str]:
    return [Path(e.sources[0]).stem for e in graph_cache.entries(cache_dir)]


def test_least_recently_used_entries_go_first_until_the_cache_fits(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    sources = [edges_file(tmp_path, name, 5000) for name in "abc"]
    for source in sources:
        load(source, cache)
    last_used(cache, {"a": 300, "b": 200, "c": 100})
    load(sources[0], cache)  # a cache hit makes a the most recently used
    assert keys_by_source(cache) == ["a", "c", "b"]
    total = sum(e.size_bytes for e in graph_cache.entries(cache))
    removed = graph_cache.enforce(cache, total - 1)
    assert [Path(e.sources[0]).stem for e in removed] == ["b"]
    assert keys_by_source(cache) == ["a", "c"]
    graph_cache.enforce(cache, 1)
    assert keys_by_source(cache) == ["a"]  # the most recent entry stays even over the budget


def test_in_edges_a_task_built_stay_with_the_entry_and_count_in_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """KCore's (or InfoMap's) transpose is added to the cache entry: the next load on the same
    data maps it instead of building it, and the budget counts its files."""
    cache = tmp_path / "cache"
    source = edges_file(tmp_path, "a", 1000)
    graph, pending = load_graph_deferred(
        [source], vid_type="int64", directed=True, weighted=False, cache_dir=cache
    )
    pending.wait()
    (bare,) = graph_cache.entries(cache)
    in_ptr, sources = graph.in_edges()
    pending.wait()  # the derived files are written in the background
    (entry,) = graph_cache.entries(cache)
    added = sorted(p for p in entry.path.iterdir() if p.name.startswith(f"derived-{IN_EDGES}"))
    assert len(added) == 3  # indptr, sources and the index file
    assert entry.size_bytes == bare.size_bytes + sum(p.stat().st_size for p in added)

    def no_transpose(self: Graph, *, with_edge_ids: bool) -> None:
        raise AssertionError("the transpose was rebuilt")

    monkeypatch.setattr(Graph, "_transpose", no_transpose)
    hit, pending = load_graph_deferred(
        [source], vid_type="int64", directed=True, weighted=False, cache_dir=cache
    )
    mapped = hit.in_edges_if_present()
    assert mapped is not None
    assert not mapped[1].flags.writeable  # memory-mapped from the entry
    assert np.array_equal(mapped[0], in_ptr)
    assert np.array_equal(mapped[1], sources)
    assert hit.in_edges()[1] is mapped[1]
    pending.wait()
    assert graph_cache.enforce(cache, entry.size_bytes) == []
    other = edges_file(tmp_path, "b", 100)
    load(other, cache)  # now the most recent: "a", with its in-edges, no longer fits beside it
    removed = graph_cache.enforce(cache, entry.size_bytes)
    assert [Path(e.sources[0]).stem for e in removed] == ["a"]


def test_entries_of_replaced_data_are_stale_and_dropped(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    a = edges_file(tmp_path, "a", 100)
    b = edges_file(tmp_path, "b", 100)
    load(a, cache)
    load(b, cache)
    assert [e.stale for e in graph_cache.entries(cache)] == [False, False]
    edges_file(tmp_path, "a", 120)  # a new version of the same file
    stale = {Path(e.sources[0]).stem: e.stale for e in graph_cache.entries(cache)}
    assert stale == {"a": True, "b": False}
    removed = graph_cache.enforce(cache, 10 * 2**30)
    assert [Path(e.sources[0]).stem for e in removed] == ["a"]
    assert keys_by_source(cache) == ["b"]


def test_cache_command_lists_and_clears(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    cache = data_dir.resolve() / "cache" / "graphs"
    a = edges_file(tmp_path, "a", 100)
    b = edges_file(tmp_path, "b", 100)
    load(a, cache)
    load(b, cache)
    edges_file(tmp_path, "b", 150)
    runner = CliRunner()
    listed = runner.invoke(cli, ["cache", "list", "--data-dir", str(data_dir)])
    assert listed.exit_code == 0, listed.output
    assert "2 entries" in listed.output
    assert listed.output.count("stale") == 1
    assert str(a.path.resolve()) in listed.output
    cleared = runner.invoke(cli, ["cache", "clear", "--stale", "--data-dir", str(data_dir)])
    assert cleared.output.startswith("removed 1 entries")
    assert keys_by_source(cache) == ["a"]
    key = graph_cache.entries(cache)[0].key
    cleared = runner.invoke(cli, ["cache", "clear", key[:8], "--data-dir", str(data_dir)])
    assert cleared.output.startswith("removed 1 entries")
    assert graph_cache.entries(cache) == []
