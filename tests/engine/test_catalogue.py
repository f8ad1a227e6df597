"""The whole NA catalogue is registered, and every algorithm validates its parameters."""

from __future__ import annotations

from typing import Any

import pytest

from graphmill import errors
from graphmill.engine.registry import ALGORITHMS, get_algorithm

EXPECTED = {
    "analytics_pagerank": "PageRank",
    "analytics_kcore": "KCore",
    "analytics_nstepdegrees": "DegreeCentrality",
    "analytics_degree_with_time": "DegreeWithTime",
    "analytics_bnc": "BetweennessCentrality",
    "analytics_cnc": "ClosenessCentrality",
    "analytics_apsp": "APSP",
    "analytics_sssp": "SSSP",
    "analytics_bfs": "BFS",
    "analytics_shortest_path": "ShortestPath",
    "analytics_lpa": "LPA",
    "analytics_hanp": "HANP",
    "analytics_wcc": "WCC",
    "analytics_scc": "StronglyConnectedComponent",
    "analytics_louvain": "Louvain",
    "analytics_infomap": "InfoMap",
    "analytics_triangle_count": "TriangleCount",
    "analytics_node2vec": "Node2Vec",
    "analytics_tree_stat": "Tree_stat",
    "analytics_hyperanf": "HyperANF",
    "analytics_clustering_coefficient": "ClusteringCoefficient",
    "analytics_jaccard_similarity": "Jaccard",
}

#: task type -> (wrong type, out of range, bad enum or None, missing required or None)
BAD: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None, str | None]] = {
    "analytics_kcore": ({"kmin": "x"}, {"kmax": -1}, {"type": "edge"}, None),
    "analytics_degree_with_time": ({"iterations": "x"}, {"iterations": 0}, {"type": "all"}, None),
    "analytics_bnc": ({"constant": "big"}, {"iterations": -1}, None, None),
    "analytics_cnc": ({"num_samples": 1.5}, {"num_samples": 0}, None, None),
    "analytics_apsp": ({"is_directed": "maybe"}, {}, None, None),
    "analytics_shortest_path": ({"src": {"a": 1}}, {}, None, None),
    "analytics_lpa": ({"iterations": "many"}, {"iterations": 0}, {"variant": "ldbc"}, None),
    "analytics_hanp": ({"preference": "x"}, {"hop_att": 1.5}, None, None),
    "analytics_scc": ({"is_stat_community": "perhaps"}, {}, None, None),
    "analytics_louvain": ({"outer_iteration": "x"}, {"inner_iteration": 0}, None, None),
    "analytics_infomap": ({"teleport_prob": "x"}, {"teleport_prob": 0}, None, None),
    "analytics_triangle_count": ({"removed_self_edge": "x"}, {}, {"opt": 4}, None),
    "analytics_node2vec": ({"p": "x"}, {"q": 0}, None, None),
    "analytics_tree_stat": ({"root": [1]}, {}, None, None),
    "analytics_hyperanf": ({"bits": "x"}, {"bits": 5}, None, None),
    "analytics_clustering_coefficient": ({"removed_duplication_edge": 2}, {}, {"type": "mean"}, None),
    "analytics_jaccard_similarity": ({"ids1": 3.5}, {}, None, "ids1"),
}


def _fields(task_type: str, raw: dict[str, Any]) -> list[dict[str, str]]:
    with pytest.raises(errors.ParamError) as info:
        get_algorithm(task_type).parse_params(raw)
    data = info.value.data
    assert isinstance(data, list)
    return data  # type: ignore[return-value]


def test_catalogue_registered() -> None:
    """Every EXP algorithm plus SCC is a task type with its NA display name."""
    assert {t: ALGORITHMS[t].name for t in EXPECTED} == EXPECTED


@pytest.mark.parametrize("task_type", sorted(BAD))
def test_parameter_validation(task_type: str) -> None:
    """Wrong types, out-of-range values, bad enum values and missing required values are rejected."""
    wrong, out_of_range, bad_enum, required = BAD[task_type]
    base = {"ids1": "1"} if task_type == "analytics_jaccard_similarity" else {}
    for raw in (wrong, out_of_range, bad_enum):
        if not raw:
            continue
        problems = _fields(task_type, {**base, **raw})
        assert [p["field"] for p in problems] == list(raw)
    if required is not None:
        assert _fields(task_type, {}) == [{"field": required, "reason": "required"}]


def test_custom_checks() -> None:
    """Values needing more than a type check: stat names, time strings, a non-empty ids1."""
    assert "unknown statistic" in _fields("analytics_tree_stat", {"stat": "width,height"})[0]["reason"]
    assert "yyyy-MM-dd" in _fields("analytics_degree_with_time", {"begin_time": "soon"})[0]["reason"]
    assert _fields("analytics_jaccard_similarity", {"ids1": " , "}) == [
        {"field": "ids1", "reason": "must list at least one vertex id"}
    ]
    params = get_algorithm("analytics_degree_with_time").parse_params(
        {"begin_time": "2024-01-01 00:00:00.000"}
    )
    assert params["begin_time"] == "2024-01-01 00:00:00.000"


def test_defaults_are_na_defaults() -> None:
    """Defaults follow the NA docs (S1)."""
    needs: dict[str, dict[str, object]] = {
        "analytics_jaccard_similarity": {"ids1": "1"},
        "analytics_bfs": {"root": 1},
        "analytics_sssp": {"root": 1},
    }
    p = {t: get_algorithm(t).parse_params(needs.get(t, {})) for t in EXPECTED}
    kcore = {k: v for k, v in p["analytics_kcore"].items() if v is not None}  # unset run-control keys
    assert kcore == {"type": "vertex", "kmin": 1, "kmax": 1000000, "is_directed": True}
    assert p["analytics_bnc"]["iterations"] == 10
    assert p["analytics_bnc"]["constant"] == 2.0
    assert p["analytics_bnc"]["chosen"] == "-1"
    assert p["analytics_cnc"]["num_samples"] == 10
    assert p["analytics_louvain"]["outer_iteration"] == 20
    assert p["analytics_louvain"]["inner_iteration"] == 10
    assert p["analytics_hanp"]["preference"] == 1.0
    assert p["analytics_hanp"]["hop_att"] == 0.1
    assert p["analytics_infomap"] == {
        "pagerank_iter": 10,
        "pagerank_threshold": 0.0001,
        "teleport_prob": 0.15,
        "inner_iter": 3,
        "outer_iter": 2,
        "comm_info_num": 100,
        "is_directed": True,
        "seed": 0,
    }
    assert p["analytics_triangle_count"]["opt"] == 3
    assert p["analytics_node2vec"]["q"] == 0.5
    assert p["analytics_node2vec"]["step"] == 10
    assert p["analytics_tree_stat"]["stat"] == "width,depth"
    assert p["analytics_hyperanf"]["bits"] == 6
    assert p["analytics_shortest_path"]["src"] == ["100"]
    assert p["analytics_clustering_coefficient"]["type"] == "local"


def test_output_columns() -> None:
    """Output columns follow the NA tables and the parameters that shape them."""

    def names(task_type: str, raw: dict[str, Any]) -> list[str]:
        spec = get_algorithm(task_type)
        return [c.name for c in spec.output_columns(spec.parse_params(raw))]

    assert names("analytics_triangle_count", {"opt": 1}) == ["COUNT"]
    assert names("analytics_triangle_count", {"opt": 2}) == ["VID", "COUNT"]
    assert names("analytics_triangle_count", {}) == ["VID1", "VID2", "VID3"]
    assert names("analytics_apsp", {}) == ["VID1", "VID2", "DISTANCE"]
    assert names("analytics_jaccard_similarity", {"ids1": "1"}) == ["VID1", "VID2", "VALUE"]
    assert names("analytics_degree_with_time", {"type": "out"}) == ["VID", "OUT_DEGREE"]
    assert names("analytics_node2vec", {"step": 2}) == ["VID0", "VID1", "VID2"]
    assert names("analytics_louvain", {"is_output_modularity": True}) == ["VID", "LABEL", "MODULARITY"]
    assert names("analytics_lpa", {"variant": "graphalytics", "is_output_modularity": True}) == [
        "VID",
        "LABEL",
    ]
    assert names("analytics_shortest_path", {}) == ["VALUE"]
    assert names("analytics_tree_stat", {}) == ["VALUE"]
    assert names("analytics_hyperanf", {}) == ["VALUE"]
    spec = get_algorithm("analytics_clustering_coefficient")
    assert spec.float_format(spec.parse_params({"variant": "graphalytics"})) == "roundtrip"
    weighted = {t for t, s in ALGORITHMS.items() if s.needs_weight}
    assert weighted == {
        "analytics_sssp",
        "analytics_apsp",
        "analytics_degree_with_time",
        "analytics_lpa",
        "analytics_hanp",
        "analytics_louvain",
        "analytics_node2vec",
    }
