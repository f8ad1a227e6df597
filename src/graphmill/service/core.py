"""Application use cases: what the API and CLI call.  The only layer that puts the
metadata store, the graph store, the engine catalogue and the scheduler together.

The use cases live in :mod:`graphmill.service.workflows` and :mod:`graphmill.service.jobs`;
this module builds the parts they share and adds accounts and the algorithm catalogue."""

from __future__ import annotations

import contextlib
from typing import Any

import psutil

from graphmill.auth.tokens import Principal, TokenIssuer
from graphmill.config import Settings
from graphmill.errors import BadRequest, NotFound, ParamError
from graphmill.graphstore.base import GraphStore
from graphmill.models import Status
from graphmill.scheduler.events import JobEvent
from graphmill.scheduler.runner import Runner
from graphmill.service.access import AccessControl
from graphmill.service.catalog import EngineCatalog
from graphmill.service.estimate import estimate_bytes
from graphmill.service.graphs import GraphRouter
from graphmill.service.jobs import MAX_SAMPLE_LIMIT, JobUseCases
from graphmill.service.metrics import Metrics
from graphmill.service.planning import Planner
from graphmill.service.webhooks import WebhookSender
from graphmill.service.workflows import MAX_PAGE_SIZE, Page
from graphmill.store.base import MetadataStore
from graphmill.workflow.schema import TaskDef, WorkflowSchema

__all__ = ["MAX_PAGE_SIZE", "MAX_SAMPLE_LIMIT", "Page", "Service"]


def _port(value: int | str) -> int:
    """A TCP port from a JSON number or ASCII digits: 1 to 65535."""
    if isinstance(value, str):
        digits = value.strip()
        if not (value.isascii() and digits.isdigit() and len(digits) <= 5):
            raise ParamError("port must be a number")
        value = int(digits)
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
        *,
        graphs: GraphRouter,
        planner: Planner,
        runner: Runner,
        tokens: TokenIssuer,
        webhooks: WebhookSender,
    ) -> None:
        """The parts are built and wired by ``service.factory.build_service``."""
        self.settings = settings
        self.store = store
        self.graphstore = graphstore
        self.catalog = EngineCatalog()
        self.graphs = graphs
        self.planner = planner
        self.tokens = tokens
        self.access = AccessControl(settings, store, tokens)
        self.runner = runner
        self.memory_budget_bytes = runner.memory_budget_bytes
        self.webhooks = webhooks
        self.metrics = Metrics(store.count_by_status, self._worker_rss)
        self.runner.hub.listen(self._observe)

    async def start(self, *, start_workers: bool = False) -> None:
        await self.runner.start(start_workers=start_workers)

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

    # -- auth ----------------------------------------------------------------------------------
    async def connect(self, user: str, password: str, address: str, port: int | str, client: str) -> str:
        """Log in to the graph database at address:port; a token, or BadRequest/TooManyRequests."""
        if not address.strip():
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
