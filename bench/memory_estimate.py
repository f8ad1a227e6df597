"""Admission control's memory estimate against the measured peak of the worker process.

For PageRank, WCC and SSSP on two random graphs (imported as embedded spaces, so the
vertex count is known up front), runs each job through a real server and prints the
estimate, the worker's peak RSS (ru_maxrss) and the relative error.  Each job runs cold (the
graph cache is emptied first), the case admission control must cover.  Usage:
    .venv/bin/python bench/memory_estimate.py [--sizes 1000000 4000000]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import Server

from graphmill.graphstore.embedded import EmbeddedGraphStore

ALGORITHMS = {
    "analytics_pagerank": {},
    "analytics_wcc": {},
    "analytics_sssp": {"root": "0"},
}


def make_space(store: EmbeddedGraphStore, name: str, edges: int, folder: Path) -> None:
    rng = np.random.default_rng(edges)
    n = edges // 8
    folder.mkdir(parents=True)
    src, dst = rng.integers(0, n, edges), rng.integers(0, n, edges)
    src[0] = 0
    pacsv.write_csv(pa.table({"vid": np.arange(n)}), folder / "node.csv")
    pacsv.write_csv(pa.table({"src": src, "dst": dst, "w": rng.random(edges)}), folder / "link.csv")
    store.import_csv_dir(name, folder, vid_type="int64")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 4_000_000])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        store = EmbeddedGraphStore(data / "graph")
        for size in args.sizes:
            make_space(store, f"g{size}", size, data / f"csv{size}")
        server = Server(data)
        try:
            client = server.client()
            print(
                f"{'algorithm':24s} {'edges':>9s} {'vertices':>9s} {'estimate MiB':>13s} {'peak MiB':>9s} {'error':>7s}"
            )
            for size in args.sizes:
                for algo, spec in ALGORITHMS.items():
                    props = "w" if algo == "analytics_sssp" else ""
                    task = {
                        "id": "t",
                        "type": algo,
                        "spec": {**spec, "nebula_input_edges": "link", "nebula_input_edges_props": props},
                        "datasource": {"type": "nebula", "spec": {"space": f"g{size}"}},
                    }
                    # Cold: the graph is read and built, not taken from the cache (the worst case).
                    shutil.rmtree(data / "cache", ignore_errors=True)
                    job = client.run({"tasks": [task]}).wait(poll_s=0.05)
                    assert job.ok, job.info
                    t = job.progress().tasks[0]
                    est, peak = t.estimated_bytes, t.peak_bytes
                    info = store.get_space(f"g{size}")
                    print(
                        f"{algo:24s} {size:9d} {info.vertex_count:9d} {est / 2**20:13.0f} {peak / 2**20:9.0f} "
                        f"{(est - peak) / peak:+7.1%}"
                    )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
