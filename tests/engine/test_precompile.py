"""``graphmill compile``'s catalogue: every algorithm in it, each case runnable, failures reported."""

from __future__ import annotations

from graphmill.engine.precompile import CASES, compile_cases
from graphmill.engine.registry import ALGORITHMS


def test_every_registered_algorithm_is_compiled() -> None:
    assert {task_type for task_type, _ in CASES} == set(ALGORITHMS)


def test_cases_run_on_both_graphs_and_failures_are_reported() -> None:
    done = compile_cases([("analytics_wcc", {}), ("analytics_bfs", {"root": "v404"})], with_build=False)
    assert done.cases == 2
    # The missing root fails on the string-id graph ("v404") and on the integer one ("404"),
    # each time on a fresh build and on the cache hit; the WCC runs all succeed.
    assert len(done.failed) == 4
    assert all(line.startswith("analytics_bfs {'root': 'v404'} on ") for line in done.failed)
    assert {line.split(" on ")[1].split(":")[0] for line in done.failed} == {"csv", "parquet"}
