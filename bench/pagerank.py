"""PageRank per iteration against the memory-bandwidth bound, and float32 against float64.

Run::

    .venv/bin/python bench/pagerank.py --scale 20      # 16.8 M edges
    .venv/bin/python bench/pagerank.py --scale 16      # 1 M edges, quick

On ``bench/rmat.py``'s R-MAT graph (directed, parallel edges kept) it prints, in one run so
the figures meet the same machine load:

* the streaming bandwidth (numpy copy and triad, as ``bench/algorithms.py``) and the bytes
  one pull iteration must move at the least: 4-byte in-edge indices, the row offsets and
  six 8-byte vertex arrays (rank read and written, contribution written and read, the
  inverse out-degree, the old rank for the L1 change) — the bound;
* the time of one iteration (best and median of ``--repeat`` rounds, wall clock, ``--threads``
  threads; the variants take turns within each round, so they meet the same load) for the pull
  kernel over the plain in-CSR in the graph's own vertex order (unsigned indices: what a short
  run without a graph cache uses), the sliced kernel over the in-degree-relabelled layout
  (float64 and float32 contributions), the plain pull over the same relabelled vertices (the
  alternative cached layout), and scipy's ``csr_array @ vector`` over the plain in-CSR (one
  thread) as the peer;
* two floors: the sliced kernel with every gather confined to the first 8 KiB of the
  contributions (L1-resident), or with the gathers beyond the first 512 KiB folded into it
  (the real skew, but no trip to L3) — the same instructions and streams, only the gathers'
  locality changed, so the gaps to them are what the gathers' cache misses cost;
* the locality of each vertex order: the share of gathers whose source falls among the first
  48 KiB (a core's L1) or 1 MiB (its L2) of float64 / float32 contributions (``--rcm`` adds
  reverse Cuthill-McKee, a few seconds at scale 20);
* the time to build the layout (relabelling + slicing) and the plain in-edges, the
  layout's padding, and the iteration count from which building the layout pays when no
  graph cache keeps it (the crossover behind ``pagerank.LAYOUT_MIN_ITERATIONS``);
* CPU seconds per iteration, which the load of a shared machine stretches less;
* float32 against float64: L1 and largest relative difference of the ranks after 20
  iterations, NA and Graphalytics variants.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rmat import DEFAULT_SEED, load_or_make

from graphmill.engine.base import NullProgress
from graphmill.engine.graph import build_graph


def bandwidth_gbs() -> float:
    """Best streaming bandwidth (GB/s) of a numpy copy (16 B/element) and triad (40 B/element)."""
    n = 50_000_000
    b = np.ones(n)
    c = np.ones(n)
    a = np.empty(n)
    copy_t = min(_clock(lambda: np.copyto(a, b))[0] for _ in range(5))
    triad_t = min(_clock(lambda: (np.multiply(c, 3.0, out=a), np.add(a, b, out=a)))[0] for _ in range(5))
    return max(16 * n / copy_t, 40 * n / triad_t) / 1e9


def _clock(fn: Callable[[], Any]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call."""
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Best wall and best CPU seconds over ``repeat`` calls (after one untimed call)."""
    fn()
    runs = [_clock(fn) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def interleaved(variants: dict[str, Callable[[], Any]], repeat: int) -> dict[str, tuple[float, float, float]]:
    """Best wall, median wall and best CPU seconds of each variant; they take turns each round."""
    for fn in variants.values():
        fn()
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    for _ in range(repeat):
        for name, fn in variants.items():
            runs[name].append(_clock(fn))
    return {
        name: (min(w for w, _ in r), float(np.median([w for w, _ in r])), min(c for _, c in r))
        for name, r in runs.items()
    }


def _relabelled_in_csr(in_ptr: Any, in_src: Any, order: Any, n: int, m: int) -> tuple[Any, Any]:
    """The in-CSR with vertices renumbered by ``order`` (new → old), sources ascending per row."""
    matrix = sp.csr_array((np.ones(m, dtype=np.float32), in_src, in_ptr), shape=(n, n))
    relabelled = matrix[order][:, order].tocsr()
    relabelled.sort_indices()
    return relabelled.indptr.astype(np.int64), relabelled.indices.astype(np.int32)


def _orders(in_ptr: Any, in_src: Any, layout_order: Any, outdeg: Any, rcm: bool) -> dict[str, Any]:
    """Vertex orders (new → old) to compare for gather locality."""
    n = outdeg.shape[0]
    indeg = np.diff(in_ptr)
    orders = {
        "own (loader's) order": np.arange(n),
        "in-degree, descending (the layout's)": layout_order,
        "out-degree, descending": np.argsort(-outdeg, kind="stable"),
        "in + out degree, descending": np.argsort(-(indeg + outdeg), kind="stable"),
    }
    if rcm:
        from scipy.sparse.csgraph import reverse_cuthill_mckee

        matrix = sp.csr_array((np.ones(in_src.shape[0], dtype=np.int8), in_src, in_ptr), shape=(n, n))
        orders["reverse Cuthill-McKee (symmetrised)"] = reverse_cuthill_mckee(
            (matrix + matrix.T).tocsr(), symmetric_mode=True
        )
    return orders


def _hot_shares(new_to_old: Any, in_src: Any) -> list[float]:
    """Share of gathers from the first 48 KiB / 1 MiB of float64 and float32 contributions."""
    new_of_old = np.empty(new_to_old.shape[0], dtype=np.int64)
    new_of_old[new_to_old] = np.arange(new_to_old.shape[0])
    sources = new_of_old[in_src]
    return [float((sources < size // width).mean()) for size in (48 << 10, 1 << 20) for width in (8, 4)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--threads", type=int, default=0, help="numba threads (0: numba's default)")
    parser.add_argument(
        "--bandwidth",
        type=float,
        default=0.0,
        help="GB/s for the bound (e.g. an idle measurement) instead of this run's; both are printed",
    )
    parser.add_argument("--rcm", action="store_true", help="also measure reverse Cuthill-McKee's locality")
    args = parser.parse_args()
    import numba

    if args.threads:
        numba.set_num_threads(args.threads)
    from graphmill.engine.algorithms.node_importance import pagerank_kernels as k
    from graphmill.engine.algorithms.node_importance.pagerank import pagerank
    from graphmill.engine.algorithms.node_importance.pagerank_layout import build_layout, pull_layout

    src, dst = load_or_make(args.scale, 16, DEFAULT_SEED)
    graph = build_graph(src, dst, vid_type="int64", directed=True)
    n, m, threads = graph.n, graph.m, numba.get_num_threads()
    print(f"`{platform.machine()}, {os.cpu_count()} cores, numba threads {threads}`  ")
    print(
        f"R-MAT scale {args.scale}: {n:,} vertices, {m:,} edges; load average {os.getloadavg()[0]:.1f} at start\n"
    )

    measured_bw = bandwidth_gbs()
    bw = args.bandwidth or measured_bw
    moved = 4 * m + 8 * (n + 1) + 6 * 8 * n
    bound = moved / (bw * 1e9)

    outdeg = graph.out_degree()
    inv = np.zeros(n)
    np.divide(1.0, outdeg, out=inv, where=outdeg > 0)
    rank = np.ones(n)
    out = np.empty(n)
    in_csr_t = _clock(lambda: graph.in_csr())[0]
    inc = graph.in_csr()
    graph._cache.pop("in_csr")
    builds = {
        "layout": best(lambda: build_layout(graph, threads), 3),
        "plain in-edges": best(lambda: (graph._cache.pop("in_edges", None), graph.in_edges()), 3),
    }
    layout_t = builds["layout"][0]
    layout = pull_layout(graph, threads)
    plain = k.PlainPull(*graph.in_edges(), inv, threads)
    padding = layout.sources.shape[0] / m - 1
    order = layout.order
    inv_new = inv[order]
    blocks = layout.slice_bounds(threads)
    deltas = np.zeros(threads)
    c64 = np.zeros(n + 1)
    c32 = np.zeros(n + 1, dtype=np.float32)
    at = sp.csr_array((np.ones(m), inc.indices, inc.indptr), shape=(n, n))

    relabelled = _relabelled_in_csr(inc.indptr, inc.indices, order, n, m)
    plain_relabelled = {
        dt: k.PlainPull(relabelled[0], relabelled[1], inv_new, threads, dt) for dt in (np.float64, np.float32)
    }
    # floors: the same sliced kernel and streams, only the gathers moved: all into the first
    # 8 KiB, or (keeping the real skew) every gather beyond the first 512 KiB folded into it
    l1_sources = layout.sources & np.asarray(1023, dtype=layout.sources.dtype)
    l2_sources = np.where(
        layout.sources < 65536, layout.sources, layout.sources & np.asarray(65535, dtype=layout.sources.dtype)
    )

    def sliced(sources: Any, contrib: Any) -> Callable[[], Any]:
        return lambda: k.pull_step(
            layout.offsets, sources, blocks, inv_new, rank, contrib, 0.85, 0.15, out, deltas
        )

    variants: dict[str, Callable[[], Any]] = {
        "pull kernel, plain in-CSR, own vertex order, unsigned indices (short uncached runs)": (
            lambda: plain(rank, 0.85, 0.15, out)
        ),
        "sliced kernel, relabelled layout, float64": sliced(layout.sources, c64),
        "sliced kernel, relabelled layout, float32 contributions": sliced(layout.sources, c32),
        "pull kernel, plain in-CSR over the relabelled vertices, float64": (
            lambda: plain_relabelled[np.float64](rank, 0.85, 0.15, out)
        ),
        "pull kernel, plain in-CSR over the relabelled vertices, float32": (
            lambda: plain_relabelled[np.float32](rank, 0.85, 0.15, out)
        ),
        "scipy csr_array @ x (peer, 1 thread), plain in-CSR": lambda: at @ (rank * inv),
        "floor: sliced float64, gathers confined to 8 KiB (L1)": sliced(l1_sources, c64),
        "floor: sliced float64, gathers beyond 512 KiB folded into it (no L3 trips)": sliced(l2_sources, c64),
    }
    timed = interleaved(variants, args.repeat)
    print(
        f"Bandwidth measured {measured_bw:.1f} GB/s, used {bw:.1f} GB/s; one iteration must move {moved / 1e6:.0f} MB "
        f"(4 B per edge, {8 + 6 * 8} B per vertex): bound {bound * 1e3:.2f} ms.\n"
    )
    # CPU per thread against the bound: what the wall ratio would be with both threads never
    # waiting (scipy's row runs one thread); under load it ranks more steadily than the wall
    print(
        "| one iteration | wall ms best | wall ms median | × bound (best) | CPU ms best | CPU / threads × bound |"
    )
    print("|---|---|---|---|---|---|")
    for name, (wall, median, cpu) in timed.items():
        per_thread = cpu / (1 if name.startswith("scipy") else threads)
        print(
            f"| {name} | {wall * 1e3:.2f} | {median * 1e3:.2f} | {wall / bound:.1f} | {cpu * 1e3:.2f} "
            f"| {per_thread / bound:.1f} |"
        )
    rows = list(timed.values())
    print(
        "\nLocality: share of the gathers whose source is among the first L1 / L2 of contributions, "
        "and the plain pull (float64) over the in-CSR relabelled in that order\n"
    )
    orders = _orders(inc.indptr, inc.indices, order, outdeg, args.rcm)
    pulls: dict[str, Callable[[], Any]] = {}
    for name, new_to_old in orders.items():
        ptr, sources = _relabelled_in_csr(inc.indptr, inc.indices, new_to_old, n, m)
        pulls[name] = (lambda pull: lambda: pull(rank, 0.85, 0.15, out))(
            k.PlainPull(ptr, sources, inv[new_to_old], threads)
        )
    pull_times = interleaved(pulls, args.repeat)
    print(
        "| vertex order | 48 KiB f64 | 48 KiB f32 | 1 MiB f64 | 1 MiB f32 | pull wall ms best | median | CPU ms best |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, new_to_old in orders.items():
        shares = _hot_shares(new_to_old, inc.indices)
        wall, median, cpu = pull_times[name]
        print(
            f"| {name} | "
            + " | ".join(f"{x:.3f}" for x in shares)
            + f" | {wall * 1e3:.2f} | {median * 1e3:.2f} | {cpu * 1e3:.2f} |"
        )
    print(
        f"\nBuilt once per graph (kept in the graph cache): layout {layout_t:.3f} s "
        f"(padding {padding * 100:.1f} % of {m:,} edges); plain in-CSR with edge ids {in_csr_t:.3f} s.\n"
    )
    print("| build (best of 3) | wall s | CPU s |")
    print("|---|---|---|")
    for name, (wall, cpu) in builds.items():
        print(f"| {name} | {wall:.3f} | {cpu:.3f} |")
    # when the layout must be built anyway (no graph cache), it pays after this many iterations
    for unit, i in (("wall", 0), ("CPU", 1)):
        extra = builds["layout"][i] - builds["plain in-edges"][i]
        gain = rows[0][2 * i] - rows[1][2 * i]
        when = f"{extra / gain:.0f} iterations" if gain > 0 else "never (no gain per iteration)"
        print(
            f"\nUncached crossover ({unit}): layout build costs {extra * 1e3:.0f} ms more, saves "
            f"{gain * 1e3:.2f} ms per iteration: pays after {when}."
        )
    print()
    print("float32 against float64, 20 iterations:\n")
    print("| variant | L1 difference | L1 of the ranks | largest relative difference |")
    print("|---|---|---|---|")
    for variant in ("na", "graphalytics"):
        ranks = [
            pagerank(
                graph,
                iterations=20,
                damping=0.85,
                eps=0.0,
                variant=variant,
                progress=NullProgress(),
                precision=p,
            )
            for p in ("float64", "float32")
        ]
        diff = np.abs(ranks[0] - ranks[1])
        rel = float((diff / np.maximum(np.abs(ranks[0]), 1e-300)).max())
        print(f"| {variant} | {diff.sum():.3g} | {np.abs(ranks[0]).sum():.6g} | {rel:.3g} |")
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
