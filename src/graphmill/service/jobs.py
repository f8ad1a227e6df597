"""Job use cases: submit, rerun, read, cancel, and a job's tasks, results and logs.

Submission refuses only what Explorer refuses (api.md §3.1, issue 14):
- a ``${param}`` with no value from ``input``, a default or an upstream column: 50004002;
- ``input`` naming a task the workflow lacks, or a parameter the task does not declare,
  or a schema with no tasks, a repeated task id, a dangling dependency or a cycle: 40004001.
Everything else creates the job; a task that cannot run fails when it runs, with the reason
in its log and in ``/progress``.  ``strict`` submission (the add-job body's ``"strict":
true`` or ``GRAPHMILL_STRICT_SUBMIT``) refuses every problem up front instead.

Every step is O(tasks + deps): a workflow of thousands of tasks is submitted in one pass.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from graphmill.engine.results import read_result_rows
from graphmill.errors import BadRequest, DatabaseError, Forbidden, NotFound, ParamError
from graphmill.fs.confine import PathOutsideRoot, resolve_within
from graphmill.models import DEFAULT_OWNER, Job, Status, TaskRun
from graphmill.scheduler.runner import Runner, wall_clock_ms
from graphmill.service.estimate import describe, max_edges
from graphmill.service.progress import job_progress
from graphmill.service.results import manifest_of
from graphmill.service.workflows import Page, WorkflowUseCases
from graphmill.store.base import JobFilter
from graphmill.types import JobId, JSONObject, WorkflowId
from graphmill.workflow.dag import topological_order
from graphmill.workflow.params import apply_input
from graphmill.workflow.schema import (
    Problem,
    WorkflowSchema,
    parse_schema,
    problems_error,
    structure_problems,
    validate_schema,
)

MAX_SAMPLE_LIMIT = 10000
IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000


def job_name(workflow_name: str, create_time_ms: int) -> str:
    local = datetime.fromtimestamp(create_time_ms / 1000).astimezone()
    return f"{workflow_name}_{local:%Y%m%d%H%M%S}"


class JobUseCases(WorkflowUseCases):
    """The job half of :class:`graphmill.service.core.Service` (jobs are made of workflows)."""

    runner: Runner
    memory_budget_bytes: int

    # -- submission -------------------------------------------------------------------------------
    def _job_schema(
        self, raw: JSONObject, job_input: dict[str, Any] | None, strict: bool
    ) -> tuple[JSONObject, WorkflowSchema]:
        """The schema a job runs (``input`` applied) and its parsed form; refuses as documented above."""
        self.check_task_cap(raw)
        schema = parse_schema(raw)
        structure = structure_problems(schema)
        if structure:
            raise problems_error("the workflow cannot run", structure)
        if strict:
            problems = validate_schema(schema, self.catalog)
            problems += [Problem(t, f, r) for t, f, r in self.planner.check_paths(schema)]
            if problems:
                raise problems_error("invalid workflow schema", problems)
        effective = apply_input(schema, raw, job_input, self.catalog, strict=strict)
        tasks: list[Any] = effective["tasks"]  # type: ignore[assignment]
        parsed = schema.with_specs([t.get("spec") or {} for t in tasks])
        if strict:
            runnable = [Problem(t, f, r) for t, f, r in self.planner.check_runnable(parsed)]
            if runnable:
                raise problems_error("the job cannot run", runnable)
        return effective, parsed

    def add_job(
        self,
        workflow_id: WorkflowId,
        job_input: dict[str, Any] | None,
        *,
        strict: bool = False,
        idempotency_key: str | None = None,
        webhook: str | None = None,
        owner: str = DEFAULT_OWNER,
    ) -> JobId:
        try:
            workflow = self.store.get_workflow(workflow_id)
        except NotFound:  # Explorer reports an unknown workflow like an unknown job
            raise DatabaseError(f"workflow {workflow_id} does not exist") from None
        now = wall_clock_ms()
        if idempotency_key is not None:
            if not idempotency_key or len(idempotency_key) > 255:
                raise ParamError("Idempotency-Key must be 1 to 255 characters")
            window_start = now - IDEMPOTENCY_WINDOW_MS
            existing = self.store.job_by_idempotency_key(workflow_id, idempotency_key, since_ms=window_start)
            if existing is not None:
                return existing
            self.store.release_idempotency_key(workflow_id, idempotency_key, before_ms=window_start)
        hook = self._webhook(webhook) if webhook is not None else workflow.webhook
        effective, schema = self._job_schema(workflow.schema, job_input, strict)
        tasks = self._plan_tasks(schema, strict=strict)
        return self._create_job(
            workflow.id,
            workflow.name,
            workflow.version,
            (effective, schema),
            job_input,
            tasks,
            idempotency_key=idempotency_key,
            webhook=hook,
            owner=owner,
        )

    def _plan_tasks(
        self, schema: WorkflowSchema, keep: dict[str, TaskRun] | None = None, *, strict: bool = False
    ) -> list[TaskRun]:
        """Fresh task records for a job of ``schema``; refused if a task never fits the memory budget."""
        sizes = self.planner.input_sizes(schema, strict=strict)
        tasks: list[TaskRun] = []
        for t in schema.tasks:
            kept = (keep or {}).get(t.id)
            if kept is not None:
                tasks.append(_kept_task(t.id, t.type, kept))
                continue
            size = sizes[t.id]
            estimate = self.planner.memory_estimate(schema, t, size)
            if estimate > self.memory_budget_bytes:
                ceiling = max_edges(t.type, size, self.memory_budget_bytes)
                raise Forbidden(
                    f"task {t.id} needs an estimated {describe(estimate)} of memory for {size.edges} edges; "
                    f"the memory budget is {describe(self.memory_budget_bytes)} (GRAPHMILL_MEMORY_BUDGET_MB), "
                    f"which fits about {ceiling} edges for this algorithm",
                    data={
                        "task": t.id,
                        "estimatedBytes": estimate,
                        "budgetBytes": self.memory_budget_bytes,
                        "maxEdges": ceiling,
                    },
                )
            tasks.append(
                TaskRun(
                    id=uuid.uuid4().hex,
                    job_id=0,
                    schema_task_id=t.id,
                    name=t.name or t.type,
                    type=t.type,
                    estimated_bytes=estimate,
                )
            )
        return tasks

    def _create_job(
        self,
        workflow_id: WorkflowId,
        workflow_name: str,
        version: int,
        schemas: tuple[JSONObject, WorkflowSchema],
        job_input: dict[str, Any] | None,
        tasks: list[TaskRun],
        *,
        idempotency_key: str | None = None,
        webhook: str = "",
        rerun_of: JobId | None = None,
        owner: str = DEFAULT_OWNER,
    ) -> JobId:
        effective, parsed = schemas
        now = wall_clock_ms()
        job = Job(
            id=0,
            name=job_name(workflow_name, now),
            workflow_id=workflow_id,
            workflow_name=workflow_name,
            workflow_version=version,
            status=Status.PREPARING,
            create_time_ms=now,
            schema=effective,
            input=job_input or {},
            tasks=tasks,
            rerun_of=rerun_of,
            idempotency_key=idempotency_key,
            webhook=webhook,
            owner=owner,
        )
        job_id = self.store.create_job(job)
        # Parsed here, in the request's worker thread: the scheduler's event loop need not parse it.
        self.planner.remember(job_id, parsed)
        if all(t.status is Status.SUCCESS for t in tasks):
            # Nothing to run (a rerun that kept every result): done at once.
            self.runner.finish_without_tasks(job_id)
        else:
            self.runner.notify()
        return job_id

    def rerun_job(
        self,
        job_id: JobId,
        job_input: dict[str, Any] | None,
        from_failure: bool,
        *,
        strict: bool = False,
        owner: str = DEFAULT_OWNER,
    ) -> JobId:
        """A new job of the same workflow version; with ``from_failure`` successful tasks keep their results."""
        old = self.store.get_job(job_id)
        if not old.status.is_terminal:
            raise BadRequest(f"job {job_id} has not ended (status {int(old.status)}); cancel it first")
        if from_failure and old.status is Status.SUCCESS:
            raise BadRequest(f"job {job_id} succeeded: there is no failure to rerun from")
        _, raw = self.store.get_workflow_version(old.workflow_id, old.workflow_version)
        new_input = old.input if job_input is None else job_input
        effective, schema = self._job_schema(raw, new_input, strict)
        keep = self._reusable_tasks(old, schema) if from_failure else {}
        tasks = self._plan_tasks(schema, keep, strict=strict)
        return self._create_job(
            old.workflow_id,
            old.workflow_name,
            old.workflow_version,
            (effective, schema),
            new_input,
            tasks,
            webhook=old.webhook,
            rerun_of=old.id,
            owner=owner,
        )

    def _reusable_tasks(self, old: Job, new_schema: WorkflowSchema) -> dict[str, TaskRun]:
        """Successful tasks of ``old`` whose spec is unchanged and whose upstreams are all kept too."""
        old_schema = parse_schema(old.schema)
        by_sid = {t.schema_task_id: t for t in old.tasks}
        upstream = new_schema.upstream()
        keep: dict[str, TaskRun] = {}
        for sid in topological_order(upstream):
            prev = by_sid.get(sid)
            if (
                prev is None
                or prev.status is not Status.SUCCESS
                or not Path(prev.result_dir, "manifest.json").is_file()
            ):
                continue
            try:
                same = old_schema.task(sid).spec == new_schema.task(sid).spec
            except KeyError:
                continue
            if same and all(u in keep for u in upstream[sid]):
                keep[sid] = prev
        return keep

    # -- reading and cancelling -------------------------------------------------------------------
    def list_jobs(self, flt: JobFilter, page: Page) -> tuple[list[Job], int]:
        if flt.workflow_id is not None and not self.store.workflow_exists(flt.workflow_id):
            raise NotFound(f"workflow {flt.workflow_id} does not exist")
        return self.store.list_jobs(flt, offset=page.offset, limit=page.size)

    def get_job(self, job_id: JobId) -> Job:
        return self.store.get_job(job_id)

    async def cancel_job(self, job_id: JobId) -> bool:
        return await self.runner.cancel(job_id)

    def task_of(self, job_id: JobId, task_id: str) -> TaskRun:
        """A task of a job by its 32-hex id or by its id in the workflow schema (``query_1``)."""
        job = self.store.get_job(job_id)
        for task in job.tasks:
            if task.id == task_id:
                return task
        for task in job.tasks:
            if task.schema_task_id == task_id:
                return task
        raise NotFound(f"job {job_id} has no task {task_id}")

    def _result_dir(self, task: TaskRun) -> Path:
        """A successful task's result folder, every file in it checked to be inside the files root."""
        if task.status is not Status.SUCCESS or not task.result_dir:
            raise NotFound(f"task {task.id} has no result: its status is {task.status.name.title()}")
        root = self.settings.resolved_files_root
        try:
            folder = resolve_within(root, task.result_dir, what="result folder")
            if folder.is_dir():
                for entry in folder.iterdir():
                    resolve_within(root, entry, what="result file")
        except PathOutsideRoot as exc:
            raise Forbidden(f"the result of task {task.id} is not readable: {exc.detail}") from None
        return folder

    def sample_result(self, job_id: JobId, task_id: str, limit: int) -> list[list[str]]:
        return read_result_rows(self._result_dir(self.task_of(job_id, task_id)), limit)

    def task_logs(self, job_id: JobId, task_id: str, offset: int, limit: int) -> list[dict[str, Any]]:
        task = self.task_of(job_id, task_id)
        return [
            {"seq": line.seq, "time": line.time_ms, "level": line.level, "message": line.message}
            for line in self.store.read_logs(task.id, offset=offset, limit=limit)
        ]

    def job_progress(self, job_id: JobId) -> dict[str, Any]:
        return job_progress(self.store.get_job(job_id), self.runner.progress, wall_clock_ms())

    def result_of(self, job_id: JobId, task_id: str) -> tuple[TaskRun, dict[str, Any]]:
        task = self.task_of(job_id, task_id)
        return task, manifest_of(self._result_dir(task))


def _kept_task(schema_task_id: str, task_type: str, kept: TaskRun) -> TaskRun:
    """A rerun's record of a task whose earlier result is reused."""
    return TaskRun(
        id=uuid.uuid4().hex,
        job_id=0,
        schema_task_id=schema_task_id,
        name=kept.name,
        type=task_type,
        status=Status.SUCCESS,
        begin_time_ms=kept.begin_time_ms,
        end_time_ms=kept.end_time_ms,
        result_dir=kept.result_dir,
        result_rows=kept.result_rows,
        result_columns=list(kept.result_columns),
        reused_from=kept.reused_from or kept.id,
        note=f"result kept from task {kept.reused_from or kept.id}",
    )
