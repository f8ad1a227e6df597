"""Admission control's memory model: the ceiling it names follows from its coefficients, and a
local file is sized from what its footer says."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graphmill.engine.registry import ALGORITHMS
from graphmill.service.estimate import _COEFFICIENTS, _DEFAULT, InputSize, estimate_bytes, max_edges
from graphmill.service.file_size import local_file_size

BUDGET = int(0.75 * 24 * 2**30)


@pytest.mark.parametrize("task_type", sorted(ALGORITHMS))
@pytest.mark.parametrize(
    ("edges_per_vertex", "weighted", "string_ids"), [(12, False, False), (2, True, False), (8, False, True)]
)
def test_the_ceiling_is_the_largest_graph_of_that_shape_that_fits(
    task_type: str, edges_per_vertex: int, weighted: bool, string_ids: bool
) -> None:
    shape = InputSize(2_400_000 // edges_per_vertex, 2_400_000, weighted, string_ids)
    ceiling = max_edges(task_type, shape, BUDGET)

    def at(edges: int) -> int:
        return estimate_bytes(task_type, InputSize(edges // edges_per_vertex, edges, weighted, string_ids))

    assert ceiling > 2_400_000
    assert at(ceiling) <= BUDGET < at(int(ceiling * 1.001))


def test_a_budget_below_the_worker_floor_fits_no_edges() -> None:
    size = InputSize(10, 100, False, False)
    assert (
        max_edges(
            "analytics_pagerank",
            size,
            estimate_bytes("analytics_pagerank", InputSize(0, 0, False, False)) - 1,
        )
        == 0
    )


def _write(path: Path, columns: dict[str, pa.Array], row_groups: int = 2) -> Path:
    pq.write_table(
        pa.table(columns), path, row_group_size=max(1, len(next(iter(columns.values()))) // row_groups)
    )
    return path


def test_integer_ids_in_parquet_bound_the_vertex_count_by_their_span(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    src, dst = rng.integers(500, 1500, 20_000), rng.integers(500, 1500, 20_000)
    src[0], dst[-1] = 400, 2399  # the span is 2399 - 400 + 1, across row groups
    size = local_file_size(_write(tmp_path / "e.parquet", {"s": src, "d": dst}), None)
    assert (size.edges, size.vertices, size.string_ids, size.weighted, size.exact) == (
        20_000,
        2000,
        False,
        False,
        False,
    )
    # ids spread wider than one per two edges: the span is no tighter than the guess
    wide = local_file_size(
        _write(tmp_path / "w.parquet", {"s": src * 10, "d": dst * 10, "w": rng.random(20_000)}), None
    )
    assert (wide.vertices, wide.weighted) == (10_000, True)


def test_string_ids_in_parquet_are_sized_as_strings(tmp_path: Path) -> None:
    ids = pa.array([f"v{i}" for i in range(100)])
    size = local_file_size(_write(tmp_path / "s.parquet", {"s": ids, "d": ids}), None)
    assert (size.edges, size.vertices, size.string_ids) == (100, 50, True)
    # integer columns read as strings when the task says vtype=string
    as_strings = local_file_size(
        _write(tmp_path / "i.parquet", {"s": np.arange(100), "d": np.arange(100)}), "string"
    )
    assert (as_strings.vertices, as_strings.string_ids) == (50, True)


def test_csv_is_sized_from_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("".join(f"{i},{i + 1}\n" for i in range(1000, 3000)))
    size = local_file_size(path, "int64")
    assert (size.edges, size.vertices, size.string_ids, size.weighted) == (2000, 1000, False, False)
    assert local_file_size(path, None).string_ids


def test_measured_families_are_algorithms_and_the_default_is_no_lighter_than_any() -> None:
    assert set(_COEFFICIENTS) <= set(ALGORITHMS)
    for c in _COEFFICIENTS.values():
        assert _DEFAULT.base >= c.base
        assert _DEFAULT.per_edge >= c.per_edge
        assert _DEFAULT.per_vertex >= c.per_vertex
