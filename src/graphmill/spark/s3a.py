"""Spark reading ``s3://`` datasources itself, through Hadoop's S3A connector (``s3a://``).

graphmill's own S3 settings (``GRAPHMILL_S3_ENDPOINT_URL``, ``GRAPHMILL_S3_REGION``,
``AWS_ACCESS_KEY_ID`` …) are handed to S3A as ``spark.hadoop.fs.s3a.*`` so one set of
settings serves both the local engine (pyarrow) and Spark; a key the ``[spark.conf]`` table
sets itself wins.  S3A is not in the pyspark wheel: it needs ``hadoop-aws`` of the wheel's
Hadoop version and the AWS SDK bundle in ``[spark] jars``; :func:`missing_connector` turns
Spark's ClassNotFoundException into a message that says so.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from graphmill.fs.config import S3Config, endpoint_parts

_PREFIX = "spark.hadoop.fs.s3a."
#: What the JVM says when S3A or the AWS SDK is not on its class path.
_MISSING = re.compile(
    r"S3AFileSystem not found|No FileSystem for scheme \W?s3a|"
    r"NoClassDefFoundError: (software/amazon/awssdk|com/amazonaws)|"
    r"ClassNotFoundException: (software\.amazon\.awssdk|com\.amazonaws)"
)


def s3a_conf(s3: S3Config) -> dict[str, str]:
    """The ``spark.hadoop.fs.s3a.*`` settings equivalent to graphmill's S3 settings."""
    conf: dict[str, str] = {}
    if s3.endpoint_url:
        scheme, _ = endpoint_parts(s3.endpoint_url)
        conf["endpoint"] = s3.endpoint_url.strip().rstrip("/")
        # S3-compatible servers (MinIO, Ceph, moto) serve buckets as paths, not host names.
        conf["path.style.access"] = "true"
        conf["connection.ssl.enabled"] = "true" if scheme == "https" else "false"
        conf["endpoint.region"] = s3.region or "us-east-1"
    elif s3.region:
        conf["endpoint.region"] = s3.region
    if s3.access_key and s3.secret_key:
        conf["access.key"] = s3.access_key
        conf["secret.key"] = s3.secret_key
        if s3.session_token:
            conf["session.token"] = s3.session_token
            conf["aws.credentials.provider"] = "org.apache.hadoop.fs.s3a.TemporaryAWSCredentialsProvider"
        else:
            conf["aws.credentials.provider"] = "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider"
    return {_PREFIX + key: value for key, value in conf.items()}


def hadoop_version() -> str | None:
    """The Hadoop version of the installed pyspark wheel (its ``hadoop-client-api-X.jar``)."""
    spec = importlib.util.find_spec("pyspark")
    if spec is None or spec.origin is None:
        return None
    for jar in sorted((Path(spec.origin).parent / "jars").glob("hadoop-client-api-*.jar")):
        return jar.name.removeprefix("hadoop-client-api-").removesuffix(".jar")
    return None


def missing_connector(path: str, java_error: str) -> str | None:
    """A message naming the jars to add when ``java_error`` says S3A is not on Spark's class path."""
    found = _MISSING.search(java_error) if path.startswith("s3a://") else None
    if found is None:
        return None
    version = hadoop_version() or "X"
    return (
        f"cannot read {path}: Spark has no S3A connector ({found.group(0)}). "
        f"Add hadoop-aws-{version}.jar (the Hadoop version of this pyspark) and the AWS SDK bundle it "
        f"was built with (software.amazon.awssdk bundle-2.x.jar) to 'jars' in the [spark] table of "
        f"graphmill.toml; the executors need them too"
    )
