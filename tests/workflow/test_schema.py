from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import pytest

from graphmill.errors import MissingRequiredParams, ParamError
from graphmill.workflow.params import apply_input
from graphmill.workflow.schema import check_schema, parse_schema


class FakeCatalog:
    """Two task types: "algo" (int param n ≥ 1, required root) and the query type."""

    def is_known(self, task_type: str) -> bool:
        return task_type in {"algo", "nebula_ngql"}

    def param_names(self, task_type: str) -> frozenset[str]:
        return frozenset({"n", "root"}) if task_type == "algo" else frozenset()

    def check_params(
        self, task_type: str, spec: Mapping[str, Any], *, allow_missing_required: bool
    ) -> list[tuple[str, str]]:
        if task_type != "algo":
            return []
        out = []
        n = spec.get("n", "1")
        if not (isinstance(n, str) and "${" in n):
            try:
                if int(n) < 1:
                    out.append(("spec.n", "must be ≥ 1"))
            except ValueError:
                out.append(("spec.n", "must be an integer"))
        if "root" not in spec and not allow_missing_required:
            out.append(("spec.root", "required parameter is missing"))
        return out

    def output_columns(self, task_type: str, spec: Mapping[str, Any]) -> list[str] | None:
        return ["VID", "VALUE"] if task_type == "algo" else None


CAT = FakeCatalog()


def task(tid: str, **spec: Any) -> dict[str, Any]:
    return {
        "id": tid,
        "name": tid.upper(),
        "type": "algo",
        "spec": spec,
        "graph": {"params": []},
        "extra": {"kept": 1},
    }


def problems(raw: Any) -> list[dict[str, Any]]:
    with pytest.raises(ParamError) as err:
        check_schema(raw, CAT)
    assert err.value.code == 40004001
    data: Any = err.value.data
    problems: list[dict[str, Any]] = data["problems"]
    return problems


def test_valid_schema_keeps_unknown_fields() -> None:
    """A valid schema parses; fields graphmill does not know are kept."""
    raw = {
        "datasources": [],
        "tasks": [task("a"), task("b")],
        "deps": [{"src": "a", "dst": "b", "spec": {"input": {"srcField": 1, "dstField": 2}}}],
        "x": 1,
    }
    schema = check_schema(raw, CAT)
    assert schema.task("a").model_extra == {"extra": {"kept": 1}}
    assert schema.upstream() == {"a": [], "b": ["a"]}


def test_every_problem_is_reported_with_task_and_field() -> None:
    """Duplicates, unknown types, bad deps, cycles, ranges and bad values are all listed at once."""
    raw = {
        "tasks": [task("a", n="0"), task("a"), {"id": "c", "type": "nope"}, task("d"), task("e")],
        "deps": [
            {"src": "a", "dst": "zz"},
            {"src": "d", "dst": "e", "spec": {"input": {"srcField": 1, "dstField": 3}}},
            {"src": "e", "dst": "d"},
            {"src": "d", "dst": "d"},
            {"src": "a", "dst": "e", "spec": {"params": [{"name": "nope", "columnIndex": 0}]}},
        ],
    }
    got = {(p["task"], p["field"]) for p in problems(raw)}
    assert ("a", "tasks[1].id") in got
    assert ("a", "spec.n") in got
    assert ("c", "type") in got
    assert ("zz", "deps[0].dst") in got
    assert ("e", "deps[1].spec.input.dstField") in got
    assert ("d", "deps[3]") in got
    assert ("e", "deps[4].spec.params[0].name") in got
    assert ("e", "deps[4].spec.params[0].columnIndex") in got
    assert any(f == "deps" for _, f in got)  # the cycle d -> e -> d


def test_structural_errors_name_the_task() -> None:
    """A task missing its type is reported with its id and the field path."""
    got = problems({"tasks": [{"id": "t1", "spec": {}}]})
    assert got[0]["task"] == "t1"
    assert got[0]["field"] == "tasks.0.type"
    assert problems([1])[0]["field"] == "schema"


def test_undeclared_placeholder_is_refused() -> None:
    """${x} must be declared in graph.params."""
    got = problems({"tasks": [task("a", n="${x}")]})
    assert got[0]["field"] == "spec.n"
    assert "not declared" in got[0]["reason"]


SCHEMA: dict[str, Any] = {
    "tasks": [
        {
            "id": "a",
            "type": "algo",
            "spec": {"n": "${k}", "root": "r"},
            "graph": {"params": [{"name": "k", "value": "3"}]},
        },
        {"id": "b", "type": "algo", "spec": {"n": "${m}"}, "graph": {"params": [{"name": "m"}]}},
    ],
}


def test_input_fills_placeholders_and_open_params() -> None:
    """Job input fills placeholders, defaults apply, open parameters override spec values."""
    schema = parse_schema(SCHEMA)
    raw = copy.deepcopy(SCHEMA)
    eff: Any = apply_input(schema, raw, {"b": {"m": 7, "root": "x"}, "a": {"n": 5}}, CAT)
    tasks = eff["tasks"]
    assert tasks[0]["spec"] == {"n": "5", "root": "r"}
    assert tasks[1]["spec"] == {"n": "7", "root": "x"}
    assert raw == SCHEMA  # the workflow itself is untouched
    eff = apply_input(schema, raw, {"b": {"m": "2", "root": "y"}}, CAT)
    assert eff["tasks"][0]["spec"]["n"] == "3"


def test_missing_values_use_explorers_controller_code() -> None:
    """A placeholder with no value → 50004002; strictly, also a required parameter left empty."""
    schema = parse_schema(SCHEMA)
    with pytest.raises(MissingRequiredParams) as err:
        apply_input(schema, SCHEMA, {}, CAT)
    assert err.value.code == 50004002
    data: Any = err.value.data
    fields = {(p["task"], p["field"]) for p in data["problems"]}
    assert fields == {("b", "spec.n")}  # an empty root fails its task at run time
    with pytest.raises(MissingRequiredParams) as err:
        apply_input(schema, SCHEMA, {}, CAT, strict=True)
    data = err.value.data
    fields = {(p["task"], p["field"]) for p in data["problems"]}
    assert fields == {("b", "spec.n"), ("b", "spec.root")}


@pytest.mark.parametrize(
    "job_input",
    [{"zz": {}}, {"a": {"nope": 1}}, {"a": []}, {"a": {"n": [1]}}],
)
def test_input_naming_unknown_things_is_refused(job_input: Any) -> None:
    """Unknown task or parameter names in input refuse the job with ErrParam.

    (Input that is not an object at all is refused by the API: ``api.inputs.job_input``.)
    """
    with pytest.raises(ParamError) as err:
        apply_input(parse_schema(SCHEMA), SCHEMA, job_input, CAT)
    assert err.value.code == 40004001


def test_invalid_filled_value_is_errparam_only_when_strict() -> None:
    """A filled value that does not parse is kept (the task fails at run time); strictly it is ErrParam."""
    job_input = {"a": {"k": "zero"}, "b": {"m": 1, "root": "q"}}
    eff: Any = apply_input(parse_schema(SCHEMA), SCHEMA, job_input, CAT)
    assert eff["tasks"][0]["spec"]["n"] == "zero"
    with pytest.raises(ParamError) as err:
        apply_input(parse_schema(SCHEMA), SCHEMA, job_input, CAT, strict=True)
    assert err.value.code == 40004001


@pytest.mark.parametrize(
    ("name", "value", "text"),
    [
        ("select", 3, "3"),
        ("2024-01-01", 2.0, "2"),
        ('he said "x"', True, "true"),
        ("根节点：", "player100", "player100"),
        ("a b", 0.85, "0.85"),
    ],
)
def test_any_text_names_a_parameter_and_json_values_render(name: str, value: Any, text: str) -> None:
    """${…} takes any text as its name; strings, numbers and booleans render as spec text."""
    raw: Any = {
        "tasks": [
            {
                "id": "a",
                "type": "algo",
                "spec": {"n": "${" + name + "}"},
                "graph": {"params": [{"name": name}]},
            }
        ]
    }
    eff: Any = apply_input(parse_schema(raw), raw, {"a": {name: value}}, CAT)
    assert eff["tasks"][0]["spec"]["n"] == text


def test_with_specs_replaces_what_task_lookups_return() -> None:
    """A schema with new specs answers task() with the new specs, even after the old one was indexed."""
    schema = parse_schema(SCHEMA)
    assert schema.task("a").spec["root"] == "r"  # builds the index
    changed = schema.with_specs([{"root": "changed"}, {}])
    assert changed.task("a").spec == {"root": "changed"}
    assert schema.task("a").spec["root"] == "r"
