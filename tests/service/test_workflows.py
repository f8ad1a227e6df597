"""Workflow use cases called directly: a lenient save stores drafts and reports, a strict one refuses."""

from __future__ import annotations

import json
from typing import Any

import pytest

from graphmill.errors import NotFound, ParamError
from graphmill.service.core import Service
from tests.service.conftest import ServiceMaker, unknown_task


def outside_root_task(tid: str = "b") -> dict[str, object]:
    return {
        "id": tid,
        "type": "analytics_wcc",
        "spec": {},
        "datasource": {"type": "local", "spec": {"path": "/etc/passwd"}},
    }


def test_lenient_save_stores_the_draft_verbatim_and_lists_its_problems(service: Service) -> None:
    raw = {"tasks": [unknown_task("a"), outside_root_task("b")], "extra": {"kept": True}}
    wid, problems = service.create_workflow("draft", raw)
    assert {(p.task, p.field) for p in problems} == {("a", "type"), ("b", "datasource.spec.path")}
    assert any("outside the files root" in p.reason for p in problems)
    stored = service.get_workflow(wid)
    assert stored.schema == raw
    assert stored.name == "draft"
    assert service.workflow_problems(stored) == problems


def test_strict_save_refuses_with_every_problem_and_stores_nothing(service: Service) -> None:
    raw = {"tasks": [unknown_task("a"), outside_root_task("b")]}
    with pytest.raises(ParamError) as caught:
        service.create_workflow("strict", raw, strict=True)
    assert caught.value.code == 40004001
    data: Any = caught.value.data
    fields = {(p["task"], p["field"]) for p in data["problems"]}
    assert fields == {("a", "type"), ("b", "datasource.spec.path")}
    _, total = service.store.list_workflows(name=None, offset=0, limit=10)
    assert total == 0


def test_a_valid_schema_has_no_problems_either_way(service: Service) -> None:
    raw = {"tasks": [{"id": "w", "type": "analytics_wcc", "spec": {}}]}
    _, lenient = service.create_workflow(None, raw)
    _, strict = service.create_workflow(None, raw, strict=True)
    assert lenient == strict == []


@pytest.mark.parametrize(
    ("schema", "needle"),
    [("{nope", "not valid JSON"), ("[]", "JSON object"), ('"text"', "JSON object")],
)
def test_a_body_without_a_usable_schema_is_refused_even_leniently(
    service: Service, schema: str, needle: str
) -> None:
    """(A schema that is neither an object nor text is refused by the API's body model.)"""
    with pytest.raises(ParamError, match=needle):
        service.create_workflow("w", schema)


def test_a_schema_given_as_a_json_string_is_stored_as_an_object(service: Service) -> None:
    raw = {"tasks": [unknown_task()]}
    wid, problems = service.create_workflow("w", json.dumps(raw))
    assert service.get_workflow(wid).schema == raw
    assert [p.field for p in problems] == ["type"]


def test_the_task_cap_is_refused_even_leniently(make_service: ServiceMaker) -> None:
    capped = make_service(max_tasks_per_workflow=2)
    with pytest.raises(ParamError) as caught:
        capped.create_workflow("w", {"tasks": [unknown_task(str(i)) for i in range(3)]})
    assert caught.value.data == {"field": "schema.tasks", "tasks": 3, "limit": 2}
    _, problems = capped.create_workflow("w", {"tasks": [unknown_task(str(i)) for i in range(2)]})
    assert len(problems) == 2


def test_update_reports_the_problems_of_what_is_stored_now(service: Service) -> None:
    wid, _ = service.create_workflow("w", {"tasks": [{"id": "w", "type": "analytics_wcc", "spec": {}}]})
    renamed, problems = service.update_workflow(wid, "renamed", None)
    assert (renamed.name, problems) == ("renamed", [])
    updated, problems = service.update_workflow(wid, None, {"tasks": [unknown_task()]})
    assert updated.version == renamed.version + 1
    assert [p.field for p in problems] == ["type"]
    with pytest.raises(ParamError):
        service.update_workflow(wid, None, {"tasks": [outside_root_task()]}, strict=True)
    assert service.get_workflow(wid).schema == {"tasks": [unknown_task()]}
    with pytest.raises(ParamError, match="nothing to update"):
        service.update_workflow(wid, None, None)
    with pytest.raises(ParamError, match="non-empty"):
        service.update_workflow(wid, "", None)


def test_clone_copies_schema_and_owner_under_a_new_id(service: Service) -> None:
    raw = {"tasks": [unknown_task()]}
    wid, _ = service.create_workflow("orig", raw)
    copy = service.clone_workflow(wid, owner="alice")
    assert copy != wid
    cloned = service.get_workflow(copy)
    assert (cloned.name, cloned.schema, cloned.owner) == ("orig_copy", raw, "alice")
    service.delete_workflow(wid)
    with pytest.raises(NotFound):
        service.get_workflow(wid)
    assert service.get_workflow(copy).schema == raw


def test_saved_queries_are_checked_in_the_budgeted_helper(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query component's check runs in the query helper process, never in the API process."""
    import graphmill.query.check
    import graphmill.service.catalog

    def in_process_check(*args: object, **kwargs: object) -> list[str]:
        raise AssertionError("a saved query was checked in the API process")

    monkeypatch.setattr(graphmill.query.check, "check_query", in_process_check)
    monkeypatch.setattr(graphmill.query, "check_query", in_process_check)
    # Wherever the service may hold its own reference to the function.
    monkeypatch.setattr(graphmill.service.catalog, "check_query", in_process_check, raising=False)
    task = {
        "id": "q",
        "type": "nebula_ngql",
        "spec": {"ngql": "GO 100000000 STEPS FROM 'a' OVER follow YIELD dst(edge)"},
        "datasource": {"type": "nebula", "spec": {"space": "basketballplayer"}},
    }
    _, problems = service.create_workflow("q", {"tasks": [task], "deps": []})
    assert [(p.task, p.field) for p in problems if p.field == "spec.ngql"] == [("q", "spec.ngql")]
    assert any("100" in p.reason for p in problems if p.field == "spec.ngql")


def test_an_upstream_querys_columns_are_worked_out_in_the_helper(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checking a dep's column indexes translates the upstream query in the helper process too."""
    import graphmill.query.parser
    import graphmill.service.catalog

    def in_process_parse(*args: object, **kwargs: object) -> object:
        raise AssertionError("a saved query was parsed in the API process")

    monkeypatch.setattr(graphmill.query.parser, "parse", in_process_parse)
    monkeypatch.setattr(graphmill.query, "parse", in_process_parse)
    monkeypatch.setattr(graphmill.service.catalog, "parse", in_process_parse, raising=False)
    query = {
        "id": "q",
        "type": "nebula_ngql",
        "spec": {"ngql": "MATCH (a:player)-[:follow]->(b:player) RETURN id(a) AS src, id(b) AS dst"},
        "datasource": {"type": "nebula", "spec": {"space": "basketballplayer"}},
    }
    wcc = {
        "id": "w",
        "type": "analytics_wcc",
        "spec": {},
        "datasource": {"type": "hdfs", "spec": {"type": "dependence"}},
    }
    deps = [{"src": "q", "dst": "w", "spec": {"input": {"srcField": 1, "dstField": 3}}}]
    _, problems = service.create_workflow("q", {"tasks": [query, wcc], "deps": deps})
    # The query returns two columns: the helper worked them out, so column 3 is out of range.
    assert any(p.field.startswith("deps") and "3" in p.reason for p in problems), problems
