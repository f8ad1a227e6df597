"""Settings, built once from CLI options and ``GRAPHMILL_*`` environment variables.

This is the one source of configuration: the CLI's options take their defaults and help
from here, the S3 and HDFS connection settings are nested here (``GRAPHMILL_S3_*``,
``GRAPHMILL_HDFS_*``, and the AWS tools' own ``AWS_*`` credentials), and nothing else in
graphmill reads ``os.environ`` for its configuration.  The README documents every field
(a test holds it to that).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The address the embedded graph store answers to, like a NebulaGraph graphd.
EMBEDDED_GRAPH_ADDRESS = "127.0.0.1:9669"


class S3Settings(BaseModel):
    """``GRAPHMILL_S3_*``: how to reach S3 or an S3-compatible server."""

    #: An S3-compatible endpoint, http(s)://host[:port] (MinIO, Ceph, moto); unset: Amazon S3.
    endpoint_url: str | None = None
    #: The bucket region; unset: AWS_REGION, then AWS_DEFAULT_REGION.
    region: str | None = None
    #: Allow a plain-http endpoint (credentials and data then travel unencrypted).
    allow_http: bool = False


class HdfsSettings(BaseModel):
    """``GRAPHMILL_HDFS_*``: how to reach HDFS."""

    #: The user to act as; unset: the login user (or HADOOP_USER_NAME).
    user: str | None = None
    #: Path of a Kerberos ticket cache, for secured clusters.
    kerb_ticket: str | None = None


def _aws(name: str) -> AliasChoices:
    """A field read from the AWS tools' own variable (``AWS_…``), as they read it."""
    return AliasChoices(name.lower(), name)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="GRAPHMILL_",
        extra="ignore",
        # GRAPHMILL_S3_ENDPOINT_URL → s3.endpoint_url: one level of nesting, split at the first "_".
        env_nested_delimiter="_",
        env_nested_max_split=1,
        populate_by_name=True,
    )

    host: str = "127.0.0.1"
    port: int = Field(default=7002, ge=0, le=65535)
    data_dir: Path = Path("graphmill-data")
    #: Root of every local datasource path and of the result files; default <data_dir>/files.
    files_root: Path | None = None
    #: graphmill.toml mapping graph addresses to NebulaGraph clusters; default <data_dir>/graphmill.toml.
    #: ``--config`` / ``GRAPHMILL_CONFIG`` (the older ``GRAPHMILL_CONFIG_FILE`` is still read).
    config_file: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("config_file", "GRAPHMILL_CONFIG", "GRAPHMILL_CONFIG_FILE"),
    )
    #: Graph address (host:port) that the embedded store answers to.
    embedded_address: str = EMBEDDED_GRAPH_ADDRESS
    token_max_age_s: int = Field(default=259200, gt=0)
    max_running_jobs: int = Field(default=3, ge=1)
    max_running_tasks: int = Field(default=10, ge=1)
    #: Disk budget of the graph cache (built CSRs), least recently used dropped first; 0 = no cache.
    graph_cache_mb: int = Field(default=8192, ge=0)
    #: Idle worker processes kept warm for the next task; 0 = a fresh process for every task.
    warm_workers: int = Field(default=2, ge=0, le=64)
    #: Seconds a stopping task gets after SIGTERM before it is killed.
    cancel_grace_s: float = Field(default=0.5, ge=0)
    log_level: str = "info"
    #: Memory all running tasks together may be estimated to need; default 75% of the machine's.
    memory_budget_mb: int | None = Field(default=None, ge=1)
    #: URL prefixes webhooks may be sent to; empty = webhooks refused.
    webhook_allow: list[str] = Field(default_factory=list)
    #: Seconds between webhook delivery attempts double from this, for this many attempts.
    webhook_backoff_s: float = Field(default=1.0, gt=0)
    webhook_attempts: int = Field(default=5, ge=1)
    #: Also upload results to a task's hdfs:// or s3:// datasink (results always stay local too).
    remote_sinks: bool = False
    #: Log lines as JSON objects (for log shippers) instead of text.
    log_json: bool = False
    #: Largest request body accepted, in MiB (bigger: 413 ErrPayloadTooLarge, read no further).
    max_body_mb: float = Field(default=16, gt=0)
    #: Failed logins allowed per account and per client address within login_window_s (then 429).
    login_max_failures: int = Field(default=10, ge=1)
    login_window_s: float = Field(default=300, gt=0)
    #: Password hashes computed at the same time (each in a worker thread, off the event loop).
    login_hash_threads: int = Field(default=2, ge=1)
    #: Seconds an account's state (exists, role, token epoch) is cached per request check.
    account_cache_s: float = Field(default=5, ge=0)
    #: Browser origins (scheme://host:port) allowed cross-origin requests with credentials; none by default.
    cors_allow_origins: list[str] = Field(default_factory=list)
    #: Refuse a job at submission over any problem of its workflow (our strictness), instead of
    #: only what Explorer refuses; the add-job body's ``"strict"`` overrides it per request.
    strict_submit: bool = False
    #: Tasks one workflow may hold; more is refused at save and at submission (ErrParam).
    max_tasks_per_workflow: int = Field(default=1000, ge=1)
    s3: S3Settings = Field(default_factory=S3Settings)
    hdfs: HdfsSettings = Field(default_factory=HdfsSettings)
    #: Static S3 credentials; unset: the AWS SDK's default chain (~/.aws, web identity, instance profile).
    aws_access_key_id: str | None = Field(default=None, validation_alias=_aws("AWS_ACCESS_KEY_ID"))
    aws_secret_access_key: SecretStr | None = Field(
        default=None, validation_alias=_aws("AWS_SECRET_ACCESS_KEY")
    )
    aws_session_token: SecretStr | None = Field(default=None, validation_alias=_aws("AWS_SESSION_TOKEN"))
    aws_region: str | None = Field(default=None, validation_alias=_aws("AWS_REGION"))
    aws_default_region: str | None = Field(default=None, validation_alias=_aws("AWS_DEFAULT_REGION"))
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
    def graph_cache_dir(self) -> Path:
        return self.data_dir.resolve() / "cache" / "graphs"

    @property
    def metadata_db_path(self) -> Path:
        return self.data_dir / "graphmill.sqlite3"

    @property
    def graph_dir(self) -> Path:
        return self.data_dir / "graph"

    @property
    def secret_path(self) -> Path:
        return self.data_dir / "secret.key"


def load_settings(**given: Any) -> Settings:
    """Settings from the options given (``None``: not given), then ``GRAPHMILL_*``, then defaults."""
    return Settings(**{k: v for k, v in given.items() if v is not None})
