"""A ``pyarrow.fs`` file system for a :class:`~graphmill.fs.uri.Location`.

* local paths → ``pyarrow.fs.LocalFileSystem``;
* ``s3://`` → ``pyarrow.fs.S3FileSystem`` (built into the pyarrow wheels) with the
  endpoint, region and credentials of :class:`~graphmill.fs.config.S3Config`; buckets are
  never created or deleted from here;
* ``hdfs://`` → ``pyarrow.fs.HadoopFileSystem``, which loads ``libhdfs.so`` and a Java VM
  at run time.  It needs:

  - a Java runtime: ``JAVA_HOME`` pointing at a JDK/JRE (containing ``libjvm.so``);
  - ``libhdfs.so``: in ``ARROW_LIBHDFS_DIR``, ``$HADOOP_HOME/lib/native`` or the
    library search path;
  - the Hadoop client jars on ``CLASSPATH`` (``export CLASSPATH=$(hadoop classpath --glob)``).

  What can be checked without loading anything is checked first, and a missing piece
  raises :class:`graphmill.errors.TaskFailed` saying what to install or set, instead of
  pyarrow's long list of failed ``dlopen`` attempts.

Errors opening a file system are :class:`~graphmill.errors.TaskFailed` (they happen in a
worker, for one task).
"""

from __future__ import annotations

import ctypes.util
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from graphmill.errors import TaskFailed
from graphmill.fs.config import FsConfig, HdfsConfig, S3Config, endpoint_parts
from graphmill.fs.uri import HDFS_DEFAULT_PORT, Location

__all__ = ["filesystem_for", "hdfs_options", "hdfs_runtime_problems", "s3_options"]

_JVM_CANDIDATES = (
    "lib/server/libjvm.so",
    "jre/lib/server/libjvm.so",
    "jre/lib/amd64/server/libjvm.so",
    "lib/amd64/server/libjvm.so",
    "libjvm.so",
)


def filesystem_for(location: Location, config: FsConfig) -> tuple[Any, str]:
    """``(pyarrow.fs.FileSystem, path inside it)`` for ``location``.

    The path is what the file system's methods take: an absolute local path, ``bucket/key``
    for S3, an absolute HDFS path.
    """
    from pyarrow import fs as pafs

    if location.scheme == "file":
        return pafs.LocalFileSystem(), location.path
    if location.scheme == "s3":
        if getattr(pafs, "S3FileSystem", None) is None:  # pragma: no cover - the wheels have it
            raise TaskFailed(f"this pyarrow build has no S3 support, needed for {location.uri}")
        try:
            s3 = pafs.S3FileSystem(**s3_options(config.s3))
        except (OSError, ValueError) as exc:  # pragma: no cover - pyarrow rejects what we validated
            raise TaskFailed(f"cannot set up S3 access for {location.uri}: {exc}") from exc
        path = f"{location.host}/{location.path}" if location.path else location.host
        return s3, path
    if location.scheme == "hdfs":
        if getattr(pafs, "HadoopFileSystem", None) is None:  # pragma: no cover - the wheels have it
            raise TaskFailed(f"this pyarrow build has no HDFS support, needed for {location.uri}")
        problems = hdfs_runtime_problems(os.environ)
        if problems:
            raise TaskFailed(f"HDFS is not available on this worker ({location.uri}): " + "; ".join(problems))
        options = hdfs_options(location, config.hdfs)
        try:
            hdfs = pafs.HadoopFileSystem(**options)
        except OSError as exc:
            raise TaskFailed(_hdfs_error(location, options, exc)) from exc
        return hdfs, location.path
    raise TaskFailed(f"unsupported location scheme {location.scheme!r}")  # pragma: no cover


def s3_options(config: S3Config) -> dict[str, Any]:
    """Keyword arguments for ``pyarrow.fs.S3FileSystem`` (secrets included: do not log them)."""
    options: dict[str, Any] = {"allow_bucket_creation": False, "allow_bucket_deletion": False}
    region = config.region
    if config.endpoint_url:
        scheme, authority = endpoint_parts(config.endpoint_url)
        options["endpoint_override"] = authority
        options["scheme"] = scheme
        region = region or "us-east-1"
    if region:
        options["region"] = region
    if config.access_key:
        options["access_key"] = config.access_key
        options["secret_key"] = config.secret_key
        if config.session_token:
            options["session_token"] = config.session_token
    return options


def hdfs_options(location: Location, config: HdfsConfig) -> dict[str, Any]:
    """Keyword arguments for ``pyarrow.fs.HadoopFileSystem`` for an ``hdfs://`` location."""
    if location.scheme != "hdfs":
        raise ValueError(f"{location.uri} is not an HDFS location")
    if location.host == "default":
        host, port = "default", 0
    else:
        host, port = location.host, location.port if location.port is not None else HDFS_DEFAULT_PORT
    options: dict[str, Any] = {"host": host, "port": port}
    if config.user:
        options["user"] = config.user
    if config.kerb_ticket:
        options["kerb_ticket"] = config.kerb_ticket
    return options


def hdfs_runtime_problems(environ: Mapping[str, str]) -> list[str]:
    """What is certainly missing for libhdfs, judged from ``environ`` and the disk (no loading).

    Empty does not guarantee success: a library may still fail to load, which
    :func:`filesystem_for` reports too.
    """
    problems: list[str] = []
    java_home = environ.get("JAVA_HOME", "").strip()
    if java_home and not any((Path(java_home) / c).is_file() for c in _JVM_CANDIDATES):
        problems.append(f"JAVA_HOME={java_home} contains no libjvm.so: point it at a JDK or JRE")
    if _find_libhdfs(environ) is None:
        problems.append(
            "libhdfs.so not found: install the Hadoop native client and set ARROW_LIBHDFS_DIR "
            "(or HADOOP_HOME, for $HADOOP_HOME/lib/native)"
        )
    if not environ.get("CLASSPATH", "").strip():
        problems.append(
            "CLASSPATH is not set: libhdfs needs the Hadoop jars on it "
            "(export CLASSPATH=$(hadoop classpath --glob))"
        )
    return problems


def _find_libhdfs(environ: Mapping[str, str]) -> Path | None:
    dirs: list[Path] = []
    if environ.get("ARROW_LIBHDFS_DIR"):
        dirs.append(Path(environ["ARROW_LIBHDFS_DIR"]))
    if environ.get("HADOOP_HOME"):
        dirs.append(Path(environ["HADOOP_HOME"]) / "lib" / "native")
    dirs.extend(Path(d) for d in environ.get("LD_LIBRARY_PATH", "").split(os.pathsep) if d)
    for directory in dirs:
        if (directory / "libhdfs.so").is_file():
            return directory / "libhdfs.so"
    found = ctypes.util.find_library("hdfs")
    return Path(found) if found else None


def _hdfs_error(location: Location, options: Mapping[str, Any], exc: OSError) -> str:
    text = str(exc)
    prefix = f"HDFS is not available on this worker ({location.uri}): "
    if "Unable to load libjvm" in text:
        return prefix + "no Java runtime (libjvm.so) could be loaded; set JAVA_HOME to a JDK or JRE"
    if "Unable to load libhdfs" in text:
        return prefix + "libhdfs.so could not be loaded; set ARROW_LIBHDFS_DIR to the Hadoop native libraries"
    first_line = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return f"cannot connect to HDFS at {options['host']}:{options['port']}: {first_line}"
