"""Building a Service from settings: the one place that picks concrete stores."""

from __future__ import annotations

from graphmill.config import Settings
from graphmill.fs import FsConfig
from graphmill.graphstore.embedded import EmbeddedGraphStore
from graphmill.service.core import Service
from graphmill.store.sqlite import SQLiteStore


def build_service(settings: Settings) -> Service:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.resolved_files_root.mkdir(parents=True, exist_ok=True)
    graphstore = EmbeddedGraphStore(settings.graph_dir)
    graphstore.ensure_default_account()
    # S3/HDFS connection settings are nested in Settings (GRAPHMILL_S3_*, GRAPHMILL_HDFS_*, AWS_*).
    fs_config = FsConfig.from_settings(settings)
    return Service(settings, SQLiteStore(settings.metadata_db_path), graphstore, fs_config)
