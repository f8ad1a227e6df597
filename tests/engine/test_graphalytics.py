"""The graphalytics variants against the LDBC reference outputs, end to end through the result files."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from graphmill.engine.base import NullProgress
from graphmill.engine.registry import get_algorithm
from graphmill.engine.results import CSV_NAME, write_result

from . import graphalytics as ga
from .conftest import DATA

Rule = Callable[[Mapping[int, str], Mapping[int, str]], list[str]]

ALGORITHMS: dict[str, tuple[str, Rule]] = {
    "BFS": ("analytics_bfs", ga.match_exact),
    "PR": ("analytics_pagerank", ga.match_epsilon),
    "WCC": ("analytics_wcc", ga.match_equivalence),
    "SSSP": ("analytics_sssp", ga.match_epsilon),
    "CDLP": ("analytics_lpa", ga.match_exact),
    "LCC": ("analytics_clustering_coefficient", ga.match_epsilon),
}


def _cases() -> list[object]:
    cases: list[object] = []
    for props in sorted(DATA.glob("*/*.properties")):
        name = props.name.removesuffix(".properties")
        for alg in ALGORITHMS:
            if (props.parent / f"{name}-{alg}").exists():
                cases.append(pytest.param(props, alg, id=f"{name}-{alg}"))
    return cases


CASES = _cases()


def test_every_expected_output_is_covered() -> None:
    """All 24 expected outputs (BFS/PR/WCC/SSSP/CDLP/LCC) of the copied data set are exercised."""
    assert len(CASES) == 24


def test_data_checksums() -> None:
    """The copied Graphalytics files match SHA256SUMS."""
    for line in (DATA / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize(("props", "alg"), CASES)
def test_graphalytics_variant(props: Path, alg: str, tmp_path: Path) -> None:
    """Running the graphalytics variant and writing the result matches the reference output."""
    task_type, rule = ALGORITHMS[alg]
    graph, p = ga.load_evlp(props, weighted=alg == "SSSP")
    raw: dict[str, object] = {"variant": "graphalytics", "is_directed": graph.directed}
    if alg in ("BFS", "SSSP"):
        raw["root"] = p[f"{alg.lower()}.source-vertex"]
    if alg == "CDLP":
        raw["iterations"] = p["cdlp.max-iterations"]
    if alg == "PR":
        raw["iterations"] = p["pr.num-iterations"]
        raw["damping"] = p["pr.damping-factor"]
    spec = get_algorithm(task_type)
    params = spec.parse_params(raw)
    table = spec.run(graph, params, NullProgress())
    write_result(table, tmp_path, float_format=spec.float_format(params))
    with (tmp_path / CSV_NAME).open(newline="") as fh:
        actual = {int(row[0]): row[1] for row in csv.reader(fh)}
    name = props.name.removesuffix(".properties")
    expected = ga.read_output(props.parent / f"{name}-{alg}")
    assert rule(expected, actual) == []


@pytest.mark.parametrize(
    ("kind", "rule"),
    [("exact", ga.match_exact), ("epsilon", ga.match_epsilon), ("equivalence", ga.match_equivalence)],
)
def test_matching_rules(kind: str, rule: Rule) -> None:
    """Each comparison rule accepts actual1 and rejects actual2 of the upstream matching examples."""
    expected = ga.read_output(DATA / "matching" / f"{kind}_expected.csv")
    assert rule(expected, ga.read_output(DATA / "matching" / f"{kind}_actual1.csv")) == []
    assert rule(expected, ga.read_output(DATA / "matching" / f"{kind}_actual2.csv")) != []


def test_epsilon_rule_edges() -> None:
    """Epsilon: 0 matches 0 (<=), infinity only infinity, relative error bound 1e-4."""
    assert ga.match_epsilon({1: "0"}, {1: "0.0"}) == []
    assert ga.match_epsilon({1: "Infinity"}, {1: "inf"}) == []
    assert ga.match_epsilon({1: "infinity"}, {1: "1e308"}) != []
    assert ga.match_epsilon({1: "1.0"}, {1: "1.0001"}) == []
    assert ga.match_epsilon({1: "1.0"}, {1: "1.00011"}) != []


def test_vertex_sets_must_agree() -> None:
    """A missing or extra vertex fails every rule."""
    for rule in (ga.match_exact, ga.match_epsilon, ga.match_equivalence):
        assert rule({1: "1", 2: "1"}, {1: "1"}) != []
        assert rule({1: "1"}, {1: "1", 3: "1"}) != []


def test_equivalence_rejects_merge_and_split() -> None:
    """Equivalence: merged classes and split classes both fail."""
    expected = {1: "a", 2: "a", 3: "b"}
    assert ga.match_equivalence(expected, {1: "x", 2: "x", 3: "y"}) == []
    assert ga.match_equivalence(expected, {1: "x", 2: "x", 3: "x"}) != []
    assert ga.match_equivalence(expected, {1: "x", 2: "z", 3: "y"}) != []
