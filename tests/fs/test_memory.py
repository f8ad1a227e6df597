"""Staging a file much larger than a CSV block stays in bounded memory."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

BLOCK_SIZE = 64 << 10

#: Runs in a fresh process so that the peaks belong to the staging alone.  Measures the Arrow
#: memory pool's peak (every Arrow buffer: CSV blocks, arrays, Parquet encoders), the Python
#: heap's peak (tracemalloc) and, for the report, the peak growth of anonymous RSS.
PROBE = textwrap.dedent(
    """
    import json, sys, threading, time, tracemalloc
    from pathlib import Path
    import pyarrow as pa
    import pyarrow.csv, pyarrow.fs, pyarrow.parquet  # imported before the baselines are taken
    from graphmill.fs import FsConfig, parse_location, stage_edges

    def rss_anon():
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) * 1024
        return 0

    src, dest, block = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    base = rss_anon()
    peak = [base]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], rss_anon())
            time.sleep(0.002)

    sampler = threading.Thread(target=sample)
    sampler.start()
    tracemalloc.start()
    start = time.perf_counter()
    stage_edges(parse_location(src.name, files_root=src.parent), FsConfig(), dest, block_size=block)
    seconds = time.perf_counter() - start
    python_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    stop.set()
    sampler.join()
    print(json.dumps({
        "arrow_peak": pa.default_memory_pool().max_memory(),
        "python_peak": python_peak,
        "rss_anon_growth": peak[0] - base,
        "seconds": seconds,
    }))
    """
)


def write_big_csv(path: Path, megabytes: int) -> int:
    """A headerless src,dst,weight CSV of about `megabytes` MiB; returns its row count."""
    rows = [f"{i * 7919 % 1_000_003},{i * 104_729 % 999_983},{(i % 1000) / 8}" for i in range(40_000)]
    chunk = ("\n".join(rows) + "\n").encode()
    repeats = megabytes * (1 << 20) // len(chunk) + 1
    with path.open("wb") as out:
        for _ in range(repeats):
            out.write(chunk)
    return repeats * len(rows)


def probe(src: Path, dest: Path) -> dict[str, Any]:
    """Stage src into dest in a child process and return its measurements."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(src), str(dest), str(BLOCK_SIZE)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    figures: dict[str, Any] = json.loads(done.stdout)
    figures["file_bytes"] = src.stat().st_size
    figures["mib_per_s"] = src.stat().st_size / 2**20 / figures["seconds"]
    print(f"{src.name}: {figures}")  # shown with pytest -s
    return figures


def test_staging_a_large_csv_uses_little_memory(tmp_path: Path) -> None:
    """A 64 MiB CSV staged in 64 KiB blocks peaks far below its size, and no higher than a 16 MiB one."""
    big, small = tmp_path / "big.csv", tmp_path / "small.csv"
    rows = write_big_csv(big, 64)
    write_big_csv(small, 16)
    large = probe(big, tmp_path / "big.parquet")
    little = probe(small, tmp_path / "small.parquet")
    assert pq.ParquetFile(tmp_path / "big.parquet").metadata.num_rows == rows
    size = large["file_bytes"]
    assert large["arrow_peak"] < size / 4, large
    assert large["python_peak"] < 4 << 20, large  # never the file in Python bytes either
    # bounded, not proportional: four times the data, (about) the same peak
    assert large["arrow_peak"] < little["arrow_peak"] + (2 << 20), (large, little)
