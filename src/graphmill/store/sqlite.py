"""The default metadata store: one SQLite file in WAL mode.

All access happens on the server's event-loop thread.  Each statement is a
sub-millisecond local call, and with ``synchronous=NORMAL`` in WAL mode a commit
does not wait for fsync, so this is cheaper than handing statements to a thread.
Status changes are conditional updates (``WHERE status IN (allowed predecessors)``):
a move the lifecycle forbids simply does not happen, atomically, whoever races.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from graphmill.errors import DatabaseError, JobNotFound, NotFound
from graphmill.models import TRANSITIONS, Job, Status, TaskRun, Workflow
from graphmill.store.accounts import JOB_VISIBLE, WORKFLOW_VISIBLE, AccountsMixin
from graphmill.store.base import JobFilter, LogLine
from graphmill.store.migrate import apply_migrations
from graphmill.types import JobId, JSONObject, TaskRunId, WorkflowId

#: For each status, the statuses a record may be in to move there.
_PREDECESSORS: dict[Status, tuple[int, ...]] = {
    new: tuple(int(old) for old, targets in TRANSITIONS.items() if new in targets) for new in Status
}

_JOB_COLUMNS = (
    "id, name, workflow_id, workflow_name, workflow_version, status, create_time_ms, "
    "begin_time_ms, end_time_ms, schema, input, reason, cancel_requested, rerun_of, idempotency_key, webhook, "
    "owner"
)
_TASK_COLUMNS = (
    "id, job_id, schema_task_id, name, type, status, begin_time_ms, end_time_ms, reason, "
    "result_dir, result_rows, result_columns, note, reused_from, estimated_bytes, peak_bytes"
)

#: The columns are named as the records' fields, so a row becomes a record by name.
_JOB_FIELDS = tuple(_JOB_COLUMNS.split(", "))
_TASK_FIELDS = tuple(_TASK_COLUMNS.split(", "))


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SQLiteStore(AccountsMixin):
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # The server uses the store from its event-loop thread only; the lock makes it
        # safe for the odd caller on another thread (tests, the CLI) as well.
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._lock = threading.RLock()
        self._closed = False
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute("PRAGMA busy_timeout=5000")
        apply_migrations(self._conn)

    # -- plumbing -----------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._conn.close()

    def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        if self._closed:
            raise DatabaseError("the metadata store is closed")
        try:
            with self._lock:
                return self._conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise DatabaseError(f"metadata database error: {exc}") from exc

    def _transaction(self, statements: list[tuple[str, tuple[Any, ...]]]) -> list[sqlite3.Cursor]:
        with self._lock:
            self._exec("BEGIN IMMEDIATE")
            try:
                cursors = [self._exec(sql, params) for sql, params in statements]
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._exec("COMMIT")
            return cursors

    # -- workflows ------------------------------------------------------------------
    def create_workflow(self, workflow: Workflow) -> None:
        schema = json.dumps(workflow.schema, separators=(",", ":"))
        self._transaction(
            [
                (
                    "INSERT INTO workflows (id, name, version, create_time_ms, update_time_ms, webhook, owner) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        workflow.id,
                        workflow.name,
                        workflow.version,
                        workflow.create_time_ms,
                        workflow.update_time_ms,
                        workflow.webhook,
                        workflow.owner,
                    ),
                ),
                (
                    "INSERT INTO workflow_versions VALUES (?, ?, ?, ?, ?)",
                    (workflow.id, workflow.version, workflow.name, schema, workflow.update_time_ms),
                ),
            ]
        )

    def workflow_exists(self, workflow_id: WorkflowId) -> bool:
        return self._exec("SELECT 1 FROM workflows WHERE id = ?", (workflow_id,)).fetchone() is not None

    def get_workflow(self, workflow_id: WorkflowId) -> Workflow:
        row = self._exec(
            "SELECT w.id, w.name, v.schema, w.version, w.create_time_ms, w.update_time_ms, w.webhook, w.owner "
            "FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.version "
            "WHERE w.id = ?",
            (workflow_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"workflow {workflow_id} does not exist")
        return Workflow(row[0], row[1], json.loads(row[2]), row[3], row[4], row[5], row[6], row[7])

    def update_workflow(
        self,
        workflow_id: WorkflowId,
        *,
        name: str | None,
        schema: JSONObject | None,
        now_ms: int,
        webhook: str | None = None,
    ) -> Workflow:
        current = self.get_workflow(workflow_id)
        new_webhook = current.webhook if webhook is None else webhook
        new_name = current.name if name is None else name
        new_schema = current.schema if schema is None else schema
        version = current.version + 1
        self._transaction(
            [
                (
                    "INSERT INTO workflow_versions VALUES (?, ?, ?, ?, ?)",
                    (workflow_id, version, new_name, json.dumps(new_schema, separators=(",", ":")), now_ms),
                ),
                (
                    "UPDATE workflows SET name = ?, version = ?, update_time_ms = ?, webhook = ? WHERE id = ?",
                    (new_name, version, now_ms, new_webhook, workflow_id),
                ),
            ]
        )
        return Workflow(
            workflow_id,
            new_name,
            new_schema,
            version,
            current.create_time_ms,
            now_ms,
            new_webhook,
            current.owner,
        )

    def delete_workflow(self, workflow_id: WorkflowId) -> None:
        # Versions stay: jobs that ran them keep pointing at what they ran.
        cur = self._exec("DELETE FROM workflows WHERE id = ?", (workflow_id,))
        if cur.rowcount == 0:
            raise NotFound(f"workflow {workflow_id} does not exist")

    def list_workflows(
        self, *, name: str | None, offset: int, limit: int, visible_to: str | None = None
    ) -> tuple[list[Workflow], int]:
        clauses: list[str] = []
        params: list[Any] = []
        if name:
            clauses.append("w.name LIKE ? ESCAPE '\\'")
            params.append(_like_pattern(name))
        if visible_to is not None:
            clauses.append(WORKFLOW_VISIBLE)
            params.extend([visible_to, visible_to])
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        total = self._exec(f"SELECT count(*) FROM workflows w {where}", tuple(params)).fetchone()[0]
        rows = self._exec(
            "SELECT w.id, w.name, v.schema, w.version, w.create_time_ms, w.update_time_ms, w.webhook, w.owner "
            "FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.version "
            f"{where} ORDER BY w.create_time_ms DESC, w.id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        return [Workflow(r[0], r[1], json.loads(r[2]), r[3], r[4], r[5], r[6], r[7]) for r in rows], total

    # -- jobs -------------------------------------------------------------------------
    def create_job(self, job: Job) -> JobId:
        with self._lock:
            return self._create_job_locked(job)

    def _create_job_locked(self, job: Job) -> JobId:
        self._exec("BEGIN IMMEDIATE")
        try:
            cur = self._exec(
                "INSERT INTO jobs (name, workflow_id, workflow_name, workflow_version, status, create_time_ms, "
                "schema, input, rerun_of, idempotency_key, webhook, owner) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    job.name,
                    job.workflow_id,
                    job.workflow_name,
                    job.workflow_version,
                    int(job.status),
                    job.create_time_ms,
                    json.dumps(job.schema, separators=(",", ":")),
                    json.dumps(job.input, separators=(",", ":")),
                    job.rerun_of,
                    job.idempotency_key,
                    job.webhook,
                    job.owner,
                ),
            )
            job_id = cur.lastrowid
            assert job_id is not None
            for seq, task in enumerate(job.tasks):
                self._exec(
                    "INSERT INTO tasks (id, job_id, seq, schema_task_id, name, type, status, note, reused_from, "
                    "estimated_bytes, begin_time_ms, end_time_ms, result_dir, result_rows, result_columns) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        task.id,
                        job_id,
                        seq,
                        task.schema_task_id,
                        task.name,
                        task.type,
                        int(task.status),
                        task.note,
                        task.reused_from,
                        task.estimated_bytes,
                        task.begin_time_ms,
                        task.end_time_ms,
                        task.result_dir,
                        task.result_rows,
                        json.dumps(task.result_columns),
                    ),
                )
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._exec("COMMIT")
        job.id = job_id
        for task in job.tasks:
            task.job_id = job_id
        return job_id

    @staticmethod
    def _job_from_row(row: tuple[Any, ...]) -> Job:
        fields = dict(zip(_JOB_FIELDS, row, strict=True))
        fields.update(
            status=Status(fields["status"]),
            schema=json.loads(fields["schema"]),
            input=json.loads(fields["input"]),
            cancel_requested=bool(fields["cancel_requested"]),
        )
        return Job(**fields)

    @staticmethod
    def _task_from_row(row: tuple[Any, ...]) -> TaskRun:
        fields = dict(zip(_TASK_FIELDS, row, strict=True))
        fields.update(status=Status(fields["status"]), result_columns=json.loads(fields["result_columns"]))
        return TaskRun(**fields)

    def get_job(self, job_id: JobId, *, with_tasks: bool = True) -> Job:
        row = self._exec(f"SELECT {_JOB_COLUMNS} FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFound(f"job {job_id} does not exist")
        job = self._job_from_row(row)
        if with_tasks:
            rows = self._exec(f"SELECT {_TASK_COLUMNS} FROM tasks WHERE job_id = ? ORDER BY seq", (job_id,))
            job.tasks = [self._task_from_row(r) for r in rows.fetchall()]
        return job

    def list_jobs(self, flt: JobFilter, *, offset: int, limit: int) -> tuple[list[Job], int]:
        clauses: list[str] = []
        params: list[Any] = []
        if flt.name:
            clauses.append("name LIKE ? ESCAPE '\\'")
            params.append(_like_pattern(flt.name))
        if flt.status is not None:
            clauses.append("status = ?")
            params.append(int(flt.status))
        if flt.from_create_time_ms is not None:
            clauses.append("create_time_ms >= ?")
            params.append(flt.from_create_time_ms)
        if flt.to_create_time_ms is not None:
            clauses.append("create_time_ms <= ?")
            params.append(flt.to_create_time_ms)
        if flt.workflow_id is not None:
            clauses.append("workflow_id = ?")
            params.append(flt.workflow_id)
        if flt.visible_to is not None:
            clauses.append(JOB_VISIBLE)
            params.extend([flt.visible_to] * 3)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        order = "DESC" if flt.newest_first else "ASC"
        total = self._exec(f"SELECT count(*) FROM jobs {where}", tuple(params)).fetchone()[0]
        rows = self._exec(
            f"SELECT {_JOB_COLUMNS} FROM jobs {where} ORDER BY create_time_ms {order}, id {order} LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        return [self._job_from_row(r) for r in rows], total

    def job_ids_in(self, statuses: frozenset[Status]) -> list[JobId]:
        marks = ",".join("?" * len(statuses))
        rows = self._exec(
            f"SELECT id FROM jobs WHERE status IN ({marks}) ORDER BY id", tuple(int(s) for s in statuses)
        )
        return [r[0] for r in rows.fetchall()]

    def _move(self, table: str, key: object, new: Status, now_ms: int, reason: str | None) -> bool:
        olds = _PREDECESSORS[new]
        if not olds:
            return False
        sets = ["status = ?"]
        params: list[Any] = [int(new)]
        if new is Status.RUNNING:
            sets.append("begin_time_ms = ?")
            params.append(now_ms)
        if new.is_terminal:
            sets.append("end_time_ms = ?")
            params.append(now_ms)
        if reason is not None:
            sets.append("reason = ?")
            params.append(reason)
        marks = ",".join("?" * len(olds))
        cur = self._exec(
            f"UPDATE {table} SET {', '.join(sets)} WHERE id = ? AND status IN ({marks})",
            (*params, key, *olds),
        )
        return cur.rowcount == 1

    def move_job(self, job_id: JobId, new: Status, *, now_ms: int, reason: str | None = None) -> bool:
        return self._move("jobs", job_id, new, now_ms, reason)

    def request_cancel(self, job_id: JobId) -> None:
        self._exec("UPDATE jobs SET cancel_requested = 1 WHERE id = ?", (job_id,))

    def count_by_status(self) -> dict[Status, int]:
        rows = self._exec("SELECT status, count(*) FROM jobs GROUP BY status").fetchall()
        return {Status(r[0]): int(r[1]) for r in rows}

    def get_workflow_version(self, workflow_id: WorkflowId, version: int) -> tuple[str, JSONObject]:
        """(name, schema) of one saved version; versions outlive a deleted workflow."""
        row = self._exec(
            "SELECT name, schema FROM workflow_versions WHERE workflow_id = ? AND version = ?",
            (workflow_id, version),
        ).fetchone()
        if row is None:
            raise NotFound(f"workflow {workflow_id} has no version {version}")
        return row[0], json.loads(row[1])

    def list_workflow_versions(self, workflow_id: WorkflowId) -> list[tuple[int, str, int, JSONObject]]:
        """(version, name, saved at ms, schema) of every saved version, oldest first."""
        rows = self._exec(
            "SELECT version, name, create_time_ms, schema FROM workflow_versions WHERE workflow_id = ? ORDER BY version",
            (workflow_id,),
        ).fetchall()
        return [(r[0], r[1], r[2], json.loads(r[3])) for r in rows]

    def job_by_idempotency_key(self, workflow_id: WorkflowId, key: str, *, since_ms: int) -> JobId | None:
        row = self._exec(
            "SELECT id FROM jobs WHERE workflow_id = ? AND idempotency_key = ? AND create_time_ms >= ?",
            (workflow_id, key, since_ms),
        ).fetchone()
        return None if row is None else int(row[0])

    def release_idempotency_key(self, workflow_id: WorkflowId, key: str, *, before_ms: int) -> None:
        """Forget keys older than the window, so the key can start a new job."""
        self._exec(
            "UPDATE jobs SET idempotency_key = NULL WHERE workflow_id = ? AND idempotency_key = ? "
            "AND create_time_ms < ?",
            (workflow_id, key, before_ms),
        )

    def record_delivery(
        self,
        job_id: JobId,
        url: str,
        attempt: int,
        time_ms: int,
        status_code: int,
        error: str,
        delivered: bool,
    ) -> None:
        self._exec(
            "INSERT INTO webhook_deliveries (job_id, url, attempt, time_ms, status_code, error, delivered) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (job_id, url, attempt, time_ms, status_code, error, int(delivered)),
        )

    def deliveries(self, job_id: JobId) -> list[dict[str, Any]]:
        rows = self._exec(
            "SELECT url, attempt, time_ms, status_code, error, delivered FROM webhook_deliveries "
            "WHERE job_id = ? ORDER BY id",
            (job_id,),
        ).fetchall()
        return [
            {
                "url": r[0],
                "attempt": r[1],
                "time": r[2],
                "statusCode": r[3],
                "error": r[4],
                "delivered": bool(r[5]),
            }
            for r in rows
        ]

    # -- tasks --------------------------------------------------------------------------
    def move_task(self, task_id: TaskRunId, new: Status, *, now_ms: int, reason: str | None = None) -> bool:
        return self._move("tasks", task_id, new, now_ms, reason)

    def record_task_result(
        self, task_id: TaskRunId, *, result_dir: str, rows: int, columns: list[str]
    ) -> None:
        self._exec(
            "UPDATE tasks SET result_dir = ?, result_rows = ?, result_columns = ? WHERE id = ?",
            (result_dir, rows, json.dumps(columns), task_id),
        )

    def set_task_memory(
        self, task_id: TaskRunId, *, estimated_bytes: int | None = None, peak_bytes: int | None = None
    ) -> None:
        if estimated_bytes is not None:
            self._exec("UPDATE tasks SET estimated_bytes = ? WHERE id = ?", (estimated_bytes, task_id))
        if peak_bytes is not None:
            self._exec("UPDATE tasks SET peak_bytes = ? WHERE id = ?", (peak_bytes, task_id))

    def set_task_note(self, task_id: TaskRunId, note: str) -> None:
        self._exec("UPDATE tasks SET note = ? WHERE id = ?", (note, task_id))

    def get_task(self, task_id: TaskRunId) -> TaskRun:
        row = self._exec(f"SELECT {_TASK_COLUMNS} FROM tasks WHERE id = ?", (task_id,)).fetchone()
        if row is None:
            raise NotFound(f"task {task_id} does not exist")
        return self._task_from_row(row)

    def append_log(self, task_id: TaskRunId, time_ms: int, level: str, message: str) -> None:
        self._exec(
            "INSERT INTO task_logs (task_id, seq, time_ms, level, message) "
            "SELECT ?, coalesce(max(seq) + 1, 0), ?, ?, ? FROM task_logs WHERE task_id = ?",
            (task_id, time_ms, level, message, task_id),
        )

    def read_logs(self, task_id: TaskRunId, *, offset: int, limit: int) -> list[LogLine]:
        rows = self._exec(
            "SELECT seq, time_ms, level, message FROM task_logs WHERE task_id = ? AND seq >= ? ORDER BY seq LIMIT ?",
            (task_id, offset, limit),
        ).fetchall()
        return [LogLine(*r) for r in rows]
