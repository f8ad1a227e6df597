"""Node importance: PageRank (``analytics_pagerank``) and DegreeCentrality (``analytics_nstepdegrees``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from graphmill import errors
from graphmill.engine.algorithms._common import IS_DIRECTED, VARIANT, is_small, make_table, oriented
from graphmill.engine.algorithms.base import (
    MAX_ITERATIONS,
    AlgorithmSpec,
    OutputColumn,
    Params,
    ParamSpec,
)
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph

__all__ = ["DEGREE_CENTRALITY", "PAGERANK", "SPECS", "degree_columns", "hll_reach_counts", "pagerank"]

FloatArray = npt.NDArray[np.float64]

# -- PageRank ------------------------------------------------------------------------------


#: Up to this many iterations PageRank pushes along the out-CSR; more pay for an in-CSR (pull).
PUSH_MAX_ITERATIONS = 50


def _step_function(graph: Graph, iterations: int, inv: FloatArray, k: Any) -> Any:
    """One PageRank iteration ``step(rank, damping, base, out) -> L1 change``.

    Pull over the in-CSR is ~10 % faster per iteration but building the in-CSR costs
    about ten iterations, so short runs push over the out-CSR instead (per-block
    accumulators, summed in block order) unless the in-CSR already exists.
    """
    n = graph.n
    if is_small(graph):
        # scipy: no compiled-kernel load for a graph this small.  A is the out-adjacency
        # with parallel edges as separate entries, so Aᵀ·x counts each of them.
        adjacency = sp.csr_array(
            (np.ones(graph.m, dtype=np.float64), graph.indices, graph.indptr), shape=(n, n)
        )
        pull_matrix = adjacency.T.tocsr()

        def scipy_step(rank: FloatArray, damping: float, base: float, out: FloatArray) -> float:
            np.multiply(pull_matrix @ (rank * inv), damping, out=out)
            out += base
            return float(np.abs(out - rank).sum())

        return scipy_step
    if iterations > PUSH_MAX_ITERATIONS or "in_csr" in graph._cache:
        inc = graph.in_csr()
        contrib = np.empty(n, dtype=np.float64)

        def pull(rank: FloatArray, damping: float, base: float, out: FloatArray) -> float:
            return float(k.pagerank_step(inc.indptr, inc.indices, inv, rank, contrib, damping, base, out))

        return pull
    from graphmill.engine.algorithms._common import threads

    blocks = max(1, threads())
    bounds = np.searchsorted(graph.indptr, np.linspace(0, graph.m, blocks + 1), side="left").astype(np.int64)
    bounds[0], bounds[-1] = 0, n
    acc = np.zeros((blocks, n), dtype=np.float64)

    def push(rank: FloatArray, damping: float, base: float, out: FloatArray) -> float:
        return float(k.pagerank_push(graph.indptr, graph.indices, bounds, inv, rank, acc, damping, base, out))

    return push


def pagerank(
    graph: Graph,
    *,
    iterations: int,
    damping: float,
    eps: float,
    variant: str,
    progress: Progress,
) -> FloatArray:
    """PageRank of every vertex of ``graph`` (already oriented).

    ``variant="na"`` (NebulaGraph Analytics / Plato, unnormalised): every vertex starts at
    1.0 and ``PR(v) = (1-d) + d * sum_{u->v} PR(u)/outdeg(u)``; rank held by dangling
    vertices is dropped; parallel edges each count; weights are ignored.  Iteration stops
    after ``iterations`` rounds, or after the first round whose L1 change
    ``sum |PR_new - PR_old|`` is below ``eps``.  (Plato runs one more round after that;
    graphmill follows the written spec and stops.)

    ``variant="graphalytics"`` (LDBC): start at ``1/n``; ``PR(v) = (1-d)/n +
    d * sum_{u->v} PR(u)/outdeg(u) + d/n * (rank of all sinks)``; exactly ``iterations``
    rounds, no convergence test.
    """
    n = graph.n
    if n == 0:
        return np.zeros(0, dtype=np.float64)
    from graphmill.engine.algorithms._common import kernels

    k = kernels()
    outdeg = graph.out_degree()
    inv = np.zeros(n, dtype=np.float64)
    np.divide(1.0, outdeg, out=inv, where=outdeg > 0)
    new = np.empty(n, dtype=np.float64)
    step = _step_function(graph, iterations, inv, k)
    if variant == "graphalytics":
        sinks = outdeg == 0
        rank = np.full(n, 1.0 / n)
        for it in range(1, iterations + 1):
            sink_mass = float(rank[sinks].sum())
            base = (1.0 - damping) / n + damping * sink_mass / n
            step(rank, damping, base, new)
            rank, new = new, rank
            progress("computing", it / iterations, f"iteration {it} of {iterations}")
        return rank
    rank = np.ones(n, dtype=np.float64)
    delta = math.inf
    for it in range(1, iterations + 1):
        delta = step(rank, damping, 1.0 - damping, new)
        rank, new = new, rank
        progress("computing", it / iterations, f"iteration {it} of {iterations}, L1 change {delta:.6g}")
        if delta < eps:
            progress.log(f"converged after {it} iterations (L1 change {delta:.6g} < eps {eps:g})")
            break
    else:
        progress.log(f"stopped after {iterations} iterations (L1 change {delta:.6g}, eps {eps:g})")
    return rank


def _pagerank_columns(params: Params) -> list[OutputColumn]:
    return [OutputColumn("VID", "vid"), OutputColumn("VALUE", "double")]


def _run_pagerank(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    progress.log(
        f"PageRank ({params['variant']}): iterations={params['iterations']} damping={params['damping']} "
        f"eps={params['eps']} on {g.n} vertices, {g.m} edges"
    )
    progress("computing", 0.0, f"iteration 0 of {params['iterations']}")
    rank = pagerank(
        g,
        iterations=int(params["iterations"]),
        damping=float(params["damping"]),
        eps=float(params["eps"]),
        variant=str(params["variant"]),
        progress=progress,
    )
    return make_table(g, _pagerank_columns(params), [g.id_array(), rank])


PAGERANK = AlgorithmSpec(
    type="analytics_pagerank",
    name="PageRank",
    group="nodeImportance",
    params=(
        ParamSpec(
            "iterations", "int", 10, minimum=1, maximum=MAX_ITERATIONS, doc="maximum number of iterations"
        ),
        IS_DIRECTED,
        ParamSpec(
            "eps",
            "float",
            0.0001,
            minimum=0.0,
            doc="stop once the L1 change of an iteration is below this; 0 runs every iteration",
        ),
        ParamSpec("damping", "float", 0.85, minimum=0.0, maximum=1.0, doc="damping factor"),
        VARIANT,
    ),
    needs_weight=False,
    output_columns=_pagerank_columns,
    run=_run_pagerank,
    doc=(
        "PageRank as NebulaGraph Analytics computes it (unnormalised, start 1.0, dangling rank "
        "dropped, edge weights ignored), or the LDBC Graphalytics definition with variant=graphalytics."
    ),
)

# -- DegreeCentrality (n-step degrees) -------------------------------------------------------

#: Memory the HyperLogLog registers may take (two copies of n x 2**bits bytes).
HLL_MEMORY_LIMIT_BYTES = 4 * 2**30
_CHUNK_BYTES = 64 * 2**20
_POPCOUNT8 = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def _splitmix64(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _leading_zeros(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
    """Leading zero bits of each 64-bit value (64 for zero)."""
    smeared = x.copy()
    for shift in (1, 2, 4, 8, 16, 32):
        smeared |= smeared >> np.uint64(shift)
    ones: npt.NDArray[np.int64] = _POPCOUNT8[smeared.view(np.uint8).reshape(-1, 8)].sum(
        axis=1, dtype=np.int64
    )
    return 64 - ones


def _hll_init(n: int, bits: int) -> npt.NDArray[np.uint8]:
    registers = np.zeros((n, 1 << bits), dtype=np.uint8)
    h = _splitmix64(np.arange(n, dtype=np.uint64))
    bucket = (h >> np.uint64(64 - bits)).astype(np.int64)
    rest = h << np.uint64(bits)
    rho = np.minimum(_leading_zeros(rest) + 1, 64 - bits + 1)
    registers[np.arange(n), bucket] = rho.astype(np.uint8)
    return registers


def _hll_estimate(registers: npt.NDArray[np.uint8]) -> FloatArray:
    m = registers.shape[1]
    alpha = {16: 0.673, 32: 0.697, 64: 0.709}.get(m, 0.7213 / (1.0 + 1.079 / m))
    inv_pow = np.ldexp(1.0, -np.arange(66))
    out = np.empty(registers.shape[0], dtype=np.float64)
    step = max(1, _CHUNK_BYTES // (8 * m))
    for start in range(0, registers.shape[0], step):
        block = registers[start : start + step]
        harmonic = inv_pow[block].sum(axis=1)
        raw = alpha * m * m / harmonic
        zeros = (block == 0).sum(axis=1)
        small = (raw <= 2.5 * m) & (zeros > 0)
        with np.errstate(divide="ignore"):
            linear = m * np.log(m / np.maximum(zeros, 1))
        out[start : start + step] = np.where(small, linear, raw)
    return out


def _hll_step(
    registers: npt.NDArray[np.uint8], indptr: npt.NDArray[np.int64], indices: npt.NDArray[Any]
) -> tuple[npt.NDArray[np.uint8], bool]:
    """One round: each vertex merges (register-wise max) the counters of its CSR neighbours."""
    n, m = registers.shape
    new = registers.copy()
    edges_per_chunk = max(1, _CHUNK_BYTES // m)
    start = 0
    while start < n:
        # grow the vertex range until it holds about edges_per_chunk edges
        end = int(np.searchsorted(indptr, indptr[start] + edges_per_chunk, side="right")) - 1
        end = min(max(end, start + 1), n)
        e0, e1 = int(indptr[start]), int(indptr[end])
        if e1 > e0:
            deg = np.diff(indptr[start : end + 1])
            rows = np.nonzero(deg)[0]
            offsets = (indptr[start : end + 1][rows] - e0).astype(np.int64)
            gathered = registers[indices[e0:e1]]
            merged = np.maximum.reduceat(gathered, offsets, axis=0)
            target = rows + start
            new[target] = np.maximum(new[target], merged)
        start = end
    changed = bool((new != registers).any())
    return new, changed


def hll_reach_counts(
    indptr: npt.NDArray[np.int64],
    indices: npt.NDArray[Any],
    n: int,
    *,
    step: int,
    bits: int,
    progress: Progress,
    label: str,
) -> npt.NDArray[np.int64]:
    """Estimated number of *other* vertices reachable within ``step`` hops along the CSR.

    HyperLogLog counters with ``2**bits`` registers per vertex (HyperANF style): each
    vertex starts with a counter holding itself; each round it merges its neighbours'
    counters.  ``step = -1`` runs until no counter changes.
    """
    need = 2 * n * (1 << bits)
    if need > HLL_MEMORY_LIMIT_BYTES:
        raise errors.TaskFailed(
            f"n-step degrees with bits={bits} need {need / 2**30:.1f} GiB of counters for {n} vertices "
            f"(limit {HLL_MEMORY_LIMIT_BYTES / 2**30:.0f} GiB); use a smaller bits"
        )
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    registers = _hll_init(n, bits)
    rounds = step if step > 0 else n
    for r in range(1, rounds + 1):
        registers, changed = _hll_step(registers, indptr, indices)
        total = f" of {step}" if step > 0 else ""
        progress("computing", r / step if step > 0 else None, f"{label}: step {r}{total}")
        if not changed:
            progress.log(f"{label}: counters stable after step {r}")
            break
    estimate = _hll_estimate(registers)
    return np.maximum(np.rint(estimate).astype(np.int64) - 1, 0)


def degree_columns(params: Params) -> list[OutputColumn]:
    """The output of DegreeCentrality and DegreeWithTime, by ``type`` (in / out / both)."""
    kind = params.get("type", "both")
    if kind == "out":
        return [OutputColumn("VID", "vid"), OutputColumn("OUT_DEGREE", "int64")]
    if kind == "in":
        return [OutputColumn("VID", "vid"), OutputColumn("IN_DEGREE", "int64")]
    return [
        OutputColumn("VID", "vid"),
        OutputColumn("BOTH_DEGREE", "int64"),
        OutputColumn("OUT_DEGREE", "int64"),
        OutputColumn("IN_DEGREE", "int64"),
    ]


def _run_degrees(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    kind = str(params["type"])
    step = int(params["step"])
    bits = int(params["bits"])
    progress.log(f"DegreeCentrality: type={kind} step={step} bits={bits} on {g.n} vertices, {g.m} edges")
    out_deg: npt.NDArray[np.int64] | None = None
    in_deg: npt.NDArray[np.int64] | None = None
    if step == 1:
        progress("computing", 0.0, "counting degrees")
        if kind in ("out", "both"):
            out_deg = g.out_degree()
        if kind in ("in", "both"):
            in_deg = g.in_degree()
        progress("computing", 1.0, "degrees counted")
    else:
        progress.log(f"{step if step > 0 else 'unbounded'}-step degrees are HyperLogLog estimates")
        if kind in ("out", "both"):
            out_deg = hll_reach_counts(
                g.indptr, g.indices, g.n, step=step, bits=bits, progress=progress, label="out"
            )
        if kind in ("in", "both"):
            inc = g.in_csr()
            in_deg = hll_reach_counts(
                inc.indptr, inc.indices, g.n, step=step, bits=bits, progress=progress, label="in"
            )
    columns = degree_columns(params)
    if kind == "out":
        values: list[Any] = [g.id_array(), out_deg]
    elif kind == "in":
        values = [g.id_array(), in_deg]
    else:
        assert out_deg is not None
        assert in_deg is not None
        values = [g.id_array(), out_deg + in_deg, out_deg, in_deg]
    return make_table(g, columns, values)


DEGREE_CENTRALITY = AlgorithmSpec(
    type="analytics_nstepdegrees",
    name="DegreeCentrality",
    group="nodeImportance",
    params=(
        IS_DIRECTED,
        ParamSpec(
            "step",
            "int",
            3,
            minimum=1,
            maximum=MAX_ITERATIONS,
            special=(-1,),
            doc="hops to count; -1 means unbounded; 1 gives exact degrees",
        ),
        ParamSpec("bits", "int", 6, minimum=4, maximum=16, doc="HyperLogLog register index width"),
        ParamSpec("type", "string", "both", choices=("in", "out", "both"), doc="which degrees to output"),
    ),
    needs_weight=False,
    output_columns=degree_columns,
    run=_run_degrees,
    doc=(
        "In/out degrees. step=1: exact counts (parallel edges and self-loops count); other steps: "
        "HyperLogLog estimate of the number of distinct vertices within `step` hops."
    ),
)

SPECS = (PAGERANK, DEGREE_CENTRALITY)
