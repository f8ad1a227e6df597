from __future__ import annotations

import pytest

from graphmill.workflow.dag import downstream_closure, find_cycle, topological_order, upstream_map


def test_upstream_map_ignores_duplicates_and_unknown() -> None:
    """Each task lists its upstreams once; edges to unknown tasks are dropped."""
    ups = upstream_map(["a", "b", "c"], [("a", "b"), ("a", "b"), ("b", "c"), ("x", "zz")])
    assert ups == {"a": [], "b": ["a"], "c": ["b"]}


def test_find_cycle_reports_the_loop() -> None:
    """A cycle is reported with its members, first repeated last."""
    ups = {"a": ["c"], "b": ["a"], "c": ["b"], "d": []}
    cycle = find_cycle(ups)
    assert cycle is not None
    assert cycle[0] == cycle[-1]
    assert set(cycle) == {"a", "b", "c"}


def test_find_cycle_none_for_dag_and_self_loop_found() -> None:
    """A DAG has no cycle; a self-dependency is one."""
    assert find_cycle({"a": [], "b": ["a"], "c": ["a", "b"]}) is None
    assert find_cycle({"a": ["a"]}) == ["a", "a"]


def test_topological_order_keeps_schema_order_for_ties() -> None:
    """Upstreams come first; of the tasks ready at a time, the earliest in the schema goes first."""
    ups = {"x": ["y"], "y": [], "z": []}
    assert topological_order(ups) == ["y", "x", "z"]
    chain = {f"t{i}": [f"t{i + 1}"] if i < 4999 else [] for i in range(5000)}  # listed downstream first
    assert topological_order(chain) == [f"t{i}" for i in reversed(range(5000))]
    with pytest.raises(ValueError, match="cycle"):
        topological_order({"a": ["b"], "b": ["a"]})


def test_downstream_closure() -> None:
    """Everything depending on a root, directly or not, and nothing else."""
    ups = {"a": [], "b": ["a"], "c": ["b"], "d": []}
    assert downstream_closure(ups, ["a"]) == {"b", "c"}
    assert downstream_closure(ups, ["d"]) == set()
