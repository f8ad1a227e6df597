"""Reproducible R-MAT (Graph500 Kronecker) edge lists for the benchmarks.

``python bench/rmat.py SCALE [EDGEFACTOR] [--seed S] [--out DIR]`` writes ``src.npy`` and
``dst.npy`` (int64) of ``EDGEFACTOR * 2**SCALE`` directed edges over ``2**SCALE`` vertex ids,
drawn with the Graph500 parameters a=0.57, b=0.19, c=0.19 (d=0.05) from numpy's PCG64 with a
fixed seed, then relabelled by a seeded random permutation (as Graph500 does) so vertex id
order says nothing about degree.  Self-loops and parallel edges are kept (graphmill counts
parallel edges, as NebulaGraph Analytics does); isolated ids simply do not appear.

The same (scale, edgefactor, seed) always gives the same arrays on any machine.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import numpy.typing as npt

A, B, C = 0.57, 0.19, 0.19
DEFAULT_SEED = 20240601
DEFAULT_DIR = Path("/tmp/graphmill-bench")

IntArray = npt.NDArray[np.int64]


def rmat_edges(scale: int, edgefactor: int = 16, seed: int = DEFAULT_SEED) -> tuple[IntArray, IntArray]:
    """``(src, dst)`` of an R-MAT graph with ``edgefactor * 2**scale`` edges."""
    m = edgefactor << scale
    rng = np.random.Generator(np.random.PCG64(seed))
    src = np.zeros(m, dtype=np.int64)
    dst = np.zeros(m, dtype=np.int64)
    ab = A + B
    c_norm = C / (1.0 - ab)
    a_norm = A / ab
    chunk = 1 << 22
    for start in range(0, m, chunk):
        stop = min(start + chunk, m)
        s = src[start:stop]
        d = dst[start:stop]
        for bit in range(scale):
            r1 = rng.random(stop - start)
            r2 = rng.random(stop - start)
            ii = r1 > ab  # lower half (rows)
            jj = r2 > np.where(ii, c_norm, a_norm)
            s |= ii.astype(np.int64) << bit
            d |= jj.astype(np.int64) << bit
    perm = rng.permutation(1 << scale).astype(np.int64)
    return perm[src], perm[dst]


def load_or_make(
    scale: int, edgefactor: int = 16, seed: int = DEFAULT_SEED, out: Path = DEFAULT_DIR
) -> tuple[IntArray, IntArray]:
    """The edge arrays, generated once and kept as ``.npy`` under ``out``."""
    folder = out / f"rmat-s{scale}-e{edgefactor}-seed{seed}"
    if (folder / "dst.npy").is_file():
        return np.load(folder / "src.npy"), np.load(folder / "dst.npy")
    src, dst = rmat_edges(scale, edgefactor, seed)
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "src.npy", src)
    np.save(folder / "dst.npy", dst)
    return src, dst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scale", type=int)
    parser.add_argument("edgefactor", type=int, nargs="?", default=16)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args()
    src, dst = load_or_make(args.scale, args.edgefactor, args.seed, args.out)
    print(f"{src.shape[0]} edges, {np.unique(np.concatenate([src, dst])).shape[0]} non-isolated vertices")


if __name__ == "__main__":
    main()
