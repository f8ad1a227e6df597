"""Application use cases: what the API and CLI call.  The only layer that puts the
metadata store, the graph store, the engine catalogue and the scheduler together."""

from __future__ import annotations

import json
import secrets
import string
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from graphmill.auth.tokens import Principal, TokenIssuer, decode_account, load_or_create_secret
from graphmill.config import Settings
from graphmill.engine.results import read_result_rows
from graphmill.errors import BadRequest, NotFound, ParamError
from graphmill.graphstore.base import GraphStore
from graphmill.models import Job, Status, TaskRun, Workflow
from graphmill.scheduler.runner import Runner, wall_clock_ms
from graphmill.service.catalog import EngineCatalog
from graphmill.service.planning import Planner, ProcessLauncher
from graphmill.store.base import JobFilter, MetadataStore
from graphmill.types import JobId, JSONObject, WorkflowId
from graphmill.workflow.params import apply_input
from graphmill.workflow.schema import Problem, check_schema, parse_schema, problems_error

_NAME_ALPHABET = string.ascii_lowercase + string.digits
MAX_PAGE_SIZE = 1000
MAX_SAMPLE_LIMIT = 10000


def default_workflow_name() -> str:
    return "workflow_" + "".join(secrets.choice(_NAME_ALPHABET) for _ in range(5))


def job_name(workflow_name: str, create_time_ms: int) -> str:
    local = datetime.fromtimestamp(create_time_ms / 1000).astimezone()
    return f"{workflow_name}_{local:%Y%m%d%H%M%S}"


@dataclass(frozen=True, slots=True)
class Page:
    page: int
    size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


class Service:
    def __init__(self, settings: Settings, store: MetadataStore, graphstore: GraphStore) -> None:
        self.settings = settings
        self.store = store
        self.graphstore = graphstore
        self.catalog = EngineCatalog()
        self.planner = Planner(settings, graphstore)
        self.tokens = TokenIssuer(load_or_create_secret(settings.secret_path), settings.token_max_age_s)
        self.runner = Runner(
            store,
            ProcessLauncher(self.planner, grace_s=settings.cancel_grace_s),
            max_jobs=settings.max_running_jobs,
            max_tasks=settings.max_running_tasks,
        )

    async def start(self) -> None:
        await self.runner.start()

    async def close(self) -> None:
        await self.runner.shutdown()
        self.store.close()

    # -- auth ----------------------------------------------------------------------------------
    def connect(self, authorization: str | None, address: object, port: object) -> str:
        user, password = decode_account(authorization)
        if not isinstance(address, str) or not address.strip():
            raise ParamError("address must be a non-empty string")
        if isinstance(port, bool) or not (
            isinstance(port, int) or (isinstance(port, str) and port.isdigit())
        ):
            raise ParamError("port must be a number")
        target = f"{address.strip()}:{int(port)}"
        if target != self.settings.embedded_address:
            raise BadRequest(f"no graph database is configured at {target}")
        if not self.graphstore.verify_account(user, password):
            raise BadRequest("wrong user name or password")
        return self.tokens.issue(Principal(user, target))

    def authenticate(self, token: str | None) -> Principal:
        return self.tokens.verify(token)

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

    def create_workflow(self, name: object, schema: object) -> WorkflowId:
        if name is not None and not isinstance(name, str):
            raise ParamError("name must be a string")
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
        self.store.create_workflow(Workflow(wid, name or default_workflow_name(), raw, 1, now, now))
        return wid

    def get_workflow(self, workflow_id: WorkflowId) -> Workflow:
        return self.store.get_workflow(workflow_id)

    def list_workflows(self, name: str | None, page: Page) -> tuple[list[Workflow], int]:
        return self.store.list_workflows(name=name, offset=page.offset, limit=page.size)

    def update_workflow(self, workflow_id: WorkflowId, name: object, schema: object) -> Workflow:
        if name is None and schema is None:
            raise ParamError("nothing to update: give name and/or schema")
        if name is not None and (not isinstance(name, str) or not name):
            raise ParamError("name must be a non-empty string")
        raw = self._validated_schema(schema) if schema is not None else None
        return self.store.update_workflow(workflow_id, name=name, schema=raw, now_ms=wall_clock_ms())

    def delete_workflow(self, workflow_id: WorkflowId) -> None:
        self.store.delete_workflow(workflow_id)

    def clone_workflow(self, workflow_id: WorkflowId, name: object = None) -> WorkflowId:
        source = self.store.get_workflow(workflow_id)
        if name is not None and not isinstance(name, str):
            raise ParamError("name must be a string")
        return self.create_workflow(name or f"{source.name}_copy", source.schema)

    # -- jobs -----------------------------------------------------------------------------------------
    def add_job(self, workflow_id: WorkflowId, job_input: object) -> JobId:
        try:
            workflow = self.store.get_workflow(workflow_id)
        except NotFound:
            raise NotFound(f"workflow {workflow_id} does not exist") from None
        schema = parse_schema(workflow.schema)
        effective = apply_input(schema, workflow.schema, job_input, self.catalog)
        runnable = [Problem(t, f, r) for t, f, r in self.planner.check_runnable(parse_schema(effective))]
        if runnable:
            raise problems_error("the job cannot run", runnable)
        now = wall_clock_ms()
        tasks = [
            TaskRun(
                id=uuid.uuid4().hex,
                job_id=0,
                schema_task_id=t.id,
                name=t.name or t.type,
                type=t.type,
            )
            for t in schema.tasks
        ]
        job = Job(
            id=0,
            name=job_name(workflow.name, now),
            workflow_id=workflow.id,
            workflow_name=workflow.name,
            workflow_version=workflow.version,
            status=Status.PREPARING,
            create_time_ms=now,
            schema=effective,
            input=job_input if isinstance(job_input, dict) else {},
            tasks=tasks,
        )
        job_id = self.store.create_job(job)
        if not tasks:
            # Nothing to run: an empty workflow succeeds at once.
            self.store.move_job(job_id, Status.RUNNING, now_ms=now)
            self.store.move_job(job_id, Status.SUCCESS, now_ms=wall_clock_ms())
        else:
            self.runner.notify()
        return job_id

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

    def sample_result(self, job_id: JobId, task_id: str, limit: int) -> list[list[str]]:
        task = self._task_of(job_id, task_id)
        if task.status is not Status.SUCCESS or not task.result_dir:
            raise NotFound(f"task {task_id} has no result: its status is {task.status.name.title()}")
        return read_result_rows(Path(task.result_dir), limit)

    def task_logs(self, job_id: JobId, task_id: str, offset: int, limit: int) -> list[dict[str, Any]]:
        self._task_of(job_id, task_id)
        return [
            {"seq": line.seq, "time": line.time_ms, "level": line.level, "message": line.message}
            for line in self.store.read_logs(task_id, offset=offset, limit=limit)
        ]
