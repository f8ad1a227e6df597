# mypy: disable-error-code="no-untyped-def"
"""What every compiled-kernel module shares: numba, its options, and counter-based hashing.

The engine's kernels live next to the code that uses them (``*_kernels.py``); each module
is imported lazily by the functions that call it, so importing the registry never loads
numba.  Every kernel is ``cache=True`` (compiled once per machine, then loaded from numba's
cache) and works on plain CSR arrays.  ``parallel=True`` kernels split vertices or sources
over the cores with ``prange``; their results do not depend on the thread count
(per-thread accumulators are summed at the end; random choices come from the
counter-based hash below, not from a shared generator).

numba's cache is keyed by each module's own source file: after changing a kernel that
others inline (the hashes here), clear ``__pycache__`` so the callers recompile.
"""

from __future__ import annotations

import os
from typing import Any

# numba's OpenMP threading layer (libgomp) reads this when a process first runs a parallel
# kernel.  Its default lets a thread that finished its share spin for a while before it
# sleeps; on a machine shared with other work (this one: 2 cores, several jobs and the
# server), those spinning threads take the CPU the rest of the same kernel is waiting for.
# Measured at load average 20: 1,000 short parallel calls took 18.6 s wall / 3.95 s CPU
# with the default and 2.2 s / 0.51 s passive.  A value set in the environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numba
import numpy as np
from numba.core import cgutils as _cgutils
from numba.extending import intrinsic

nb: Any = numba  # kernels are untyped for mypy (numba's stubs cannot type @njit(**options))
cgutils: Any = _cgutils

__all__ = ["OPTS", "atomic_add", "hash3", "hash4", "mix64", "nb", "unit"]

#: Options of every kernel: compiled once per machine, and free of the GIL.
OPTS: dict[str, Any] = {"cache": True, "nogil": True}

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


@nb.njit(inline="always", **OPTS)
def mix64(x):
    """splitmix64 finaliser of a uint64."""
    z = x + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@nb.njit(inline="always", **OPTS)
def hash3(seed, a, b):
    """A 64-bit hash of three integers; ``mix64(hash3(s, a, b) ^ c)`` is ``hash4(s, a, b, c)``."""
    h = mix64(np.uint64(seed))
    h = mix64(h ^ np.uint64(a))
    return mix64(h ^ np.uint64(b))


@nb.njit(inline="always", **OPTS)
def hash4(seed, a, b, c):
    """A 64-bit hash of four integers."""
    return mix64(hash3(seed, a, b) ^ np.uint64(c))


@nb.njit(inline="always", **OPTS)
def unit(h):
    """A uniform double in [0, 1) from a 64-bit hash."""
    return np.float64(h >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@intrinsic
def _atomic_add(typingctx, arr, i, val):  # pragma: no cover - runs compiled only
    """``arr[i] += val`` as one atomic read-modify-write; returns the value before.

    For ``prange`` loops whose iterations update shared counters (numba has no atomics of
    its own); relaxed ordering: only the counter itself must not lose updates.
    """
    sig = arr.dtype(arr, i, val)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, [args[1]])
        value = context.cast(builder, args[2], signature.args[2], aryty.dtype)
        return builder.atomic_rmw("add", ptr, value, "monotonic")

    return sig, codegen


atomic_add: Any = _atomic_add  # called as atomic_add(arr, i, val) inside kernels
