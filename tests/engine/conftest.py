"""Fixtures and small helpers for the engine tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from graphmill.engine.base import RecordingProgress

DATA = Path(__file__).resolve().parent.parent / "data" / "graphalytics"


@dataclass
class EdgeList:
    """A random multigraph as plain Python lists (the reference view)."""

    src: list[Any]
    dst: list[Any]
    weight: list[float]
    vertices: list[Any]

    def arrow(self) -> tuple[Any, Any, Any]:
        return pa.array(self.src), pa.array(self.dst), pa.array(self.weight, type=pa.float64())


def random_edges(
    seed: int, n: int = 30, m: int = 90, *, string_ids: bool = False, zero_weights: bool = False
) -> EdgeList:
    """Random edges over n candidate ids, with parallel edges and self-loops forced in."""
    rng = np.random.default_rng(seed)
    raw_ids = rng.choice(10_000, size=n, replace=False) * 3 + 5
    ids: list[Any] = [f"v{int(i)}" for i in raw_ids] if string_ids else [int(i) for i in raw_ids]
    s = rng.integers(0, n, m)
    d = rng.integers(0, n, m)
    s = np.concatenate([s, s[:5], [3, 7]])  # parallel copies of the first five edges
    d = np.concatenate([d, d[:5], [3, 7]])  # and two self-loops
    w = np.round(rng.random(s.shape[0]) * 10, 2)
    if zero_weights:
        w[::7] = 0.0
    w[m : m + 5] = w[:5] + 1.5  # parallel copies are heavier than the originals
    src = [ids[i] for i in s]
    dst = [ids[i] for i in d]
    vertices = sorted(set(src) | set(dst))
    return EdgeList(src, dst, [float(x) for x in w], vertices)


@pytest.fixture
def progress() -> RecordingProgress:
    """A progress reporter that remembers every event and log line."""
    return RecordingProgress()
