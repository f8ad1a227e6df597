"""HyperLogLog reach counters, shared by DegreeCentrality (n-step degrees) and HyperANF."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from graphmill import errors
from graphmill.engine.base import Progress

__all__ = ["HLL_MEMORY_LIMIT_BYTES", "hll_estimate", "hll_init", "hll_reach_counts", "hll_step"]

FloatArray = npt.NDArray[np.float64]


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


def hll_init(n: int, bits: int) -> npt.NDArray[np.uint8]:
    registers = np.zeros((n, 1 << bits), dtype=np.uint8)
    h = _splitmix64(np.arange(n, dtype=np.uint64))
    bucket = (h >> np.uint64(64 - bits)).astype(np.int64)
    rest = h << np.uint64(bits)
    rho = np.minimum(_leading_zeros(rest) + 1, 64 - bits + 1)
    registers[np.arange(n), bucket] = rho.astype(np.uint8)
    return registers


def hll_estimate(registers: npt.NDArray[np.uint8]) -> FloatArray:
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


def hll_step(
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
    registers = hll_init(n, bits)
    rounds = step if step > 0 else n
    for r in range(1, rounds + 1):
        registers, changed = hll_step(registers, indptr, indices)
        total = f" of {step}" if step > 0 else ""
        progress("computing", r / step if step > 0 else None, f"{label}: step {r}{total}")
        if not changed:
            progress.log(f"{label}: counters stable after step {r}")
            break
    estimate = hll_estimate(registers)
    return np.maximum(np.rint(estimate).astype(np.int64) - 1, 0)
