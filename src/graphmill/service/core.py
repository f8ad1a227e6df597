"""Application use cases: what the API and CLI call.  The only layer that puts the
metadata store, the graph store, the engine catalogue and the scheduler together."""

from __future__ import annotations

import contextlib
import json
import secrets
import string
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil

from graphmill.auth.tokens import Principal, TokenIssuer, load_or_create_secret
from graphmill.config import Settings
from graphmill.engine.results import read_result_rows
from graphmill.errors import BadRequest, Forbidden, NotFound, ParamError
from graphmill.fs import FsConfig
from graphmill.fs.confine import PathOutsideRoot, resolve_within
from graphmill.graphstore.base import GraphStore
from graphmill.graphstore.sources import load_graph_sources, resolve_config_path
from graphmill.models import DEFAULT_OWNER, Job, Status, TaskRun, Workflow
from graphmill.scheduler.events import JobEvent
from graphmill.scheduler.runner import Runner, wall_clock_ms
from graphmill.service.access import AccessControl
from graphmill.service.catalog import EngineCatalog
from graphmill.service.estimate import describe, estimate_bytes
from graphmill.service.graphs import GraphSources
from graphmill.service.metrics import Metrics
from graphmill.service.planning import Planner, ProcessLauncher
from graphmill.service.progress import job_progress
from graphmill.service.results import manifest_of
from graphmill.service.webhooks import WebhookSender, check_allowed
from graphmill.spark.config import load_spark_config
from graphmill.store.base import JobFilter, MetadataStore
from graphmill.types import JobId, JSONObject, WorkflowId
from graphmill.wire import job_detail
from graphmill.workflow.dag import topological_order
from graphmill.workflow.params import apply_input
from graphmill.workflow.schema import (
    Problem,
    TaskDef,
    WorkflowSchema,
    check_schema,
    parse_schema,
    problems_error,
)

_NAME_ALPHABET = string.ascii_lowercase + string.digits
MAX_PAGE_SIZE = 1000
MAX_SAMPLE_LIMIT = 10000
IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000


def default_workflow_name() -> str:
    return "workflow_" + "".join(secrets.choice(_NAME_ALPHABET) for _ in range(5))


def job_name(workflow_name: str, create_time_ms: int) -> str:
    local = datetime.fromtimestamp(create_time_ms / 1000).astimezone()
    return f"{workflow_name}_{local:%Y%m%d%H%M%S}"


def _port(value: object) -> int:
    """A TCP port from a JSON number or ASCII digits: 1 to 65535."""
    if isinstance(value, str) and value.isascii() and value.strip().isdigit() and len(value.strip()) <= 5:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParamError("port must be a number")
    if not 0 < value < 65536:
        raise ParamError("port must be between 1 and 65535")
    return value


@dataclass(frozen=True, slots=True)
class Page:
    page: int
    size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


class Service:
    def __init__(
        self,
        settings: Settings,
        store: MetadataStore,
        graphstore: GraphStore,
        fs_config: FsConfig | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.graphstore = graphstore
        self.catalog = EngineCatalog()
        config_path = resolve_config_path(settings.config_file, settings.data_dir)
        self.graphs = GraphSources(
            graphstore,
            settings.embedded_address,
            load_graph_sources(config_path, embedded_address=settings.embedded_address),
            settings.data_dir.resolve() / "cache",
        )
        self.planner = Planner(settings, self.graphs, fs_config, load_spark_config(config_path))
        self.tokens = TokenIssuer(load_or_create_secret(settings.secret_path), settings.token_max_age_s)
        self.access = AccessControl(settings, store, self.tokens)
        self.memory_budget_bytes = settings.memory_budget_bytes
        self.runner = Runner(
            store,
            ProcessLauncher(self.planner, grace_s=settings.cancel_grace_s),
            max_jobs=settings.max_running_jobs,
            max_tasks=settings.max_running_tasks,
            memory_budget_bytes=self.memory_budget_bytes,
        )
        self.metrics = Metrics(store.count_by_status, self._worker_rss)
        self.runner.hub.listen(self._observe)
        self.webhooks = WebhookSender(
            store,
            load_or_create_secret(settings.webhook_secret_path),
            self._render_job,
            attempts=settings.webhook_attempts,
            backoff_s=settings.webhook_backoff_s,
            allow=settings.webhook_allow,
        )
        self.runner.hub.on_job_end(self.webhooks.job_ended)

    async def start(self) -> None:
        await self.runner.start()

    async def close(self) -> None:
        await self.runner.shutdown()
        await self.webhooks.close()
        self.store.close()

    # -- observability ---------------------------------------------------------------------------
    def _worker_rss(self) -> int:
        total = 0
        for pid in self.runner.worker_pids():
            with contextlib.suppress(psutil.Error):
                total += psutil.Process(pid).memory_info().rss
        return total

    def _observe(self, event: JobEvent) -> None:
        if event.kind != "task":
            return
        status = Status(event.data["status"])
        if status is Status.RUNNING:
            self.metrics.running_tasks.inc()
        elif status.is_terminal:
            task = self.store.get_task(event.data["taskId"])
            if task.begin_time_ms:
                self.metrics.running_tasks.dec()
                duration = max(0, task.end_time_ms - task.begin_time_ms) / 1000
                self.metrics.task_duration.labels(task.type, status.name.lower()).observe(duration)

    def _render_job(self, job_id: JobId) -> dict[str, Any]:
        return job_detail(self.store.get_job(job_id))

    # -- auth ----------------------------------------------------------------------------------
    async def connect(self, user: str, password: str, address: object, port: object, client: str) -> str:
        """Log in to the graph database at address:port; a token, or BadRequest/TooManyRequests."""
        if not isinstance(address, str) or not address.strip():
            raise ParamError("address must be a non-empty string")
        target = f"{address.strip()}:{_port(port)}"
        try:
            store = self.graphs.store(target)
        except ParamError as exc:
            raise BadRequest(exc.detail) from None
        return await self.access.login(user, client, lambda: store.verify_account(user, password), target)

    def authenticate(self, token: str | None) -> Principal:
        return self.access.authenticate(token)

    # -- workflows ---------------------------------------------------------------------------------
    def _validated_schema(self, raw: object) -> JSONObject:
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise ParamError(f"schema is not valid JSON: {exc}") from None
        schema = check_schema(raw, self.catalog)
        path_problems = [Problem(t, f, r) for t, f, r in self.planner.check_paths(schema)]
        if path_problems:
            raise problems_error("invalid workflow schema", path_problems)
        assert isinstance(raw, dict)
        return raw

    def _webhook(self, value: object) -> str:
        if value is None or value == "":
            return ""
        if not isinstance(value, str):
            raise ParamError("webhook must be a URL string")
        check_allowed(value, self.settings.webhook_allow)
        return value

    def create_workflow(
        self, name: object, schema: object, webhook: object = None, *, owner: str = DEFAULT_OWNER
    ) -> WorkflowId:
        if name is not None and not isinstance(name, str):
            raise ParamError("name must be a string")
        hook = self._webhook(webhook)
        if schema is None:
            raise ParamError("schema is required")
        raw = self._validated_schema(schema)
        now = wall_clock_ms()
        for _ in range(20):
            wid = secrets.randbelow(2**32 - 1) + 1
            if not self.store.workflow_exists(wid):
                break
        else:  # pragma: no cover - 20 collisions below 2^32 do not happen
            raise BadRequest("could not allocate a workflow id")
        self.store.create_workflow(
            Workflow(wid, name or default_workflow_name(), raw, 1, now, now, hook, owner=owner)
        )
        return wid

    def get_workflow(self, workflow_id: WorkflowId) -> Workflow:
        return self.store.get_workflow(workflow_id)

    def list_workflows(
        self, name: str | None, page: Page, *, visible_to: str | None = None
    ) -> tuple[list[Workflow], int]:
        return self.store.list_workflows(
            name=name, offset=page.offset, limit=page.size, visible_to=visible_to
        )

    def update_workflow(
        self, workflow_id: WorkflowId, name: object, schema: object, webhook: object = None
    ) -> Workflow:
        if name is None and schema is None and webhook is None:
            raise ParamError("nothing to update: give name, schema and/or webhook")
        hook = None if webhook is None else self._webhook(webhook)
        if name is not None and (not isinstance(name, str) or not name):
            raise ParamError("name must be a non-empty string")
        raw = self._validated_schema(schema) if schema is not None else None
        return self.store.update_workflow(
            workflow_id, name=name, schema=raw, now_ms=wall_clock_ms(), webhook=hook
        )

    def delete_workflow(self, workflow_id: WorkflowId) -> None:
        self.store.delete_workflow(workflow_id)

    def clone_workflow(
        self, workflow_id: WorkflowId, name: object = None, *, owner: str = DEFAULT_OWNER
    ) -> WorkflowId:
        source = self.store.get_workflow(workflow_id)
        if name is not None and not isinstance(name, str):
            raise ParamError("name must be a string")
        return self.create_workflow(
            name or f"{source.name}_copy", source.schema, source.webhook or None, owner=owner
        )

    # -- jobs -----------------------------------------------------------------------------------------
    def add_job(
        self,
        workflow_id: WorkflowId,
        job_input: object,
        *,
        idempotency_key: str | None = None,
        webhook: object = None,
        owner: str = DEFAULT_OWNER,
    ) -> JobId:
        try:
            workflow = self.store.get_workflow(workflow_id)
        except NotFound:
            raise NotFound(f"workflow {workflow_id} does not exist") from None
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
        schema = parse_schema(workflow.schema)
        effective = apply_input(schema, workflow.schema, job_input, self.catalog)
        tasks = self._plan_tasks(parse_schema(effective))
        return self._create_job(
            workflow.id,
            workflow.name,
            workflow.version,
            effective,
            job_input,
            tasks,
            idempotency_key=idempotency_key,
            webhook=hook,
            owner=owner,
        )

    def _plan_tasks(self, schema: WorkflowSchema, keep: dict[str, TaskRun] | None = None) -> list[TaskRun]:
        """Fresh task records for a job of ``schema``, refused if any cannot run or never fits."""
        runnable = [Problem(t, f, r) for t, f, r in self.planner.check_runnable(schema)]
        if runnable:
            raise problems_error("the job cannot run", runnable)
        tasks: list[TaskRun] = []
        for t in schema.tasks:
            kept = (keep or {}).get(t.id)
            if kept is not None:
                tasks.append(
                    TaskRun(
                        id=uuid.uuid4().hex,
                        job_id=0,
                        schema_task_id=t.id,
                        name=kept.name,
                        type=t.type,
                        status=Status.SUCCESS,
                        begin_time_ms=kept.begin_time_ms,
                        end_time_ms=kept.end_time_ms,
                        result_dir=kept.result_dir,
                        result_rows=kept.result_rows,
                        result_columns=list(kept.result_columns),
                        reused_from=kept.reused_from or kept.id,
                        note=f"result kept from task {kept.reused_from or kept.id}",
                    )
                )
                continue
            estimate = self.planner.memory_estimate(schema, t)
            if estimate > self.memory_budget_bytes:
                raise Forbidden(
                    f"task {t.id} needs an estimated {describe(estimate)} of memory; the memory budget is "
                    f"{describe(self.memory_budget_bytes)} (GRAPHMILL_MEMORY_BUDGET_MB)",
                    data={"task": t.id, "estimatedBytes": estimate, "budgetBytes": self.memory_budget_bytes},
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
        effective: JSONObject,
        job_input: object,
        tasks: list[TaskRun],
        *,
        idempotency_key: str | None = None,
        webhook: str = "",
        rerun_of: JobId | None = None,
        owner: str = DEFAULT_OWNER,
    ) -> JobId:
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
            input=job_input if isinstance(job_input, dict) else {},
            tasks=tasks,
            rerun_of=rerun_of,
            idempotency_key=idempotency_key,
            webhook=webhook,
            owner=owner,
        )
        job_id = self.store.create_job(job)
        if all(t.status is Status.SUCCESS for t in tasks):
            # Nothing to run (an empty workflow, or a rerun that kept every result): done at once.
            self.runner.finish_without_tasks(job_id)
        else:
            self.runner.notify()
        return job_id

    def rerun_job(
        self, job_id: JobId, job_input: object, from_failure: object, *, owner: str = DEFAULT_OWNER
    ) -> JobId:
        """A new job of the same workflow version; with ``from_failure`` successful tasks keep their results."""
        if from_failure is not None and not isinstance(from_failure, bool):
            raise ParamError("fromFailure must be true or false")
        old = self.store.get_job(job_id)
        if not old.status.is_terminal:
            raise BadRequest(f"job {job_id} has not ended (status {int(old.status)}); cancel it first")
        if from_failure and old.status is Status.SUCCESS:
            raise BadRequest(f"job {job_id} succeeded: there is no failure to rerun from")
        _, raw = self.store.get_workflow_version(old.workflow_id, old.workflow_version)
        schema = parse_schema(raw)
        new_input = old.input if job_input is None else job_input
        effective = apply_input(schema, raw, new_input, self.catalog)
        keep: dict[str, TaskRun] = {}
        if from_failure:
            keep = self._reusable_tasks(old, parse_schema(effective))
        tasks = self._plan_tasks(parse_schema(effective), keep)
        return self._create_job(
            old.workflow_id,
            old.workflow_name,
            old.workflow_version,
            effective,
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

    def list_jobs(self, flt: JobFilter, page: Page) -> tuple[list[Job], int]:
        if flt.workflow_id is not None and not self.store.workflow_exists(flt.workflow_id):
            raise NotFound(f"workflow {flt.workflow_id} does not exist")
        return self.store.list_jobs(flt, offset=page.offset, limit=page.size)

    def get_job(self, job_id: JobId) -> Job:
        return self.store.get_job(job_id)

    async def cancel_job(self, job_id: JobId) -> bool:
        return await self.runner.cancel(job_id)

    def _task_of(self, job_id: JobId, task_id: str) -> TaskRun:
        job = self.store.get_job(job_id)
        for task in job.tasks:
            if task.id == task_id:
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
        return read_result_rows(self._result_dir(self._task_of(job_id, task_id)), limit)

    def task_logs(self, job_id: JobId, task_id: str, offset: int, limit: int) -> list[dict[str, Any]]:
        self._task_of(job_id, task_id)
        return [
            {"seq": line.seq, "time": line.time_ms, "level": line.level, "message": line.message}
            for line in self.store.read_logs(task_id, offset=offset, limit=limit)
        ]

    def job_progress(self, job_id: JobId) -> dict[str, Any]:
        return job_progress(self.store.get_job(job_id), self.runner.progress, wall_clock_ms())

    def result_of(self, job_id: JobId, task_id: str) -> tuple[TaskRun, dict[str, Any]]:
        task = self._task_of(job_id, task_id)
        return task, manifest_of(self._result_dir(task))

    def estimate(self, task_type: str, space: str, edges: str, props: str) -> dict[str, Any]:
        if not self.catalog.is_runnable(task_type):
            raise NotFound(f"no algorithm {task_type!r}")
        if not space or not edges:
            raise ParamError("space and edges are required (edges: comma-joined edge types)")
        task = TaskDef.model_validate(
            {
                "id": "estimate",
                "type": task_type,
                "spec": {"nebula_input_edges": edges, "nebula_input_edges_props": props},
                "datasource": {"type": "nebula", "spec": {"space": space}},
            }
        )
        size = self.planner.input_size(WorkflowSchema(tasks=[task]), task)
        nbytes = estimate_bytes(task_type, size)
        return {
            "type": task_type,
            "vertices": size.vertices,
            "edges": size.edges,
            "weighted": size.weighted,
            "estimatedBytes": nbytes,
            "budgetBytes": self.memory_budget_bytes,
            "fits": nbytes <= self.memory_budget_bytes,
        }

    def algorithms(self) -> list[dict[str, Any]]:
        return self.catalog.describe_all()
