"""BetweennessCentrality (exact / Bader sampling) and ClosenessCentrality."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from graphmill.engine.algorithms._common import (
    IS_DIRECTED,
    OLD_ITERATIONS,
    SEED,
    major_component,
    make_table,
    oriented,
    resolve_vertex,
    threads,
)
from graphmill.engine.algorithms.base import MAX_COUNT, AlgorithmSpec, OutputColumn, Params, ParamSpec
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph

__all__ = ["BETWEENNESS", "CLOSENESS", "betweenness", "closeness"]

VID_VALUE_DOUBLE = [OutputColumn("VID", "vid"), OutputColumn("VALUE", "double")]
FloatArray = npt.NDArray[np.float64]


#: Source batch of the sampled mode (fixed, so the stopping point never depends on threads).
_BADER_BATCH = 8
_EXACT_CHUNK = 2048


def betweenness(
    graph: Graph,
    *,
    iterations: int,
    chosen: int | None,
    constant: float,
    seed: int,
    progress: Progress,
) -> FloatArray:
    """Betweenness of every vertex of ``graph`` (already oriented; hop counts, no weights).

    ``iterations == 0``: exact Brandes over every source.  Otherwise Bader's adaptive
    sampling as NebulaGraph Analytics (Plato ``bader.hpp``) does it: sources are drawn
    without replacement from the largest weakly connected component (size N, order from
    ``seed``); sampling stops after ``iterations`` sources or once the summed dependency
    of the ``chosen`` vertex (random major-component vertex when ``None``) reaches
    ``constant * N``; the estimate is ``N * sum / k`` for k sampled sources.
    """
    n = graph.n
    if n == 0:
        return np.zeros(0, dtype=np.float64)
    from graphmill.engine.algorithms.node_importance import betweenness_kernels as k

    nthreads = threads()
    if iterations == 0:
        bc = np.zeros(n, dtype=np.float64)
        for start in range(0, n, _EXACT_CHUNK):
            sources = np.arange(start, min(n, start + _EXACT_CHUNK), dtype=np.int64)
            bc += k.brandes(graph.indptr, graph.indices, sources, nthreads)
            done = min(n, start + _EXACT_CHUNK)
            progress("computing", done / n, f"{done} of {n} sources")
        return bc
    major = major_component(graph)
    rng = np.random.default_rng(seed)
    if chosen is None:
        chosen = int(major[rng.integers(major.shape[0])])
        progress.log(f"chosen vertex (random, seed {seed}): {graph.id_of(chosen)!r}")
    order = rng.permutation(major)
    limit = min(iterations, order.shape[0])
    threshold = constant * major.shape[0]
    bc = np.zeros(n, dtype=np.float64)
    dependency = 0.0
    used = 0
    batch = max(1, min(_BADER_BATCH, 2**27 // max(n, 1)))
    while used < limit and dependency < threshold:
        sources = order[used : min(limit, used + batch)]
        rows = k.brandes_each(graph.indptr, graph.indices, sources, chosen)
        for row, source in zip(rows, sources, strict=True):
            bc += row
            used += 1
            if source != chosen:
                dependency += float(row[chosen])
            if used >= limit or dependency >= threshold:
                break
        progress("computing", used / limit, f"{used} of at most {limit} sources")
    progress.log(
        f"sampled {used} sources of the largest component ({major.shape[0]} vertices); "
        f"dependency of the chosen vertex {dependency:.6g} (stop at {threshold:.6g})"
    )
    result: FloatArray = bc * (major.shape[0] / used)
    return result


def _run_betweenness(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    chosen_raw = str(params["chosen"])
    chosen = None if chosen_raw == "-1" else resolve_vertex(g, chosen_raw, "chosen")
    iterations = int(params["iterations"])
    mode = "exact" if iterations == 0 else f"sampled (at most {iterations} sources)"
    progress.log(f"Betweenness {mode} on {g.n} vertices, {g.m} edges")
    progress("computing", 0.0, "sources 0")
    bc = betweenness(
        g,
        iterations=iterations,
        chosen=chosen,
        constant=float(params["constant"]),
        seed=int(params["seed"]),
        progress=progress,
    )
    return make_table(g, VID_VALUE_DOUBLE, [g.id_array(), bc])


BETWEENNESS = AlgorithmSpec(
    type="analytics_bnc",
    name="BetweennessCentrality",
    group="nodeImportance",
    params=(
        ParamSpec(
            "iterations",
            "int",
            10,
            minimum=0,
            maximum=MAX_COUNT,
            doc="most sampled sources; 0 = exact (every vertex a source)",
        ),
        IS_DIRECTED,
        ParamSpec(
            "chosen",
            "vid",
            "-1",
            doc="vertex whose accumulated dependency stops the sampling; -1 = a random one",
        ),
        ParamSpec(
            "constant",
            "float",
            2.0,
            minimum=0.0,
            exclusive_minimum=True,
            doc="sampling stops once the chosen vertex's dependency reaches constant x component size",
        ),
        SEED,
    ),
    needs_weight=False,
    output_columns=lambda params: list(VID_VALUE_DOUBLE),
    run=_run_betweenness,
    doc=(
        "Betweenness centrality over hop-count shortest paths (ordered pairs; an undirected graph counts "
        "each pair in both directions; parallel edges multiply path counts). iterations=0: exact; "
        "otherwise Bader adaptive sampling from the largest component, reproducible with seed."
    ),
)

# -- Closeness ------------------------------------------------------------------------------------


def closeness(graph: Graph, *, num_samples: int, seed: int, progress: Progress) -> FloatArray:
    """Sampled closeness (Eppstein–Wang, as Plato ``david.hpp``) of every vertex.

    ``k = min(num_samples, N)`` sources are drawn without replacement from the largest
    weakly connected component (N vertices).  For each vertex v, ``S(v)`` sums the hop
    distances from the sampled sources that reach v (along edge direction);
    ``closeness(v) = k (N - 1) / (N * S(v))``, and 0 when ``S(v) = 0``.
    """
    n = graph.n
    if n == 0:
        return np.zeros(0, dtype=np.float64)
    major = major_component(graph)
    big_n = major.shape[0]
    rng = np.random.default_rng(seed)
    sample_count = min(num_samples, big_n)
    samples = rng.choice(major, size=sample_count, replace=False).astype(np.int64)
    from graphmill.engine.algorithms.node_importance import betweenness_kernels as k

    total = np.zeros(n, dtype=np.float64)
    chunk = max(1, threads() * 4)
    for start in range(0, sample_count, chunk):
        part = samples[start : start + chunk]
        sums, _count = k.bfs_distance_sums(graph.indptr, graph.indices, part, threads())
        total += sums
        done = min(sample_count, start + chunk)
        progress("computing", done / sample_count, f"{done} of {sample_count} samples")
    if big_n <= 1:
        return np.zeros(n, dtype=np.float64)
    factor = big_n / sample_count / (big_n - 1)
    inverse = total * factor
    out = np.zeros(n, dtype=np.float64)
    np.divide(1.0, inverse, out=out, where=inverse > 0)
    return out


def _run_closeness(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    progress.log(f"Closeness: num_samples={params['num_samples']} on {g.n} vertices, {g.m} edges")
    progress("computing", 0.0, "0 samples")
    values = closeness(g, num_samples=int(params["num_samples"]), seed=int(params["seed"]), progress=progress)
    return make_table(g, VID_VALUE_DOUBLE, [g.id_array(), values])


CLOSENESS = AlgorithmSpec(
    type="analytics_cnc",
    name="ClosenessCentrality",
    group="nodeImportance",
    params=(
        IS_DIRECTED,
        ParamSpec(
            "num_samples", "int", 10, minimum=1, maximum=MAX_COUNT, doc="number of sampled source vertices"
        ),
        SEED,
        OLD_ITERATIONS,
    ),
    needs_weight=False,
    output_columns=lambda params: list(VID_VALUE_DOUBLE),
    run=_run_closeness,
    doc=(
        "Closeness from sampled sources (hop distances along edge direction, sources from the largest "
        "component): k(N-1) / (N * sum of distances from the samples), 0 when no sample reaches the vertex. "
        "num_samples >= N gives the exact reciprocal average distance from the component."
    ),
)
