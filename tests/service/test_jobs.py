"""Job submission decided by the service: what Explorer refuses is refused, the rest is accepted.

The scheduler is not started: an accepted job stays Preparing, which is all these tests need.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graphmill.errors import (
    BadRequest,
    DatabaseError,
    Forbidden,
    MissingRequiredParams,
    NotFound,
    ParamError,
)
from graphmill.models import Status
from graphmill.service.core import Service
from graphmill.service.estimate import InputSize, estimate_bytes, max_edges
from graphmill.service.file_size import local_file_size
from graphmill.service.workflows import Page
from graphmill.store.base import JobFilter
from tests.service.conftest import ServiceMaker, unknown_task


def job_count(service: Service) -> int:
    return service.list_jobs(JobFilter(), Page(1, 10))[1]


def with_placeholder() -> dict[str, Any]:
    task = unknown_task("p")
    task["spec"] = {"x": "${need}"}
    task["graph"] = {"params": [{"name": "need"}]}
    return {"tasks": [task]}


def test_a_lenient_submit_accepts_a_task_that_will_fail_when_it_runs(service: Service) -> None:
    wid, problems = service.create_workflow("w", {"tasks": [unknown_task("a"), unknown_task("b")]})
    assert problems
    job = service.get_job(service.add_job(wid, {}))
    assert job.status is Status.PREPARING
    assert [(t.schema_task_id, t.status) for t in job.tasks] == [
        ("a", Status.PREPARING),
        ("b", Status.PREPARING),
    ]
    assert service.task_of(job.id, "b").id == job.tasks[1].id  # by its id in the schema too
    with pytest.raises(NotFound, match="has no task"):
        service.task_of(job.id, "c")


def test_a_strict_submit_refuses_what_a_lenient_one_accepts(service: Service) -> None:
    wid, _ = service.create_workflow("w", {"tasks": [unknown_task()]})
    with pytest.raises(ParamError, match="unknown task type"):
        service.add_job(wid, {}, strict=True)
    assert job_count(service) == 0


def test_an_unknown_workflow_is_reported_as_explorer_does(service: Service) -> None:
    with pytest.raises(DatabaseError, match="workflow 424242 does not exist") as caught:
        service.add_job(424242, {})
    assert caught.value.code == 50004001


def test_a_placeholder_without_value_refuses_the_job_with_explorers_code(service: Service) -> None:
    wid, _ = service.create_workflow("w", with_placeholder())
    with pytest.raises(MissingRequiredParams) as caught:
        service.add_job(wid, {})
    assert caught.value.code == 50004002
    assert caught.value.data == {
        "problems": [{"task": "p", "field": "spec.x", "reason": "parameter ${need} has no value"}]
    }
    with pytest.raises(ParamError, match="the workflow has no task 'ghost'"):
        service.add_job(wid, {"ghost": {"need": "v"}})
    assert job_count(service) == 0
    job = service.get_job(service.add_job(wid, {"p": {"need": "v"}}))
    effective: Any = job.schema
    assert effective["tasks"][0]["spec"] == {"x": "v"}


def test_a_schema_that_cannot_run_is_refused_even_leniently(service: Service) -> None:
    wid, _ = service.create_workflow("w", {"tasks": [unknown_task("a"), unknown_task("a")]})
    with pytest.raises(ParamError, match="duplicate task id 'a'"):
        service.add_job(wid, {})
    empty, _ = service.create_workflow("w", {"tasks": []})
    with pytest.raises(ParamError):
        service.add_job(empty, {})
    assert job_count(service) == 0


def test_an_idempotency_key_gives_back_the_first_job(service: Service) -> None:
    wid, _ = service.create_workflow("w", {"tasks": [unknown_task()]})
    first = service.add_job(wid, {}, idempotency_key="k-1")
    assert service.add_job(wid, {}, idempotency_key="k-1") == first
    assert service.add_job(wid, {}, idempotency_key="k-2") != first
    assert job_count(service) == 2
    with pytest.raises(ParamError, match="1 to 255"):
        service.add_job(wid, {}, idempotency_key="k" * 256)


def test_a_job_that_has_not_ended_cannot_be_rerun(service: Service) -> None:
    wid, _ = service.create_workflow("w", {"tasks": [unknown_task()]})
    job = service.add_job(wid, {})
    with pytest.raises(BadRequest, match="has not ended"):
        service.rerun_job(job, None, False)
    with pytest.raises(BadRequest, match="has not ended"):
        service.rerun_job(job, None, True)


def test_a_task_over_the_memory_budget_is_refused_with_the_figures(make_service: ServiceMaker) -> None:
    service = make_service(memory_budget_mb=1)
    (service.settings.resolved_files_root / "edges.csv").write_text("1,2\n2,3\n")
    task = {
        "id": "w",
        "type": "analytics_wcc",
        "spec": {},
        "datasource": {"type": "local", "spec": {"path": "edges.csv"}},
    }
    wid, problems = service.create_workflow("w", {"tasks": [task]})
    assert problems == []
    with pytest.raises(Forbidden, match="GRAPHMILL_MEMORY_BUDGET_MB") as caught:
        service.add_job(wid, {})
    data: Any = caught.value.data
    assert data["task"] == "w"
    assert data["budgetBytes"] == 2**20
    assert data["estimatedBytes"] > data["budgetBytes"]
    assert job_count(service) == 0


def test_a_graph_beyond_the_ceiling_is_refused_with_the_ceiling_the_coefficients_give(
    make_service: ServiceMaker,
) -> None:
    """``data.maxEdges`` is what ``max_edges`` computes for this file's shape and the budget;
    a budget that covers the estimate admits the same job."""
    edges = 100_000
    floor_mib = estimate_bytes("analytics_pagerank", InputSize(0, 0, False, False)) // 2**20
    budget_mb = floor_mib + 2  # room for some thousands of edges, not for 100,000
    rng = np.random.default_rng(3)
    table = pa.table({"s": rng.integers(0, 20_000, edges), "d": rng.integers(0, 20_000, edges)})
    task = {
        "id": "p",
        "type": "analytics_pagerank",
        "spec": {},
        "datasource": {"type": "local", "spec": {"path": "big.parquet"}},
    }
    tight = make_service(memory_budget_mb=budget_mb)
    path = tight.settings.resolved_files_root / "big.parquet"
    pq.write_table(table, path)
    size = local_file_size(path, None)
    ceiling = max_edges("analytics_pagerank", size, budget_mb * 2**20)
    assert 0 < ceiling < edges
    wid, _ = tight.create_workflow("w", {"tasks": [task]})
    with pytest.raises(Forbidden, match=f"fits about {ceiling} edges") as caught:
        tight.add_job(wid, {})
    data: Any = caught.value.data
    assert (data["maxEdges"], data["estimatedBytes"]) == (ceiling, estimate_bytes("analytics_pagerank", size))
    roomy = make_service(memory_budget_mb=data["estimatedBytes"] // 2**20 + 1)
    pq.write_table(table, roomy.settings.resolved_files_root / "big.parquet")
    wid, _ = roomy.create_workflow("w", {"tasks": [task]})
    assert roomy.add_job(wid, {}) > 0


@pytest.mark.parametrize(
    ("args", "error", "needle"),
    [
        (("analytics_nope", "s", "e", ""), NotFound, "no algorithm"),
        (("analytics_wcc", "", "e", ""), ParamError, "space and edges are required"),
        (("analytics_wcc", "s", "", ""), ParamError, "space and edges are required"),
        (("analytics_wcc", "nospace", "e", ""), NotFound, "space 'nospace' does not exist"),
    ],
)
def test_estimate_refuses_what_it_cannot_size(
    service: Service, args: tuple[str, str, str, str], error: type[Exception], needle: str
) -> None:
    with pytest.raises(error, match=needle):
        service.estimate(*args)
