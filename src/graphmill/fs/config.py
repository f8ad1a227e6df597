"""Connection settings for remote datasources and sinks.

The server builds them with :meth:`FsConfig.from_settings` from :class:`graphmill.config.Settings`,
where they are nested (``settings.s3``, ``settings.hdfs``, ``settings.aws_*``).
:meth:`FsConfig.from_env` reads the same variables from a mapping (nothing here reads
``os.environ`` itself):

``GRAPHMILL_S3_ENDPOINT_URL``
    An S3-compatible endpoint, ``http(s)://host[:port]`` without a path (MinIO, Ceph,
    moto…).  Unset: Amazon S3 itself.
``GRAPHMILL_S3_REGION``
    The bucket region; falls back to ``AWS_REGION``, then ``AWS_DEFAULT_REGION``.  Unset
    with an endpoint: ``us-east-1`` (what S3-compatible servers expect); unset without
    one: the AWS SDK's own lookup.
``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` / ``AWS_SESSION_TOKEN``
    Static credentials (the session token is optional).  Unset: the AWS SDK's default
    credential chain (``~/.aws``, web identity, instance profile).  Setting only one of
    the key id and the secret is an error.
``GRAPHMILL_S3_ALLOW_HTTP``
    ``true`` to allow a plain-``http://`` endpoint (credentials and data then travel
    unencrypted); default ``false``, and an ``http://`` endpoint without it is refused.
``GRAPHMILL_HDFS_USER``
    The user to act as on HDFS; unset: the login user (or ``HADOOP_USER_NAME``, which
    libhdfs reads itself).  A datasource's ``spec.user`` may override it per task
    (``dataclasses.replace(config.hdfs, user=…)``).
``GRAPHMILL_HDFS_KERB_TICKET``
    Path of a Kerberos ticket cache, for secured clusters.

HDFS access also needs a Java runtime, ``libhdfs.so`` and the Hadoop jars, found through
``JAVA_HOME``, ``ARROW_LIBHDFS_DIR`` / ``HADOOP_HOME`` and ``CLASSPATH``
(see :mod:`graphmill.fs.filesystems`).

Booleans accept ``1/0``, ``true/false``, ``yes/no``, ``on/off``.  Invalid values raise
:class:`graphmill.errors.ParamError` naming the variable.  Secrets are left out of
``repr()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from graphmill.errors import ParamError

if TYPE_CHECKING:  # worker processes import this module: they need not load the settings stack
    from graphmill.config import Settings

__all__ = ["FsConfig", "HdfsConfig", "S3Config", "endpoint_parts"]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def endpoint_parts(endpoint_url: str) -> tuple[str, str]:
    """``("http" | "https", "host[:port]")`` of an endpoint URL; ParamError if it is not one."""
    parts = urlsplit(endpoint_url.strip())
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.netloc:
        raise ParamError(f"S3 endpoint {endpoint_url!r} must look like http(s)://host[:port]")
    if parts.path.strip("/") or parts.query or parts.fragment or "@" in parts.netloc:
        raise ParamError(
            f"S3 endpoint {endpoint_url!r} must be http(s)://host[:port] without a path, query or credentials"
        )
    try:
        _ = parts.port  # raises ValueError for a bad port
    except ValueError as exc:
        raise ParamError(f"S3 endpoint {endpoint_url!r}: {exc}") from exc
    return scheme, parts.netloc


@dataclass(frozen=True, slots=True)
class S3Config:
    """How to reach S3 (or an S3-compatible server).  Validated on construction."""

    endpoint_url: str | None = None
    region: str | None = None
    access_key: str | None = None
    secret_key: str | None = field(default=None, repr=False)
    allow_http: bool = False
    session_token: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.endpoint_url:
            scheme, _ = endpoint_parts(self.endpoint_url)
            if scheme == "http" and not self.allow_http:
                raise ParamError(
                    f"S3 endpoint {self.endpoint_url!r} is plain HTTP; set GRAPHMILL_S3_ALLOW_HTTP=true "
                    "to allow unencrypted connections"
                )
        if bool(self.access_key) != bool(self.secret_key):
            raise ParamError(
                "S3 credentials need both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or neither)"
            )
        if self.session_token and not self.access_key:
            raise ParamError("AWS_SESSION_TOKEN needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")


@dataclass(frozen=True, slots=True)
class HdfsConfig:
    """How to reach HDFS: the user to act as and an optional Kerberos ticket cache."""

    user: str | None = None
    kerb_ticket: str | None = None


@dataclass(frozen=True, slots=True)
class FsConfig:
    """Settings of every remote file system."""

    s3: S3Config = field(default_factory=S3Config)
    hdfs: HdfsConfig = field(default_factory=HdfsConfig)

    @classmethod
    def from_settings(cls, settings: Settings) -> FsConfig:
        """Build from the server's settings (one source of configuration)."""

        def secret(value: object) -> str | None:
            text = value.get_secret_value() if hasattr(value, "get_secret_value") else value
            return text.strip() or None if isinstance(text, str) else None

        s3 = S3Config(
            endpoint_url=settings.s3.endpoint_url or None,
            region=settings.s3.region or settings.aws_region or settings.aws_default_region or None,
            access_key=settings.aws_access_key_id or None,
            secret_key=secret(settings.aws_secret_access_key),
            allow_http=settings.s3.allow_http,
            session_token=secret(settings.aws_session_token),
        )
        return cls(
            s3=s3,
            hdfs=HdfsConfig(user=settings.hdfs.user or None, kerb_ticket=settings.hdfs.kerb_ticket or None),
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> FsConfig:
        """Build from the variables listed in the module documentation."""

        def get(name: str) -> str | None:
            value = environ.get(name)
            return value.strip() if value is not None and value.strip() else None

        allow_text = (environ.get("GRAPHMILL_S3_ALLOW_HTTP") or "").strip().lower()
        if allow_text not in _TRUE | _FALSE:
            raise ParamError(
                f"GRAPHMILL_S3_ALLOW_HTTP={environ.get('GRAPHMILL_S3_ALLOW_HTTP')!r} is not a boolean"
            )
        s3 = S3Config(
            endpoint_url=get("GRAPHMILL_S3_ENDPOINT_URL"),
            region=get("GRAPHMILL_S3_REGION") or get("AWS_REGION") or get("AWS_DEFAULT_REGION"),
            access_key=get("AWS_ACCESS_KEY_ID"),
            secret_key=get("AWS_SECRET_ACCESS_KEY"),
            allow_http=allow_text in _TRUE,
            session_token=get("AWS_SESSION_TOKEN"),
        )
        hdfs = HdfsConfig(user=get("GRAPHMILL_HDFS_USER"), kerb_ticket=get("GRAPHMILL_HDFS_KERB_TICKET"))
        return cls(s3=s3, hdfs=hdfs)
