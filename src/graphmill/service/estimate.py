"""How much memory a task will need, from the size of its input.

A worker's peak resident memory is modelled as ``base + per_edge·m + per_vertex·n``
(bytes), with coefficients per algorithm measured by ``bench/memory_estimate.py`` (the
figures and the measured errors are in ``bench/RESULTS.md``).
Per edge: the Arrow columns read, the CSR and its transpose, the sort temporaries.
Per vertex: the id dictionary, the algorithm's working vectors and the result table.
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 2**20


@dataclass(frozen=True, slots=True)
class InputSize:
    vertices: int
    edges: int
    weighted: bool
    string_ids: bool
    #: False when the vertex count is a guess (files give only an edge count up front).
    exact: bool = True


@dataclass(frozen=True, slots=True)
class Coefficients:
    #: Resident memory of the worker before it reads data (interpreter, numpy, scipy,
    #: pyarrow; numba for the compiled kernels).
    base: float
    per_edge: float
    per_vertex: float


#: Fitted by ``bench/memory_estimate.py --fit`` to cold jobs through a real server (numba's cache
#: filled by ``graphmill compile``; table and method in bench/RESULTS.md, "Memory ceilings per
#: algorithm family").  base: the larger of the worker's peak on a 1,000-edge graph and the fit's
#: intercept, rounded up to 8 MiB.  per_edge, per_vertex: least squares over uniform random graphs
#: of 2M edges / 250k vertices, 8M / 1M and 8M / 4M (int64 ids; the families that read weights
#: loaded with a weight column, so their figures include it), before the margin below.
_COEFFICIENTS: dict[str, Coefficients] = {
    # per_edge from the 201M-edge R-MAT job (10,221 MiB peak, WCC's 9,837 after the same load):
    # the skewed graph needs 49.3 bytes an edge where the uniform ones need 42.8.
    "analytics_pagerank": Coefficients(base=248 * MIB, per_edge=49.3, per_vertex=64.7),
    "analytics_wcc": Coefficients(base=240 * MIB, per_edge=49.9, per_vertex=17.2),
    "analytics_bfs": Coefficients(base=240 * MIB, per_edge=50.0, per_vertex=16.5),
    "analytics_sssp": Coefficients(base=240 * MIB, per_edge=66.2, per_vertex=29.4),
    "analytics_nstepdegrees": Coefficients(base=384 * MIB, per_edge=40.3, per_vertex=231.5),
    "analytics_kcore": Coefficients(base=232 * MIB, per_edge=51.3, per_vertex=18.4),
    "analytics_lpa": Coefficients(base=248 * MIB, per_edge=61.2, per_vertex=73.3),
    "analytics_louvain": Coefficients(base=304 * MIB, per_edge=151.2, per_vertex=60.8),
    "analytics_infomap": Coefficients(base=264 * MIB, per_edge=177.6, per_vertex=81.5),
    "analytics_scc": Coefficients(base=240 * MIB, per_edge=50.6, per_vertex=15.4),
    "analytics_triangle_count": Coefficients(base=264 * MIB, per_edge=92.9, per_vertex=126.5),
    # Default parameters: betweenness' per-vertex bytes do not grow with its sample count, but
    # node2vec's walks (epoch x (step + 1) ids a vertex) do.
    "analytics_bnc": Coefficients(base=280 * MIB, per_edge=49.3, per_vertex=120.5),
    "analytics_node2vec": Coefficients(base=272 * MIB, per_edge=55.5, per_vertex=195.4),
}
#: Every other algorithm: the heaviest measured family in each term (derived, so a refit of the
#: table above cannot leave it lighter than a family it measured).
_DEFAULT = Coefficients(
    base=max(c.base for c in _COEFFICIENTS.values()),
    per_edge=max(c.per_edge for c in _COEFFICIENTS.values()),
    per_vertex=max(c.per_vertex for c in _COEFFICIENTS.values()),
)
#: The size-dependent terms are multiplied by this.  Without it the fit under-estimates some
#: measured peaks by up to 7 % (Louvain, the same job from Parquet against from the space: its
#: parallel chunks), and the uniform graphs of the fit under-estimated PageRank on a skewed
#: graph 25 times larger by 12 %.  An under-estimate risks an OOM kill; an over-estimate only
#: refuses jobs close to the ceiling, so the margin covers the worst point measured twice over.
SAFETY_MARGIN = 1.15
#: Extra bytes per edge for a float64 weight column (read, CSR copy, transpose copy), for the
#: algorithms not measured (the measured ones include what they load).
_WEIGHT_PER_EDGE = 24.0
#: Extra bytes for string ids (Arrow strings, the hash table while encoding); measured
#: +89 to +212 MiB over int64 ids at 8M edges / 1M vertices (PageRank, WCC, Louvain).
_STRING_ID_PER_VERTEX = 64.0
_STRING_ID_PER_EDGE = 24.0


def _rates(task_type: str, size: InputSize) -> tuple[Coefficients, float, float]:
    c = _COEFFICIENTS.get(task_type, _DEFAULT)
    per_edge = c.per_edge + (_WEIGHT_PER_EDGE if size.weighted and task_type not in _COEFFICIENTS else 0.0)
    per_vertex = c.per_vertex
    if size.string_ids:
        per_edge += _STRING_ID_PER_EDGE
        per_vertex += _STRING_ID_PER_VERTEX
    return c, per_edge * SAFETY_MARGIN, per_vertex * SAFETY_MARGIN


def estimate_bytes(task_type: str, size: InputSize) -> int:
    c, per_edge, per_vertex = _rates(task_type, size)
    return int(c.base + per_edge * size.edges + per_vertex * size.vertices)


def max_edges(task_type: str, size: InputSize, budget_bytes: int) -> int:
    """The most edges a graph of this shape (vertices per edge, weights, id type) may have
    for ``task_type`` to fit in ``budget_bytes``: the ceiling admission control enforces."""
    c, per_edge, per_vertex = _rates(task_type, size)
    vertices_per_edge = size.vertices / size.edges if size.edges else 0.0
    room = budget_bytes - c.base
    return max(0, int(room / (per_edge + per_vertex * vertices_per_edge)))


def describe(nbytes: int) -> str:
    if nbytes >= 2**30:
        return f"{nbytes / 2**30:.1f} GiB"
    return f"{nbytes / MIB:.0f} MiB"
