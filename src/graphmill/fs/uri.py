"""Where data lives: parsing locations and resolving Explorer's sink path templates.

Locations
    * a local path — relative paths are taken under the files root; absolute paths and
      ``file:///…`` URIs are accepted only when they lie inside it.  Paths are resolved
      (``..`` and symbolic links followed) before the check, so a link that points out of
      the root is refused too: mount shared storage *inside* the files root instead.
    * ``s3://bucket/key`` (``s3a://`` is accepted as a synonym, as Spark users write it);
    * ``hdfs://host:port/path``; ``hdfs://host/path`` means the NameNode's default RPC
      port 8020, and ``hdfs:///path`` the ``fs.defaultFS`` of the Hadoop configuration.

    User names, passwords, query strings and fragments in a URI are refused (credentials
    come from :mod:`graphmill.fs.config`; an HDFS user from ``HdfsConfig.user``), and so
    are ``.``/``..`` segments in remote paths.  Every problem raises
    :class:`graphmill.errors.ParamError` quoting the text.

Sink templates (api.md §7)
    Explorer writes a task's result under
    ``${<datasource name>}/analytics/${job_id}/tasks/${task_id}/`` where ``${test}`` is the
    ``spec.url`` of the schema's datasource named ``test``.  A sink spec may instead (or
    also) give ``hdfsName`` (the datasource name) and ``hdfsPath`` (the path template under
    it); :func:`resolve_sink_url` accepts either form and checks that both agree when both
    are present.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from graphmill.errors import ParamError
from graphmill.fs.confine import is_within

__all__ = [
    "HDFS_DEFAULT_PORT",
    "Location",
    "Scheme",
    "datasource_urls",
    "parse_location",
    "resolve_sink_url",
    "resolve_template",
]

Scheme = Literal["file", "s3", "hdfs"]

#: The NameNode RPC port used when an ``hdfs://host/path`` URI names none.
HDFS_DEFAULT_PORT = 8020

_PLACEHOLDER = re.compile(r"\$\{([^{}]*)\}")
_S3_SCHEMES = {"s3", "s3a"}


@dataclass(frozen=True, slots=True)
class Location:
    """A parsed location.

    Attributes:
        scheme: ``"file"``, ``"s3"`` or ``"hdfs"``.
        host: the bucket (s3), the NameNode host (hdfs; ``"default"`` for ``hdfs:///``),
            ``""`` for local paths.
        port: the NameNode port (hdfs; ``None`` when the URI names none), else ``None``.
        path: local: the resolved absolute path; s3: the key without a leading ``/``
            (``""`` for the bucket itself); hdfs: an absolute path (``"/"`` for the root).
            Never ends with ``/`` (except the hdfs root).
        root: local: the resolved files root the path was checked against (every file
            read below a local folder is checked against it again); ``""`` otherwise.
    """

    scheme: Scheme
    host: str
    port: int | None
    path: str
    root: str = field(default="", compare=False)

    @property
    def bucket(self) -> str:
        """The S3 bucket (``ValueError`` for other schemes)."""
        if self.scheme != "s3":
            raise ValueError(f"{self.uri} is not an S3 location")
        return self.host

    @property
    def uri(self) -> str:
        """The location as a URI (``file:///…`` for local paths)."""
        if self.scheme == "file":
            return Path(self.path).as_uri()
        if self.scheme == "s3":
            return f"s3://{self.host}/{self.path}" if self.path else f"s3://{self.host}"
        if self.host == "default":
            return f"hdfs://{self.path}"
        authority = self.host if self.port is None else f"{self.host}:{self.port}"
        return f"hdfs://{authority}{self.path}"

    def child(self, relative: str) -> Location:
        """The location of ``relative`` (a ``/``-separated path without ``..``) below this one."""
        parts = [p for p in relative.split("/") if p]
        if not parts or any(p in {".", ".."} for p in parts):
            raise ValueError(f"{relative!r} is not a relative path below {self.uri}")
        if self.scheme == "file":
            return Location("file", "", None, str(Path(self.path).joinpath(*parts)), self.root)
        joined = "/".join([self.path.rstrip("/"), *parts]) if self.path.strip("/") else "/".join(parts)
        if self.scheme == "hdfs":
            joined = "/" + joined.lstrip("/")
        return Location(self.scheme, self.host, self.port, joined)

    def __str__(self) -> str:
        return self.uri


def parse_location(text: str, *, files_root: Path) -> Location:
    """Parse a local path (under ``files_root``), an ``s3://`` or an ``hdfs://`` URI."""
    if not isinstance(text, str) or not text.strip():
        raise ParamError("a location must be a non-empty path or URI")
    if "\x00" in text:
        raise ParamError(f"location {text!r} contains a NUL character")
    text = text.strip()
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", text)
    if match is None:
        return _local(text, text, files_root)
    scheme = match.group(1).lower()
    if len(scheme) == 1:  # "C:\…": a Windows drive, not a scheme
        raise ParamError(f"location {text!r}: Windows paths are not supported")
    parts = urlsplit(text)
    if parts.query or parts.fragment or "?" in text or "#" in text:
        raise ParamError(f"location {text!r}: query strings and fragments are not supported")
    if "@" in parts.netloc:
        raise ParamError(
            f"location {text!r}: user names and passwords do not belong in a URI; "
            "configure credentials with the GRAPHMILL_S3_* / AWS_* / GRAPHMILL_HDFS_* variables"
        )
    if scheme == "file":
        if parts.netloc not in {"", "localhost"}:
            raise ParamError(f"location {text!r}: file URIs must not name a host")
        return _local(parts.path, text, files_root)
    if scheme in _S3_SCHEMES:
        bucket = parts.netloc
        if not bucket or ":" in bucket or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", bucket):
            raise ParamError(f"location {text!r}: expected s3://bucket/key with a valid bucket name")
        return Location("s3", bucket, None, _remote_path(parts.path, text).lstrip("/"))
    if scheme == "hdfs":
        host, port = _host_port(parts.netloc, text)
        path = "/" + _remote_path(parts.path, text).lstrip("/")
        return Location("hdfs", host, port, path)
    raise ParamError(
        f"location {text!r}: unsupported scheme {scheme!r}; use a path under the files root, "
        "s3://bucket/key or hdfs://host:port/path"
    )


def _local(path_text: str, original: str, files_root: Path) -> Location:
    root = files_root.resolve()
    raw = Path(path_text)
    candidate = raw if raw.is_absolute() else root / raw
    resolved = candidate.resolve()
    if not is_within(root, resolved):
        raise ParamError(f"path {original!r} is outside the files root")
    return Location("file", "", None, str(resolved), str(root))


def _remote_path(path: str, original: str) -> str:
    segments = [s for s in path.split("/") if s]
    if any(s in {".", ".."} for s in segments):
        raise ParamError(f"location {original!r}: '.' and '..' are not allowed in remote paths")
    return "/" + "/".join(segments) if segments else ""


def _host_port(netloc: str, original: str) -> tuple[str, int | None]:
    if not netloc:
        return "default", None
    host, sep, port_text = netloc.rpartition(":") if ":" in netloc else (netloc, "", "")
    if not host or not re.fullmatch(r"[A-Za-z0-9._-]+", host):
        raise ParamError(f"location {original!r}: expected hdfs://host:port/path")
    if not sep:
        return host, None
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ParamError(f"location {original!r}: port {port_text!r} is not a number from 1 to 65535")
    return host, int(port_text)


# -- templates -------------------------------------------------------------------------------


def resolve_template(template: str, *, datasources: Mapping[str, str], job_id: int, task_id: str) -> str:
    """Substitute ``${job_id}``, ``${task_id}`` and ``${<datasource name>}`` in a sink template.

    ``datasources`` maps a datasource name to its URL (see :func:`datasource_urls`).  A
    datasource URL followed by ``/`` in the template loses its own trailing slashes, so
    ``hdfs://h:9000/base/`` + ``/analytics`` does not make ``//``.  An unknown, empty or
    unclosed placeholder raises :class:`ParamError` naming it.  ``task_id`` may not
    contain ``/`` or be ``.``/``..`` (it would change the folder).
    """
    if not isinstance(template, str) or not template:
        raise ParamError("a sink path template must be a non-empty string")
    if not task_id or "/" in task_id or task_id in {".", ".."} or "\x00" in task_id:
        raise ParamError(f"task id {task_id!r} cannot be used in a path")
    values = {"job_id": str(int(job_id)), "task_id": task_id}
    out: list[str] = []
    pos = 0
    for match in _PLACEHOLDER.finditer(template):
        out.append(_literal(template[pos : match.start()], template))
        name = match.group(1)
        if name in values:
            out.append(values[name])
        elif name in datasources:
            url = datasources[name]
            following = template[match.end() : match.end() + 1]
            out.append(url.rstrip("/") if following == "/" else url)
        elif not name:
            raise ParamError(f"empty placeholder ${{}} in {template!r}")
        else:
            known = ", ".join(sorted(datasources)) or "none"
            raise ParamError(
                f"unknown placeholder ${{{name}}} in {template!r}: no datasource named {name!r} "
                f"(datasources: {known}; built-ins: job_id, task_id)"
            )
        pos = match.end()
    out.append(_literal(template[pos:], template))
    return "".join(out)


def _literal(chunk: str, template: str) -> str:
    if "${" in chunk:
        raise ParamError(f"unclosed placeholder '${{' in {template!r}")
    return chunk


def resolve_sink_url(
    spec: Mapping[str, Any], *, datasources: Mapping[str, str], job_id: int, task_id: str
) -> str:
    """The resolved location of an ``hdfs`` datasink spec (``url`` and/or ``hdfsName`` + ``hdfsPath``).

    With both forms present the results must agree (ignoring doubled and trailing
    slashes), otherwise :class:`ParamError` says so.
    """
    url = spec.get("url")
    name = spec.get("hdfsName")
    path = spec.get("hdfsPath")
    from_url = (
        resolve_template(str(url), datasources=datasources, job_id=job_id, task_id=task_id) if url else None
    )
    from_name: str | None = None
    if name or path:
        if not name or not path:
            raise ParamError("a datasink spec needs both hdfsName and hdfsPath (or a url)")
        template = "${" + str(name) + "}/" + str(path).lstrip("/")
        from_name = resolve_template(template, datasources=datasources, job_id=job_id, task_id=task_id)
    if from_url is None and from_name is None:
        raise ParamError("a datasink spec needs a url or hdfsName and hdfsPath")
    if from_url is not None and from_name is not None and _norm(from_url) != _norm(from_name):
        raise ParamError(
            f"datasink url resolves to {from_url!r} but hdfsName/hdfsPath resolve to {from_name!r}"
        )
    return from_url if from_url is not None else str(from_name)


def _norm(text: str) -> str:
    head, sep, tail = text.partition("://")
    if not sep:
        head, tail = "", head
    tail = posixpath.normpath("/" + tail) if tail else ""
    return f"{head}{sep}{tail.strip('/')}"


def datasource_urls(datasources: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """``{name: spec.url}`` of a schema's ``datasources`` list (api.md §7).

    Entries without a URL are left out (a later ``${name}`` then reports them unknown);
    a name used twice raises :class:`ParamError`.
    """
    urls: dict[str, str] = {}
    seen: set[str] = set()
    for entry in datasources:
        name = str(entry.get("name") or "")
        spec = entry.get("spec") or {}
        if not name:
            continue
        if name in seen:
            raise ParamError(f"two datasources are named {name!r}")
        seen.add(name)
        url = spec.get("url") if isinstance(spec, Mapping) else None
        if url:
            urls[name] = str(url)
    return urls
