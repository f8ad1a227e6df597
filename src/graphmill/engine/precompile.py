"""Compile the engine's kernels into numba's on-disk cache before the first jobs need them.

Every kernel is compiled on its first call with each argument type and then kept in numba's
cache (``__pycache__`` beside the sources, or ``NUMBA_CACHE_DIR``).  On a fresh install the
first job of each algorithm pays that compile: seconds per kernel family, minutes for the
whole catalogue on two cores.  Worse, processes that start together (a server's warm workers,
the tasks of one big workflow) each compile the same kernels, and a process killed before it
finishes writes nothing.  ``graphmill compile`` runs every algorithm once on a small graph,
the catalogue split over a few processes, so a Docker build step or a CI job pays it once.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graphmill.engine.loader import EdgeSource
    from graphmill.formats.vid import VidType

#: (task type, parameters): every algorithm, with the variants that reach other kernels
#: (undirected graphs, the Graphalytics variants, weights, float32 ranks).
CASES: tuple[tuple[str, Mapping[str, object]], ...] = (
    ("analytics_pagerank", {}),
    ("analytics_pagerank", {"is_directed": False}),
    ("analytics_pagerank", {"variant": "graphalytics"}),
    ("analytics_pagerank", {"precision": "float32"}),
    ("analytics_bfs", {"root": "v1"}),
    ("analytics_bfs", {"root": "v1", "is_directed": False}),
    ("analytics_bfs", {"root": "v1", "variant": "graphalytics"}),
    ("analytics_sssp", {"root": "v1"}),
    ("analytics_sssp", {"root": "v1", "variant": "graphalytics"}),
    ("analytics_shortest_path", {"src": "v1", "dst": "v9"}),
    ("analytics_apsp", {}),
    ("analytics_wcc", {}),
    ("analytics_wcc", {"variant": "graphalytics"}),
    ("analytics_scc", {}),
    ("analytics_lpa", {}),
    ("analytics_lpa", {"variant": "graphalytics"}),
    ("analytics_hanp", {}),
    ("analytics_louvain", {}),
    ("analytics_infomap", {}),
    ("analytics_kcore", {}),
    ("analytics_kcore", {"is_directed": False}),
    ("analytics_triangle_count", {}),
    ("analytics_clustering_coefficient", {}),
    ("analytics_clustering_coefficient", {"type": "global"}),
    ("analytics_clustering_coefficient", {"variant": "graphalytics"}),
    ("analytics_nstepdegrees", {}),
    ("analytics_degree_with_time", {}),
    ("analytics_jaccard_similarity", {"ids1": "v1,v2"}),
    ("analytics_bnc", {}),
    ("analytics_cnc", {}),
    ("analytics_hyperanf", {}),
    ("analytics_node2vec", {}),
    ("analytics_node2vec", {"is_weighted": True}),
    ("analytics_tree_stat", {"root": "v1"}),
)


@dataclass(frozen=True, slots=True)
class Compiled:
    """What one process compiled (or loaded from the cache) and how long it took."""

    cases: int
    failed: tuple[str, ...]
    seconds: float


def _edges() -> list[tuple[int, int, int]]:
    """A small weighted graph: hubs, cycles and a second component."""
    return [(i, (i * 7 + 3) % 60, 1 + i % 5) for i in range(120)] + [(i, i + 1, 2) for i in range(60, 70)]


def _sources(
    folder: Path,
) -> list[tuple[EdgeSource, VidType, Callable[[Mapping[str, object]], Mapping[str, object]]]]:
    """The graph as a weighted CSV with string ids and as an unweighted Parquet file with integer
    ids (as a graph-store query hands it over): the loader gives each other array types.  Each
    comes with its vid type and what turns the cases' vertex names into its ids."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from graphmill.engine.loader import EdgeSource

    edges = _edges()
    csv = folder / "edges.csv"
    csv.write_text("".join(f"v{s},v{d},{w}\n" for s, d, w in edges))
    parquet = folder / "edges.parquet"
    pq.write_table(pa.table({"src": [s for s, _, _ in edges], "dst": [d for _, d, _ in edges]}), parquet)
    return [
        (EdgeSource(path=csv, format="csv", src=0, dst=1, weight=2, has_header=False), "string", dict),
        (EdgeSource(path=parquet, format="parquet", src="src", dst="dst"), "int64", _integer_ids),
    ]


def compile_cases(cases: Sequence[tuple[str, Mapping[str, object]]], with_build: bool) -> Compiled:
    """Run ``cases`` on the small graph (and the graph-build warm-up when ``with_build``)."""
    from graphmill.engine.base import NullProgress
    from graphmill.engine.execute import run_task, warm_up_kernels

    started = time.perf_counter()
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="graphmill-compile-") as tmp:
        if with_build:
            warm_up_kernels()
        sources = _sources(Path(tmp))
        for n, (task_type, params) in enumerate(cases):
            for source, vid_type, ids_for in sources:
                # Twice, over a graph cache of its own: a server's first task on a graph gets
                # freshly built arrays, the next ones read-only arrays mapped from the cache,
                # and numba compiles each kind apart.
                cache = Path(tmp) / f"cache-{n}-{source.format}"
                for attempt in range(2):
                    try:
                        run_task(
                            task_type,
                            ids_for(params),
                            (source,),
                            cache / f"out{attempt}",
                            vid_type=vid_type,
                            cache_dir=cache / "graphs",
                            progress=NullProgress(),
                        )
                    except Exception as exc:  # reported; the other kernels still compile
                        failed.append(f"{task_type} {dict(params)} on {source.format}: {exc}")
    return Compiled(len(cases), tuple(failed), time.perf_counter() - started)


def _integer_ids(params: Mapping[str, object]) -> Mapping[str, object]:
    """The parameters naming vertices ("v1,v2") for the integer-id graph ("1,2")."""
    return {
        k: v.replace("v", "") if isinstance(v, str) and v.startswith("v") else v for k, v in params.items()
    }


def compile_all(processes: int | None = None) -> list[Compiled]:
    """Every case, dealt round-robin over ``processes`` fresh processes (default: the CPUs)."""
    count = max(1, min(processes or os.cpu_count() or 1, len(CASES)))
    shares = [CASES[i::count] for i in range(count)]
    # Fresh interpreters ("spawn"): a forked copy of a process that already loaded kernels would
    # find them in memory and write nothing to the cache.
    with ProcessPoolExecutor(count, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(compile_cases, share, i == 0) for i, share in enumerate(shares)]
        return [f.result() for f in futures]
