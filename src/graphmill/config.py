"""Settings, built once from CLI options and ``GRAPHMILL_*`` environment variables.

Nothing else in graphmill reads ``os.environ``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The address the embedded graph store answers to, like a NebulaGraph graphd.
EMBEDDED_GRAPH_ADDRESS = "127.0.0.1:9669"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GRAPHMILL_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(7002, ge=0, le=65535)
    data_dir: Path = Path("graphmill-data")
    #: Root of every local datasource path and of the result files; default <data_dir>/files.
    files_root: Path | None = None
    #: graphmill.toml mapping graph addresses to NebulaGraph clusters; default <data_dir>/graphmill.toml.
    config_file: Path | None = None
    #: Graph address (host:port) that the embedded store answers to.
    embedded_address: str = EMBEDDED_GRAPH_ADDRESS
    token_max_age_s: int = Field(259200, gt=0)
    max_running_jobs: int = Field(3, ge=1)
    max_running_tasks: int = Field(10, ge=1)
    #: Seconds a stopping task gets after SIGTERM before it is killed.
    cancel_grace_s: float = Field(0.5, ge=0)
    log_level: str = "info"
    #: Memory all running tasks together may be estimated to need; default 75% of the machine's.
    memory_budget_mb: int | None = Field(None, ge=1)
    #: URL prefixes webhooks may be sent to; empty = webhooks refused.
    webhook_allow: list[str] = Field(default_factory=list)
    #: Seconds between webhook delivery attempts double from this, for this many attempts.
    webhook_backoff_s: float = Field(1.0, gt=0)
    webhook_attempts: int = Field(5, ge=1)
    #: Also upload results to a task's hdfs:// or s3:// datasink (results always stay local too).
    remote_sinks: bool = False
    #: Log lines as JSON objects (for log shippers) instead of text.
    log_json: bool = False
    #: Largest request body accepted, in MiB (bigger: 413 ErrPayloadTooLarge, read no further).
    max_body_mb: float = Field(16, gt=0)
    #: Failed logins allowed per account and per client address within login_window_s (then 429).
    login_max_failures: int = Field(10, ge=1)
    login_window_s: float = Field(300, gt=0)
    #: Password hashes computed at the same time (each in a worker thread, off the event loop).
    login_hash_threads: int = Field(2, ge=1)
    #: Seconds an account's state (exists, role, token epoch) is cached per request check.
    account_cache_s: float = Field(5, ge=0)
    #: Browser origins (scheme://host:port) allowed cross-origin requests with credentials; none by default.
    cors_allow_origins: list[str] = Field(default_factory=list)
    #: Engine of tasks whose spec names none: local, spark (graphmill[spark]) or auto.
    engine: Literal["local", "spark", "auto"] = "local"

    @property
    def resolved_files_root(self) -> Path:
        return (self.files_root or self.data_dir / "files").resolve()

    @property
    def max_body_bytes(self) -> int:
        return int(self.max_body_mb * 2**20)

    @property
    def memory_budget_bytes(self) -> int:
        if self.memory_budget_mb is not None:
            return self.memory_budget_mb * 2**20
        import psutil

        return int(psutil.virtual_memory().total * 0.75)

    @property
    def webhook_secret_path(self) -> Path:
        return self.data_dir / "webhook.key"

    @property
    def metadata_db_path(self) -> Path:
        return self.data_dir / "graphmill.sqlite3"

    @property
    def graph_dir(self) -> Path:
        return self.data_dir / "graph"

    @property
    def secret_path(self) -> Path:
        return self.data_dir / "secret.key"
