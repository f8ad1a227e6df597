"""Parameter parsing, validation and JSON schemas of the registered algorithms."""

from __future__ import annotations

import json
from typing import Any

import pytest

from graphmill import errors
from graphmill.engine.algorithms.base import AlgorithmSpec
from graphmill.engine.registry import ALGORITHMS, get_algorithm, register


def _problems(spec: AlgorithmSpec, raw: dict[str, Any]) -> list[dict[str, str]]:
    with pytest.raises(errors.ParamError) as info:
        spec.parse_params(raw)
    assert info.value.detail == "invalid parameters"
    data = info.value.data
    assert isinstance(data, list)
    return data  # type: ignore[return-value]


def test_registry_lists_the_first_five() -> None:
    """The five first algorithms are registered under their Explorer task types."""
    assert set(ALGORITHMS) >= {
        "analytics_pagerank",
        "analytics_bfs",
        "analytics_sssp",
        "analytics_wcc",
        "analytics_nstepdegrees",
    }
    assert get_algorithm("analytics_pagerank").name == "PageRank"
    assert get_algorithm("analytics_nstepdegrees").name == "DegreeCentrality"


def test_unknown_task_type() -> None:
    """An unknown task type is a ParamError."""
    with pytest.raises(errors.ParamError, match="analytics_nope"):
        get_algorithm("analytics_nope")


def test_register_twice_needs_replace() -> None:
    """Registering an existing type again is refused unless replace=True."""
    spec = get_algorithm("analytics_bfs")
    with pytest.raises(ValueError, match="already registered"):
        register(spec)
    assert register(spec, replace=True) is spec


def test_defaults() -> None:
    """Nothing given: every parameter takes its NA default."""
    params = get_algorithm("analytics_pagerank").parse_params({})
    assert params == {
        "iterations": 10,
        "is_directed": True,
        "eps": 0.0001,
        "damping": 0.85,
        "variant": "na",
        "precision": "float64",  # graphmill's extension, Explorer never sends it
    }  # run-control keys not given are left out
    degrees = get_algorithm("analytics_nstepdegrees").parse_params({})
    assert degrees == {"is_directed": True, "step": 3, "bits": 6, "type": "both"}


def test_explorer_strings_parsed() -> None:
    """Explorer's string values become ints, floats and bools; numbers are accepted too."""
    spec = get_algorithm("analytics_pagerank")
    params = spec.parse_params({"iterations": "20", "is_directed": "FALSE", "eps": "1e-6", "damping": 0.5})
    assert params["iterations"] == 20
    assert params["is_directed"] is False
    assert params["eps"] == pytest.approx(1e-6)
    assert params["damping"] == 0.5
    assert spec.parse_params({"iterations": 7.0, "is_directed": 1})["iterations"] == 7
    assert spec.parse_params({"is_directed": "0"})["is_directed"] is False


def test_empty_string_means_default() -> None:
    """An empty value (unfilled placeholder) counts as not given."""
    assert get_algorithm("analytics_pagerank").parse_params({"iterations": ""})["iterations"] == 10


def test_wrong_types_all_reported() -> None:
    """Every bad value is reported, each with its field and reason."""
    problems = _problems(
        get_algorithm("analytics_pagerank"), {"iterations": "ten", "is_directed": "yes", "eps": "abc"}
    )
    by_field = {p["field"]: p["reason"] for p in problems}
    assert set(by_field) == {"iterations", "is_directed", "eps"}
    assert "integer" in by_field["iterations"]
    assert "true or false" in by_field["is_directed"]
    assert "number" in by_field["eps"]


def test_out_of_range() -> None:
    """Range checks: iterations >= 1, eps >= 0, damping in [0, 1], bits in [4, 16], step -1 or >= 1."""
    pr = {
        p["field"]
        for p in _problems(
            get_algorithm("analytics_pagerank"), {"iterations": 0, "eps": -0.1, "damping": 1.5}
        )
    }
    assert pr == {"iterations", "eps", "damping"}
    deg = get_algorithm("analytics_nstepdegrees")
    assert {p["field"] for p in _problems(deg, {"bits": 17, "step": 0})} == {"bits", "step"}
    assert deg.parse_params({"step": "-1"})["step"] == -1
    reasons = _problems(deg, {"step": -2})
    assert "at least 1 or -1" in reasons[0]["reason"]


def test_bad_choice() -> None:
    """Enum parameters reject other values and accept any case."""
    deg = get_algorithm("analytics_nstepdegrees")
    problems = _problems(deg, {"type": "sideways"})
    assert problems == [{"field": "type", "reason": "must be one of in, out, both; got 'sideways'"}]
    assert deg.parse_params({"type": "OUT"})["type"] == "out"


def test_missing_required_root() -> None:
    """BFS and SSSP need a root."""
    for task_type in ("analytics_bfs", "analytics_sssp"):
        assert _problems(get_algorithm(task_type), {}) == [{"field": "root", "reason": "required"}]
    params = get_algorithm("analytics_bfs").parse_params({"root": 100})
    assert params["root"] == "100"


def _needs(task_type: str) -> dict[str, str]:
    """The required parameters of a task type, filled."""
    return (
        {"ids1": "1"}
        if task_type == "analytics_jaccard_similarity"
        else ({"root": "1"} if task_type in ("analytics_bfs", "analytics_sssp") else {})
    )


def test_unknown_key_is_kept_and_named_as_ignored() -> None:
    """A key that is neither a parameter nor a data-access key parses, and ignored_keys names it."""
    wcc = get_algorithm("analytics_wcc")
    raw = {"iterationz": "3", "nebula_input_edges": "follow", "vtype": "string", "THREADS": "4"}
    assert "iterationz" not in wcc.parse_params(raw)
    assert wcc.ignored_keys(raw) == ["iterationz"]


def test_run_control_keys_are_declared_on_every_algorithm() -> None:
    """processes, threads, clusterSize (any case) are parameters of every algorithm, checked as such."""
    for spec in ALGORITHMS.values():
        params = spec.parse_params({**_needs(spec.type), "processes": "3", "threads": 4, "clustersize": "1"})
        assert (params["processes"], params["threads"], params["clusterSize"]) == (3, 4, 1)
        assert _problems(spec, {**_needs(spec.type), "threads": "0"}) == [
            {"field": "threads", "reason": "must be at least 1; got '0'"}
        ]


def test_empty_string_means_not_set_and_eps_zero_is_accepted() -> None:
    pr = get_algorithm("analytics_pagerank").parse_params({"iterations": "", "eps": "0", "damping": " "})
    assert (pr["iterations"], pr["eps"], pr["damping"]) == (10, 0.0, 0.85)


def test_explorer_task_spec_accepted() -> None:
    """The task spec of Explorer's saved workflow parses, its execution keys ignored."""
    spec = {
        "iterations": "10",
        "is_directed": "true",
        "eps": "0.0001",
        "damping": "0.85",
        "nebula_input_edges": "follow,serve",
        "nebula_input_edges_props": ",",
        "vtype": "string",
        "processes": 1,
        "threads": 3,
        "space": "basketballplayer",
    }
    params = get_algorithm("analytics_pagerank").parse_params(spec)
    assert set(params) == {
        "iterations",
        "is_directed",
        "eps",
        "damping",
        "variant",
        "precision",
        "processes",
        "threads",
    }
    assert (params["processes"], params["threads"]) == (1, 3)


def test_keys_case_insensitive() -> None:
    """Upper-case NA names (ITERATIONS) are the same parameters."""
    assert get_algorithm("analytics_pagerank").parse_params({"ITERATIONS": "3"})["iterations"] == 3


@pytest.mark.parametrize("task_type", sorted(ALGORITHMS))
def test_json_schema_shape(task_type: str) -> None:
    """Each algorithm publishes a draft 2020-12 object schema of its parameters."""
    spec = get_algorithm(task_type)
    schema = spec.json_schema()
    json.dumps(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is True  # other keys are kept and ignored
    properties = schema["properties"]
    assert isinstance(properties, dict)
    assert list(properties) == [p.name for p in spec.params]
    for param in spec.params:
        prop = properties[param.name]
        assert isinstance(prop, dict)
        assert "type" in prop
        if param.default is not None:
            assert prop["default"] == param.default
    assert schema["required"] == [p.name for p in spec.params if p.required]


def test_json_schema_details() -> None:
    """Ranges, enums and special values appear in the schema."""
    pr: Any = get_algorithm("analytics_pagerank").json_schema()["properties"]
    assert isinstance(pr, dict)
    assert pr["iterations"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 10000000,
        "default": 10,
        "description": "maximum number of iterations",
    }
    assert pr["eps"]["minimum"] == 0
    assert pr["damping"]["maximum"] == 1
    deg: Any = get_algorithm("analytics_nstepdegrees").json_schema()["properties"]
    assert isinstance(deg, dict)
    assert deg["type"]["enum"] == ["in", "out", "both"]
    assert deg["step"]["anyOf"] == [{"const": -1}, {"minimum": 1, "maximum": 10000000}]
    bfs = get_algorithm("analytics_bfs").json_schema()
    assert bfs["required"] == ["root"]


def test_output_columns_follow_params() -> None:
    """Output columns depend on type / variant / is_output_modularity."""
    deg = get_algorithm("analytics_nstepdegrees")
    names = [c.name for c in deg.output_columns(deg.parse_params({}))]
    assert names == ["VID", "BOTH_DEGREE", "OUT_DEGREE", "IN_DEGREE"]
    assert [c.name for c in deg.output_columns(deg.parse_params({"type": "in"}))] == ["VID", "IN_DEGREE"]
    bfs = get_algorithm("analytics_bfs")
    assert [c.name for c in bfs.output_columns(bfs.parse_params({"root": 1}))] == ["ROOT", "VISITED"]
    ga = bfs.parse_params({"root": 1, "variant": "graphalytics"})
    assert [c.name for c in bfs.output_columns(ga)] == ["VID", "DEPTH"]
    assert bfs.float_format(ga) == "roundtrip"
    wcc = get_algorithm("analytics_wcc")
    assert [c.name for c in wcc.output_columns(wcc.parse_params({"is_output_modularity": "true"}))] == [
        "VID",
        "LABEL",
        "MODULARITY",
    ]
    assert get_algorithm("analytics_sssp").needs_weight
    assert not get_algorithm("analytics_pagerank").needs_weight
