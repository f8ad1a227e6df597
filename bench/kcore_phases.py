"""Where KCore's time goes: the phases of the peeling, timed apart and counted.

numba has no timers inside a kernel and py-spy cannot see into one, so this drives the
kernel's own pieces (``kcore_kernels``) from Python, one call per phase, and adds up the wall
and CPU seconds of each, with the work each did: the degree count, the per-level scans of
the remaining vertices, the rounds walked alone (sequential, branch-free) and the rounds
split over the threads.  The whole kernel, called once, is timed beside it; the phases'
sum is a little more (one Python call per level and per split round).

Run::

    .venv/bin/python bench/kcore_phases.py --scale 20            # R-MAT, ~16.8 M edges
    .venv/bin/python bench/kcore_phases.py --scale 18 --blocks 1  # everything walked alone
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rmat import DEFAULT_SEED, load_or_make

from graphmill.engine._numba import nb
from graphmill.engine.algorithms._common import threads
from graphmill.engine.algorithms.node_importance import kcore_kernels as k
from graphmill.engine.graph import build_graph


@nb.njit
def _alone(optr, oidx, iptr, iidx, deg, level, frontier, head, size, cum, blocks, min_parallel):
    """The level's rounds walked alone, up to the first that the kernel would split:
    ``(head, size, edge copies walked)``; ``cum`` then holds that round's copies."""
    walked = 0
    while head < size:
        end = size
        if blocks > 1 and k._round_copies(frontier, head, end, optr, iptr, True, cum) >= min_parallel:
            break
        for i in range(head, end):
            v = frontier[i]
            e = k._copies(v, optr, iptr, True)
            walked += e
            size = k._remove(v, 0, e, optr, oidx, iptr, iidx, True, deg, level, frontier, size, False)
        head = end
    return head, size, walked


class Clock:
    """Wall and CPU seconds per phase."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def run(self, phase: str, fn: Any, *args: Any) -> Any:
        w, c = time.perf_counter(), time.process_time()
        out = fn(*args)
        self.wall[phase] = self.wall.get(phase, 0.0) + time.perf_counter() - w
        self.cpu[phase] = self.cpu.get(phase, 0.0) + time.process_time() - c
        return out


def phases(arrays: tuple[Any, ...], n: int, blocks: int, clock: Clock, counts: dict[str, int]) -> np.ndarray:
    """The kernel's driver loop (``core_numbers_csr``), phase by phase."""
    optr, oidx, iptr, iidx = arrays
    deg = np.empty(n, dtype=np.int32)
    clock.run("degrees", k._degrees, optr, oidx, iptr, iidx, True, deg)
    remaining = np.arange(n, dtype=np.int32)
    frontier = np.empty(n + 1, dtype=np.int32)
    cum = np.empty(n + 1, dtype=np.int64)
    queues = np.empty((blocks, n + 1), dtype=np.int32)
    got = np.zeros(blocks, dtype=np.int64)
    left, level, size = clock.run("scan", k._next_level, remaining, n, deg, -1, frontier)
    counts["scanned"] += n
    while left > 0:
        counts["levels"] += 1
        head = 0
        while head < size:
            head, size, walked = clock.run(
                "alone",
                _alone,
                optr,
                oidx,
                iptr,
                iidx,
                deg,
                level,
                frontier,
                head,
                size,
                cum,
                blocks,
                k.PARALLEL_EDGES,
            )
            counts["copies alone"] += walked
            if head < size:
                end = size
                clock.run(
                    "split",
                    k._peel_parallel,
                    optr, oidx, iptr, iidx, True, deg, level, frontier, head, cum[: end - head + 1], queues, got,
                )  # fmt: skip
                counts["rounds split"] += 1
                counts["copies split"] += int(cum[end - head])
                for b in range(blocks):
                    frontier[size : size + got[b]] = queues[b, : got[b]]
                    size += int(got[b])
                head = end
        counts["scanned"] += left
        left, level, size = clock.run("scan", k._next_level, remaining, left, deg, level, frontier)
    return deg


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=18)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--blocks", type=int, default=0, help="thread blocks (0: numba's threads)")
    args = parser.parse_args()
    blocks = args.blocks or threads()
    src, dst = load_or_make(args.scale, 16, DEFAULT_SEED)
    graph = build_graph(src, dst, vid_type="int64", directed=True)
    in_ptr, in_src = graph.in_edges()
    arrays = (graph.indptr, graph.indices, in_ptr, in_src)
    print(
        f"R-MAT scale {args.scale}: {graph.n} vertices, {graph.m} edges ({2 * graph.m} edge copies), {blocks} blocks"
    )
    reference = np.empty(graph.n, dtype=np.int32)
    k.core_numbers_csr(*arrays, True, reference, blocks, k.PARALLEL_EDGES)  # compile / load
    print("| run | kernel wall | kernel CPU | phases wall | degrees | scans | walked alone | split rounds |")
    print("|---|---|---|---|---|---|---|---|")
    for run in range(args.repeat):
        deg = np.empty(graph.n, dtype=np.int32)
        w, c = time.perf_counter(), time.process_time()
        k.core_numbers_csr(*arrays, True, deg, blocks, k.PARALLEL_EDGES)
        whole_wall, whole_cpu = time.perf_counter() - w, time.process_time() - c
        clock = Clock()
        counts = dict.fromkeys(("levels", "scanned", "rounds split", "copies split", "copies alone"), 0)
        w = time.perf_counter()
        got = phases(arrays, graph.n, blocks, clock, counts)
        total = time.perf_counter() - w
        assert np.array_equal(got, reference)
        assert np.array_equal(deg, reference)
        cells = [
            f"{clock.wall.get(p, 0.0):.3f} / {clock.cpu.get(p, 0.0):.3f}"
            for p in ("degrees", "scan", "alone", "split")
        ]
        print(f"| {run + 1} | {whole_wall:.3f} | {whole_cpu:.3f} | {total:.3f} | " + " | ".join(cells) + " |")
    print("\n(phase cells: wall / CPU seconds)")
    print(
        ", ".join(f"{name}: {value:,}" for name, value in counts.items())
        + f"; max core {int(reference.max())}"
    )


if __name__ == "__main__":
    main()
