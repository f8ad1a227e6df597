"""Building a Service from settings: the one place that picks concrete parts and wires them."""

from __future__ import annotations

from collections.abc import Callable

from graphmill.auth.tokens import TokenIssuer, load_or_create_secret
from graphmill.config import Settings
from graphmill.fs import FsConfig
from graphmill.graphstore.clusters import load_clusters, resolve_config_path
from graphmill.graphstore.embedded import EmbeddedGraphStore
from graphmill.scheduler.base import TaskLauncher
from graphmill.scheduler.runner import Runner
from graphmill.service.core import Service
from graphmill.service.graphs import GraphRouter
from graphmill.service.planning import Planner
from graphmill.service.webhooks import WebhookSender
from graphmill.spark.config import load_spark_config
from graphmill.store.sqlite import SQLiteStore
from graphmill.views import job_detail
from graphmill.worker.launcher import ProcessLauncher

#: Builds the task launcher from the planner (tests pass one that runs tasks in-process).
LauncherFactory = Callable[[Planner], TaskLauncher]


def build_service(settings: Settings, *, launcher: LauncherFactory | None = None) -> Service:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.resolved_files_root.mkdir(parents=True, exist_ok=True)
    graphstore = EmbeddedGraphStore(settings.graph_dir)
    graphstore.ensure_default_account()
    store = SQLiteStore(settings.metadata_db_path)
    config_path = resolve_config_path(settings.config_file, settings.data_dir)
    graphs = GraphRouter(
        graphstore,
        settings.embedded_address,
        load_clusters(config_path, embedded_address=settings.embedded_address),
        settings.data_dir.resolve() / "cache",
    )
    # S3/HDFS connection settings are nested in Settings (GRAPHMILL_S3_*, GRAPHMILL_HDFS_*, AWS_*);
    # the [spark] table of graphmill.toml says where engine spark runs.
    planner = Planner(settings, graphs, FsConfig.from_settings(settings), load_spark_config(config_path))
    make_launcher = launcher or (
        lambda p: ProcessLauncher(p, grace_s=settings.cancel_grace_s, warm_workers=settings.warm_workers)
    )
    runner = Runner(
        store,
        make_launcher(planner),
        max_jobs=settings.max_running_jobs,
        max_tasks=settings.max_running_tasks,
        memory_budget_bytes=settings.memory_budget_bytes,
    )
    webhooks = WebhookSender(
        store,
        load_or_create_secret(settings.webhook_secret_path),
        lambda job_id: job_detail(store.get_job(job_id)),
        attempts=settings.webhook_attempts,
        backoff_s=settings.webhook_backoff_s,
        allow=settings.webhook_allow,
    )
    runner.hub.on_job_end(webhooks.job_ended)
    tokens = TokenIssuer(load_or_create_secret(settings.secret_path), settings.token_max_age_s)
    return Service(
        settings,
        store,
        graphstore,
        graphs=graphs,
        planner=planner,
        runner=runner,
        tokens=tokens,
        webhooks=webhooks,
    )
