from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from graphmill.errors import DatabaseError, JobNotFound, NotFound
from graphmill.models import Job, Status, TaskRun, Workflow
from graphmill.store.base import JobFilter
from graphmill.store.migrate import migration_names
from graphmill.store.sqlite import SQLiteStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "m.sqlite3")
    yield s
    s.close()


def make_job(name: str, created: int, *, wid: int = 7, tasks: int = 1) -> Job:
    return Job(
        id=0,
        name=name,
        workflow_id=wid,
        workflow_name="wf",
        workflow_version=1,
        status=Status.PREPARING,
        create_time_ms=created,
        schema={"tasks": []},
        input={},
        tasks=[
            TaskRun(id=f"{created:016x}{i:016x}", job_id=0, schema_task_id=f"t{i}", name="T", type="x")
            for i in range(tasks)
        ],
    )


def test_migrations_apply_once(tmp_path: Path) -> None:
    """Opening twice applies each migration once and records it."""
    SQLiteStore(tmp_path / "a.db").close()
    SQLiteStore(tmp_path / "a.db").close()
    rows = sqlite3.connect(tmp_path / "a.db").execute("SELECT name FROM schema_migrations").fetchall()
    assert [r[0] for r in rows] == migration_names()


def test_workflow_versions(store: SQLiteStore) -> None:
    """Updating a workflow keeps the old version and bumps the number."""
    store.create_workflow(Workflow(42, "w", {"tasks": [1]}, 1, 10, 10))
    wf = store.update_workflow(42, name=None, schema={"tasks": [2]}, now_ms=20)
    assert (wf.version, wf.name, wf.schema, wf.update_time_ms) == (2, "w", {"tasks": [2]}, 20)
    assert store.get_workflow(42).schema == {"tasks": [2]}
    assert store.get_workflow(42).create_time_ms == 10
    store.delete_workflow(42)
    with pytest.raises(NotFound):
        store.get_workflow(42)
    with pytest.raises(NotFound):
        store.delete_workflow(42)


def test_list_workflows_filter_escapes_like(store: SQLiteStore) -> None:
    """A name filter matches substrings and treats % and _ literally."""
    for i, name in enumerate(["alpha", "beta_1", "gamma%"]):
        store.create_workflow(Workflow(i + 1, name, {}, 1, i, i))
    items, total = store.list_workflows(name="_", offset=0, limit=10)
    assert (total, [w.name for w in items]) == (1, ["beta_1"])
    items, total = store.list_workflows(name=None, offset=1, limit=1)
    assert (total, [w.name for w in items]) == (3, ["beta_1"])


def test_job_roundtrip_and_unknown(store: SQLiteStore) -> None:
    """A job and its tasks come back as stored; an unknown id is JobNotFound (50004001)."""
    made = make_job("j", 100, tasks=2)
    made.rerun_of, made.idempotency_key, made.webhook = 3, "key", "http://127.0.0.1:1/h"
    made.tasks[1].estimated_bytes, made.tasks[1].reused_from = 12345, "f" * 32
    made.tasks[1].status, made.tasks[1].result_rows, made.tasks[1].result_columns = Status.SUCCESS, 7, ["VID"]
    jid = store.create_job(made)
    job = store.get_job(jid)
    assert (job.rerun_of, job.idempotency_key, job.webhook) == (3, "key", "http://127.0.0.1:1/h")
    kept = job.tasks[1]
    assert (kept.estimated_bytes, kept.reused_from, kept.status, kept.result_rows, kept.result_columns) == (
        12345,
        "f" * 32,
        Status.SUCCESS,
        7,
        ["VID"],
    )
    assert job.name == "j"
    assert [t.schema_task_id for t in job.tasks] == ["t0", "t1"]
    assert all(t.job_id == jid for t in job.tasks)
    with pytest.raises(JobNotFound) as err:
        store.get_job(jid + 1)
    assert err.value.code == 50004001


def test_status_moves_follow_the_table(store: SQLiteStore) -> None:
    """Legal moves apply with times; illegal ones (out of a terminal state) do nothing."""
    jid = store.create_job(make_job("j", 100))
    assert not store.move_job(jid, Status.SUCCESS, now_ms=1)  # Preparing -> Success is not a move
    assert store.move_job(jid, Status.RUNNING, now_ms=5)
    assert store.move_job(jid, Status.SUCCESS, now_ms=9, reason="")
    assert not store.move_job(jid, Status.STOPPING, now_ms=10)
    assert not store.move_job(jid, Status.INTERRUPTED, now_ms=10)
    job = store.get_job(jid)
    assert (job.status, job.begin_time_ms, job.end_time_ms) == (Status.SUCCESS, 5, 9)


def test_task_moves_and_result(store: SQLiteStore) -> None:
    """Task status, times and result fields are recorded."""
    jid = store.create_job(make_job("j", 100))
    tid = store.get_job(jid).tasks[0].id
    assert store.move_task(tid, Status.RUNNING, now_ms=3)
    store.record_task_result(tid, result_dir="/r", rows=5, columns=["VID", "VALUE"])
    assert store.move_task(tid, Status.FAILED, now_ms=4, reason="boom")
    task = store.get_task(tid)
    assert (task.status, task.reason, task.result_rows, task.result_columns) == (
        Status.FAILED,
        "boom",
        5,
        ["VID", "VALUE"],
    )
    with pytest.raises(NotFound):
        store.get_task("0" * 32)


def test_list_jobs_filters_and_order(store: SQLiteStore) -> None:
    """Name, status, time range, workflow and order filters combine; total counts all matches."""
    ids = [store.create_job(make_job(f"job_{i}", 1000 + i, wid=1 if i < 3 else 2)) for i in range(5)]
    store.move_job(ids[1], Status.RUNNING, now_ms=1)
    jobs, total = store.list_jobs(JobFilter(), offset=0, limit=2)
    assert total == 5
    assert [j.id for j in jobs] == [ids[4], ids[3]]
    jobs, total = store.list_jobs(JobFilter(newest_first=False), offset=1, limit=2)
    assert [j.id for j in jobs] == [ids[1], ids[2]]
    jobs, total = store.list_jobs(JobFilter(status=Status.RUNNING), offset=0, limit=10)
    assert (total, [j.id for j in jobs]) == (1, [ids[1]])
    jobs, total = store.list_jobs(
        JobFilter(from_create_time_ms=1001, to_create_time_ms=1003), offset=0, limit=10
    )
    assert total == 3
    jobs, total = store.list_jobs(JobFilter(workflow_id=2), offset=0, limit=10)
    assert {j.id for j in jobs} == {ids[3], ids[4]}
    jobs, total = store.list_jobs(JobFilter(name="job_4"), offset=0, limit=10)
    assert [j.id for j in jobs] == [ids[4]]


def test_logs_are_sequenced_and_paged(store: SQLiteStore) -> None:
    """Log lines get consecutive numbers per task and page by offset."""
    for i in range(5):
        store.append_log("t", i, "info", f"line {i}")
    store.append_log("u", 0, "info", "other")
    lines = store.read_logs("t", offset=2, limit=2)
    assert [(line.seq, line.message) for line in lines] == [(2, "line 2"), (3, "line 3")]


def test_closed_store_raises(tmp_path: Path) -> None:
    """Using a closed store is a clear DatabaseError; closing twice is fine."""
    s = SQLiteStore(tmp_path / "c.db")
    s.close()
    s.close()
    with pytest.raises(DatabaseError, match="closed"):
        s.get_job(1)
