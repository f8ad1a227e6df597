"""Node importance beyond PageRank/degrees: KCore, DegreeWithTime, Betweenness, Closeness."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from graphmill.engine.algorithms._common import (
    IS_DIRECTED,
    OLD_ITERATIONS,
    SEED,
    kernels,
    major_component,
    make_table,
    oriented,
    resolve_vertex,
    threads,
    undirected_view,
)
from graphmill.engine.algorithms.base import (
    MAX_COUNT,
    MAX_ITERATIONS,
    AlgorithmSpec,
    OutputColumn,
    Params,
    ParamSpec,
)
from graphmill.engine.algorithms.centrality import degree_columns
from graphmill.engine.base import Progress
from graphmill.engine.graph import Graph

__all__ = [
    "BETWEENNESS",
    "CLOSENESS",
    "DEGREE_WITH_TIME",
    "KCORE",
    "SPECS",
    "betweenness",
    "closeness",
    "core_numbers",
    "parse_time",
]

FloatArray = npt.NDArray[np.float64]
VID_VALUE_DOUBLE = [OutputColumn("VID", "vid"), OutputColumn("VALUE", "double")]

# -- KCore ---------------------------------------------------------------------------------


def core_numbers(graph: Graph) -> npt.NDArray[np.int64]:
    """Core number of every vertex of the undirected multigraph behind ``graph``.

    Direction is ignored; every input edge counts once for both endpoints (parallel edges
    each count; the reverse copies of a graph loaded with ``is_directed=false`` are not
    counted twice); self-loops are ignored.
    """
    if graph.n == 0:
        return np.zeros(0, dtype=np.int64)
    k = kernels()
    if graph.directed:
        inc = graph.in_csr()
        core: npt.NDArray[np.int64] = k.core_numbers_csr(
            graph.indptr, graph.indices, inc.indptr, inc.indices, True
        )
    else:
        empty = np.zeros(1, dtype=np.int64)
        core = k.core_numbers_csr(graph.indptr, graph.indices, empty, graph.indices[:0], False)
    return core


def _kcore_columns(params: Params) -> list[OutputColumn]:
    if params.get("type") == "subgraph":
        return [OutputColumn("VID", "vid"), OutputColumn("VALUE", "vid")]
    return [OutputColumn("VID", "vid"), OutputColumn("VALUE", "int64")]


def _run_kcore(graph: Graph, params: Params, progress: Progress) -> Any:
    kind = str(params["type"])
    progress.log(f"KCore: type={kind} on {graph.n} vertices, {graph.m} edges")
    progress("computing", 0.0, "peeling")
    core = core_numbers(graph)
    progress("computing", 1.0, f"max core number {int(core.max()) if graph.n else 0}")
    columns = _kcore_columns(params)
    if kind == "vertex":
        return make_table(graph, columns, [graph.id_array(), core])
    kmin, kmax = int(params["kmin"]), int(params["kmax"])
    view = undirected_view(graph)
    src = np.repeat(np.arange(graph.n, dtype=np.int64), view.degree())
    keep = (core[src] >= kmin) & (core[src] <= kmax)
    src = src[keep]
    dst = np.asarray(view.idx, dtype=np.int64)[keep]
    order = np.argsort(core[src], kind="stable")
    src, dst = src[order], dst[order]
    progress.log(f"{int(np.unique(src).shape[0])} vertices with core number in [{kmin}, {kmax}]")
    return make_table(graph, columns, [graph.id_array(src), graph.id_array(dst)])


KCORE = AlgorithmSpec(
    type="analytics_kcore",
    name="KCore",
    group="nodeImportance",
    params=(
        ParamSpec(
            "type",
            "string",
            "vertex",
            choices=("vertex", "subgraph"),
            doc="vertex: core number of every vertex; subgraph: neighbours of the vertices whose core number is in [kmin, kmax]",
        ),
        ParamSpec(
            "kmin", "int", 1, minimum=0, maximum=MAX_COUNT, doc="smallest core number kept (type=subgraph)"
        ),
        ParamSpec(
            "kmax",
            "int",
            1000000,
            minimum=0,
            maximum=MAX_COUNT,
            doc="largest core number kept (type=subgraph)",
        ),
        IS_DIRECTED,
        ParamSpec(
            "vertices", "int", None, minimum=0, doc="older NA docs: vertex count, 0 = counted; not used"
        ),
        ParamSpec("edges", "int", None, minimum=0, doc="older NA docs: edge count, 0 = counted; not used"),
        OLD_ITERATIONS,
    ),
    needs_weight=False,
    output_columns=_kcore_columns,
    run=_run_kcore,
    doc=(
        "k-core decomposition of the undirected multigraph (direction ignored, parallel edges count, "
        "self-loops ignored). type=vertex: VID, VALUE = core number; type=subgraph: one row per "
        "(vertex, distinct neighbour) for vertices whose core number lies in [kmin, kmax], ordered by core number."
    ),
)

# -- DegreeWithTime -----------------------------------------------------------------------------

_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
)


def parse_time(text: str) -> float:
    """Seconds since the Unix epoch of ``yyyy-MM-dd HH:mm:ss[.SSS]`` (UTC) or of a plain number."""
    value = text.strip()
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if math.isfinite(number):
        return number
    for fmt in _TIME_FORMATS:
        try:
            moment = datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
        return moment.timestamp()
    raise ValueError(f"must be a time 'yyyy-MM-dd HH:mm:ss.SSS' or an epoch number; got {text!r}")


def _check_time(value: Any) -> None:
    parse_time(str(value))


def _time_bound(params: Params, name: str, default: float) -> float:
    raw = params.get(name)
    if raw is None:
        return default
    seconds = parse_time(str(raw))
    if _looks_like_text_time(str(raw)) and params.get("time_unit") == "ms":
        return seconds * 1000.0
    return seconds


def _looks_like_text_time(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return True
    return False


def _run_degree_with_time(graph: Graph, params: Params, progress: Progress) -> Any:
    g = oriented(graph, params, progress)
    kind = str(params["type"])
    begin = _time_bound(params, "begin_time", -math.inf)
    end = _time_bound(params, "end_time", math.inf)
    progress.log(
        f"DegreeWithTime: type={kind}, edge times in [{begin}, {end}] ({params['time_unit']}) "
        f"on {g.n} vertices, {g.m} edges"
    )
    progress("computing", 0.0, "counting edges in the time range")
    times = g.weights if g.weights is not None else np.ones(g.m, dtype=np.float64)
    inside = (times >= begin) & (times <= end)
    out_deg = np.bincount(g.sources()[inside], minlength=g.n).astype(np.int64)
    in_deg = np.bincount(g.indices[inside], minlength=g.n).astype(np.int64)
    progress("computing", 1.0, f"{int(inside.sum())} of {g.m} edges in range")
    progress.log(f"{int(inside.sum())} of {g.m} edges have a time in range")
    columns = degree_columns(params)
    if kind == "out":
        return make_table(g, columns, [g.id_array(), out_deg])
    if kind == "in":
        return make_table(g, columns, [g.id_array(), in_deg])
    return make_table(g, columns, [g.id_array(), out_deg + in_deg, out_deg, in_deg])


DEGREE_WITH_TIME = AlgorithmSpec(
    type="analytics_degree_with_time",
    name="DegreeWithTime",
    group="nodeImportance",
    params=(
        ParamSpec(
            "iterations",
            "int",
            10,
            minimum=1,
            maximum=MAX_ITERATIONS,
            doc="accepted for compatibility (EN docs); not used",
        ),
        IS_DIRECTED,
        ParamSpec("type", "string", "both", choices=("in", "out", "both"), doc="which degrees to output"),
        ParamSpec(
            "begin_time",
            "string",
            None,
            check=_check_time,
            doc="earliest edge time counted: 'yyyy-MM-dd HH:mm:ss.SSS' (UTC) or an epoch number; none = unbounded",
        ),
        ParamSpec(
            "end_time",
            "string",
            None,
            check=_check_time,
            doc="latest edge time counted (inclusive), same formats; none = unbounded",
        ),
        ParamSpec(
            "time_unit",
            "string",
            "s",
            choices=("s", "ms"),
            doc="unit of the edge times (ranks) when begin/end are given as dates: seconds or milliseconds",
        ),
    ),
    needs_weight=True,
    output_columns=degree_columns,
    run=_run_degree_with_time,
    doc=(
        "Degrees counting only edges whose time lies in [begin_time, end_time]. The edge time is the "
        "column the server loads as weight — for this algorithm the edge rank (needs_weight=True means "
        "'needs the time column'); edges without one have time 1.0. Parallel edges each count."
    ),
)

# -- Betweenness ----------------------------------------------------------------------------------

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
    k = kernels()
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
    k = kernels()
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


SPECS = (KCORE, DEGREE_WITH_TIME, BETWEENNESS, CLOSENESS)
