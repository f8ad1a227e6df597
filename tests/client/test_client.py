"""graphmill.Client against a real `graphmill serve` on loopback: every method, every error class."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa
import pytest

import graphmill
from graphmill import errors
from graphmill.client import (
    ApiError,
    BadRequest,
    Client,
    ClientError,
    DatabaseError,
    JobNotFound,
    NotFound,
    ParamError,
    Unauthorized,
)
from graphmill.client.models import Status
from tests.client.conftest import failing_schema, pagerank_schema, write_json
from tests.server.conftest import Server

pytestmark = pytest.mark.server


def test_public_api_is_lazy_and_complete() -> None:
    """graphmill.Client and friends resolve on first use to the client package's objects."""
    assert graphmill.Client is Client
    assert graphmill.errors is errors
    assert set(graphmill.__all__) >= {"Client", "AsyncClient", "Job", "Result", "errors", "algorithms"}
    assert "analytics_pagerank" in graphmill.algorithms.ALGORITHMS
    with pytest.raises(AttributeError):
        _ = graphmill.nothing_here


def test_connect_with_either_encoding_keeps_the_cookie(live: Server) -> None:
    for encoding in ("json", "colon"):
        with Client(live.url) as c:
            with pytest.raises(Unauthorized):
                c.workflows.list()
            c.connect("root", "nebula", encoding=encoding)
            assert c._http.cookies.get("explorer_token")
            assert isinstance(c.workflows.list(), list)


def test_wrong_password_and_unreachable_server(live: Server) -> None:
    with pytest.raises(BadRequest) as info:
        Client(live.url, user="root", password="wrong")
    assert isinstance(info.value, errors.BadRequest)  # the server's tree catches it too
    assert info.value.api_code == 40004000
    assert info.value.message == "ErrBadRequest"
    assert "password" in info.value.detail
    with pytest.raises(ClientError, match="cannot reach"):
        Client("http://127.0.0.1:9", user="root", password="nebula")


def test_workflow_lifecycle(gm: Client, tmp_path: Path) -> None:
    """create from a dict, an export dict and a file; list, get, update, versions, clone, delete."""
    a = gm.workflows.create(pagerank_schema(), name="wf_dict")
    assert a.name == "wf_dict"
    assert [t["id"] for t in a.schema_["tasks"]] == ["analytics_pagerank_1", "analytics_louvain_2"]
    b = gm.workflows.create({"name": "wf_export", "schema": pagerank_schema()})
    assert b.name == "wf_export"
    c = gm.workflows.create(write_json(tmp_path / "from_file.json", pagerank_schema()))
    assert c.name == "from_file"
    assert {a.id, b.id, c.id} <= {w.id for w in gm.workflows.list()}
    assert [w.id for w in gm.workflows.list("wf_export")] == [b.id]
    updated = gm.workflows.update(a.id, name="wf_dict2", schema=pagerank_schema("3"))
    assert updated.name == "wf_dict2"
    assert gm.workflows.get(a.id).schema_["tasks"][0]["spec"]["iterations"] == "3"
    versions = gm.workflows.versions(a.id)
    assert [(v.version, v.name, v.current) for v in versions] == [
        (2, "wf_dict2", True),
        (1, "wf_dict", False),
    ]
    assert versions[1].schema_["tasks"][0]["spec"]["iterations"] == "10"
    clone = gm.workflows.clone(a.id, name="copy")
    assert clone.id != a.id
    assert clone.schema_ == gm.workflows.get(a.id).schema_
    assert gm.workflows.delete(clone.id) is True
    with pytest.raises(NotFound):
        gm.workflows.get(clone.id)
    with pytest.raises(ClientError, match="cannot read workflow file"):
        gm.workflows.create(tmp_path / "missing.json")


def test_run_wait_result_logs(gm: Client, capsys: pytest.CaptureFixture[str]) -> None:
    """A job runs, waits with a bar, and its results arrive as the same Arrow table whatever the page size."""
    job = gm.run(pagerank_schema(), input={"analytics_pagerank_1": {"iterations": "5"}})
    assert job.wait(progress=True, timeout_s=120) is job
    assert job.ok, job.info
    assert job.status is Status.SUCCESS
    assert "100" in capsys.readouterr().err  # tqdm drew the bar to 100 %
    result = job.result("PageRank")
    assert isinstance(result.table, pa.Table)
    assert result.columns == ["VID", "VALUE"]
    assert len(result) == 81
    assert result.table.schema.field(1).type == pa.float64()
    paged = job.result("analytics_pagerank_1", page_size=7)
    assert paged.table.equals(result.table)
    assert job.result(paged.task_id).table.equals(result.table)
    frame = result.to_pandas()
    assert frame.shape == (81, 2)
    top = dict(zip(frame["VID"], frame["VALUE"], strict=True))
    assert all(abs(top[vid] - float(value)) < 1e-6 for vid, value in job.sample("PageRank", 81))
    assert result.to_polars().shape == (81, 2)
    assert "<table>" in result._repr_html_()
    assert "71 more rows" in result._repr_html_()
    assert "<b>Job" in job._repr_html_()
    assert "PageRank" in job._repr_html_()
    buf = io.BytesIO()
    job.download("PageRank", buf, format="csv")
    rows = list(csv.reader(io.StringIO(buf.getvalue().decode())))
    assert rows[0] == result.columns
    assert len(rows) == 82
    communities = job.result("Louvain")
    assert len(communities) == len(job.sample("Louvain", 1000)) > 0
    lines = job.logs("PageRank")
    assert lines
    assert all(line.message for line in lines)
    assert len(job.logs()) > len(lines)
    with pytest.raises(ClientError, match="no task 'nope'"):
        job.result("nope")
    listed = gm.jobs.list(status=Status.SUCCESS)
    assert job.id in {j.id for j in listed}
    assert all(j.status is Status.SUCCESS for j in listed)


def test_errors_map_to_the_tree(gm: Client) -> None:
    wf = gm.workflows.create(pagerank_schema())
    with pytest.raises(ParamError) as bad:
        gm.run(wf.id, input={"analytics_pagerank_1": {"iterations": "lots"}})
    assert bad.value.problems
    assert bad.value.problems[0].task == "analytics_pagerank_1"
    assert "iterations" in bad.value.problems[0].field
    with pytest.raises(DatabaseError, match="workflow 1 does not exist"):  # Explorer's code for it
        gm.run(1)
    with pytest.raises(JobNotFound) as missing:
        gm.jobs.get(987654)
    assert isinstance(missing.value, errors.JobNotFound)
    assert missing.value.api_code == 50004001
    assert isinstance(missing.value, ApiError)


def test_failure_cancel_and_rerun(gm: Client) -> None:
    failed = gm.run(failing_schema()).wait(timeout_s=120)
    assert failed.status is Status.FAILED
    assert any(line.level == "error" for line in failed.logs())
    with pytest.raises(NotFound):
        failed.result("WCC")
    again = failed.rerun(from_failure=True).wait(timeout_s=120)
    assert again.status is Status.FAILED
    assert again.id != failed.id
    assert failed.cancel() is False


def test_events_until_end(gm: Client) -> None:
    job = gm.run(pagerank_schema())
    kinds = [e.kind for e in job.events()]
    assert kinds[0] == "snapshot"
    assert kinds[-1] == "end"
    job.refresh()
    assert job.ok
