"""How much memory a task will need, from the size of its input.

A worker's peak resident memory is modelled as ``base + per_edge·m + per_vertex·n``
(bytes), with coefficients per algorithm family measured by ``bench/memory_estimate.py``
(the figures and the measured errors are in ``bench/RESULTS.md``).  ``base`` is what a
forked worker holds before it reads anything (the interpreter, numpy, scipy, pyarrow).
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
    per_edge: float
    per_vertex: float


#: Resident memory of a worker forked from the preloaded forkserver, before it reads data.
BASE_BYTES = 140 * MIB

#: Measured per family (bench/memory_estimate.py); the default covers the rest.
_COEFFICIENTS: dict[str, Coefficients] = {
    "analytics_pagerank": Coefficients(per_edge=64.0, per_vertex=120.0),
    "analytics_wcc": Coefficients(per_edge=64.0, per_vertex=120.0),
    "analytics_bfs": Coefficients(per_edge=56.0, per_vertex=64.0),
    "analytics_sssp": Coefficients(per_edge=80.0, per_vertex=96.0),
    "analytics_nstepdegrees": Coefficients(per_edge=56.0, per_vertex=96.0),
}
_DEFAULT = Coefficients(per_edge=96.0, per_vertex=160.0)
#: Extra bytes per edge for a float64 weight column (read, CSR copy, transpose copy).
_WEIGHT_PER_EDGE = 24.0
#: Extra bytes per vertex for string ids (Arrow strings, hash table while encoding).
_STRING_ID_PER_VERTEX = 64.0
_STRING_ID_PER_EDGE = 24.0


def estimate_bytes(task_type: str, size: InputSize) -> int:
    c = _COEFFICIENTS.get(task_type, _DEFAULT)
    per_edge = c.per_edge + (_WEIGHT_PER_EDGE if size.weighted else 0.0)
    per_vertex = c.per_vertex
    if size.string_ids:
        per_edge += _STRING_ID_PER_EDGE
        per_vertex += _STRING_ID_PER_VERTEX
    return int(BASE_BYTES + per_edge * size.edges + per_vertex * size.vertices)


def describe(nbytes: int) -> str:
    if nbytes >= 2**30:
        return f"{nbytes / 2**30:.1f} GiB"
    return f"{nbytes / MIB:.0f} MiB"
