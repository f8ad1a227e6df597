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


#: Fitted to cold bench/memory_estimate.py runs at 1M and 4M edges (int64 ids, 8 edges per
#: vertex, numba preloaded in the forkserver); checked on 2M. The default is deliberately
#: generous for the algorithms not measured yet.
_COEFFICIENTS: dict[str, Coefficients] = {
    "analytics_pagerank": Coefficients(base=179 * MIB, per_edge=64.0, per_vertex=100.0),
    "analytics_wcc": Coefficients(base=167 * MIB, per_edge=67.0, per_vertex=100.0),
    "analytics_bfs": Coefficients(base=170 * MIB, per_edge=67.0, per_vertex=100.0),
    "analytics_sssp": Coefficients(base=183 * MIB, per_edge=58.0, per_vertex=100.0),
    "analytics_nstepdegrees": Coefficients(base=170 * MIB, per_edge=67.0, per_vertex=100.0),
}
_DEFAULT = Coefficients(base=200 * MIB, per_edge=120.0, per_vertex=200.0)
#: Extra bytes per edge for a float64 weight column (read, CSR copy, transpose copy).
_WEIGHT_PER_EDGE = 24.0
#: Extra bytes for string ids (Arrow strings, the hash table while encoding).
_STRING_ID_PER_VERTEX = 64.0
_STRING_ID_PER_EDGE = 24.0


def _rates(task_type: str, size: InputSize) -> tuple[Coefficients, float, float]:
    c = _COEFFICIENTS.get(task_type, _DEFAULT)
    per_edge = c.per_edge + (_WEIGHT_PER_EDGE if size.weighted else 0.0)
    per_vertex = c.per_vertex
    if size.string_ids:
        per_edge += _STRING_ID_PER_EDGE
        per_vertex += _STRING_ID_PER_VERTEX
    return c, per_edge, per_vertex


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
