"""Application use cases: what the API and CLI call.  The only layer that puts the
metadata store, the graph store, the engine catalogue and the scheduler together.

The use cases live in :mod:`graphmill.service.workflows` and :mod:`graphmill.service.jobs`;
this module builds the parts they share and adds accounts and the algorithm catalogue."""

from __future__ import annotations

import contextlib
from typing import Any

import psutil

from graphmill.auth.tokens import Principal, TokenIssuer, load_or_create_secret
from graphmill.config import Settings
from graphmill.errors import BadRequest, NotFound, ParamError
from graphmill.fs import FsConfig
from graphmill.graphstore.base import GraphStore
from graphmill.graphstore.sources import load_graph_sources, resolve_config_path
from graphmill.models import Status
from graphmill.scheduler.events import JobEvent
from graphmill.scheduler.runner import Runner
from graphmill.service.access import AccessControl
from graphmill.service.catalog import EngineCatalog
from graphmill.service.estimate import estimate_bytes
from graphmill.service.graphs import GraphSources
from graphmill.service.jobs import MAX_SAMPLE_LIMIT, JobUseCases
from graphmill.service.metrics import Metrics
from graphmill.service.planning import Planner, ProcessLauncher
from graphmill.service.webhooks import WebhookSender
from graphmill.service.workflows import MAX_PAGE_SIZE, Page
from graphmill.spark.config import load_spark_config
from graphmill.store.base import MetadataStore
from graphmill.types import JobId
from graphmill.wire import job_detail
from graphmill.workflow.schema import TaskDef, WorkflowSchema

__all__ = ["MAX_PAGE_SIZE", "MAX_SAMPLE_LIMIT", "Page", "Service"]


def _port(value: object) -> int:
    """A TCP port from a JSON number or ASCII digits: 1 to 65535."""
    if isinstance(value, str) and value.isascii() and value.strip().isdigit() and len(value.strip()) <= 5:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParamError("port must be a number")
    if not 0 < value < 65536:
        raise ParamError("port must be between 1 and 65535")
    return value


class Service(JobUseCases):
    """Construction, accounts and the catalogue here; workflows and jobs in their own modules."""

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
