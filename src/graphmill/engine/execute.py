"""One call for a worker: parse parameters, load the graph, run the algorithm, write the result."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa

from graphmill.engine.base import Progress
from graphmill.engine.csr import csr_from_codes, encode_ids
from graphmill.engine.graph import Graph, VidType
from graphmill.engine.loader import EdgeSource, load_graph_deferred
from graphmill.engine.registry import get_algorithm
from graphmill.engine.results import ResultManifest, write_result

__all__ = ["run_task", "warm_up_kernel_steps", "warm_up_kernels"]


def run_task(
    task_type: str,
    raw_params: Mapping[str, object],
    sources: Sequence[EdgeSource],
    out_dir: Path,
    *,
    vid_type: VidType | None,
    cache_dir: Path | None,
    progress: Progress,
) -> ResultManifest:
    """Run one algorithm task end to end and return the manifest of its result.

    The graph is loaded directed or not as the parameters say (``is_directed``), with
    weights when the algorithm needs them.  Raises ``errors.ParamError`` for bad
    parameters and ``errors.TaskFailed`` for bad data or a failed run.
    """
    spec = get_algorithm(task_type)
    params = spec.parse_params(raw_params)
    progress.log(f"{spec.name} parameters: {', '.join(f'{k}={v}' for k, v in params.items())}")
    progress("loading", 0.0, "reading edges")
    graph, cache_write = load_graph_deferred(
        sources,
        vid_type=vid_type,
        directed=spec.directed(params),
        weighted=spec.needs_weight,
        cache_dir=cache_dir,
        progress=progress,
    )
    progress.log(
        f"graph: {graph.n} vertices, {graph.m} edges ({'directed' if graph.directed else 'undirected'})"
    )
    try:
        table = spec.run(graph, params, progress)
        progress("writing", 0.0, f"writing {table.num_rows} rows")
        manifest = write_result(table, out_dir, float_format=spec.float_format(params), progress=progress)
    finally:
        cache_write.wait()  # the cache entry was written while the algorithm ran
    progress("writing", 1.0, f"wrote {manifest.rows} rows")
    progress.log(f"result: {manifest.rows} rows, columns {', '.join(manifest.columns)}")
    return manifest


def warm_up_kernels() -> None:
    """Load every compiled kernel ``warm_up_kernel_steps`` loads, all at once."""
    for _ in warm_up_kernel_steps():
        pass


def warm_up_kernel_steps() -> Iterator[str]:
    """Load the compiled graph-build, transpose, PageRank, SSSP, BFS and KCore kernels, as a big graph would use them.

    Compiled kernels load from numba's on-disk cache on their first call with each argument
    type, which costs a fresh worker 0.2–1.5 s per kernel family; tiny inputs of the types a
    real load produces (Arrow id chunks, dense and dictionary-encoded, weighted or not,
    freshly built or memory-mapped read-only from the graph cache) make a warm worker pay it
    before its first task instead.

    One step at a time, each yielding its name when done, so a worker given a task can stop
    between steps (the task then loads what it needs itself).  Most valuable first: every
    task builds a graph; a first job on a graph gets freshly built arrays, later ones
    read-only arrays mapped from the cache.
    """
    from graphmill.engine.algorithms.node_importance.kcore import warm_up as warm_up_kcore
    from graphmill.engine.algorithms.node_importance.pagerank import warm_up as warm_up_pagerank
    from graphmill.engine.algorithms.path.traversal import warm_up as warm_up_paths

    src = np.array([0, 1, 2, 3, 4, 5, 6, 7, 0, 2] * 3, dtype=np.int64)
    dst = np.array([1, 2, 3, 4, 5, 6, 7, 0, 4, 6] * 3, dtype=np.int64)
    m = src.shape[0]
    weights = np.linspace(0.5, 1.5, m)
    read_only_weights = weights.copy()  # Parquet's weight column reaches the build read-only
    read_only_weights.setflags(write=False)
    for chunks, integer, kind in (
        ([pa.array(src), pa.array(dst)], True, "dense"),  # a compact id range: direct table
        ([pa.array(src << 40), pa.array(dst << 40)], True, "sparse"),  # dictionary-encoded
        ([pa.array(src).cast(pa.large_string()), pa.array(dst).cast(pa.large_string())], False, "string"),
    ):
        codes = encode_ids(chunks, integer=integer, compiled=True)
        s, d = codes.codes[:m], codes.codes[m:]
        for w in (None, weights, read_only_weights):
            for directed in (True, False):
                csr_from_codes(s, d, w, codes.n, directed=directed, compiled=True)
        yield f"build ({kind} ids)"
    indptr, indices, _ = csr_from_codes(s, d, None, codes.n, directed=True, compiled=True)
    for read_only in (False, True):  # built in this task, or memory-mapped from the cache
        arrays = [indptr.copy(), indices.copy()]
        for array in arrays:
            array.setflags(write=not read_only)
        graph = Graph(codes.n, codes.ids, "int64", True, arrays[0], arrays[1], None)
        kind = "read-only" if read_only else "fresh"
        graph.in_csr()
        yield f"transpose ({kind})"
        warm_up_pagerank(graph)
        yield f"PageRank ({kind})"
        warm_up_paths(graph)
        yield f"SSSP and BFS ({kind})"
        warm_up_kcore(graph)
        yield f"KCore ({kind})"
