"""Cluster configuration: which NebulaGraph cluster answers at which graph address.

The configuration is a TOML file (``graphmill.toml`` in the data dir, or the path given with
``--config``) holding one ``[[nebula]]`` table per cluster::

    [[nebula]]
    address = "192.168.8.100:9669"        # what clients name in /connect and in a datasource's graphd
    graphd = ["192.168.8.100:9669"]       # graphd hosts
    metad = ["192.168.8.100:9559"]        # metad hosts, for storage scans
    user = "root"                          # optional service account; else the logged-in user's
    password = "nebula"
    timeout_ms = 60000
    scan_partitions_parallel = 2

Every key is described in ``docs/nebula.md``.  Unknown keys, wrong types and out-of-range
values are refused with :class:`graphmill.errors.ParamError` naming the file, the entry and the
key.  Addresses are ``host:port`` (``[v6addr]:port`` for IPv6); host names are compared
ignoring case, so they are kept in lower case (see :func:`normalize_address`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from graphmill import errors

#: The file looked for in the data dir when no ``--config`` is given.
CONFIG_FILE_NAME = "graphmill.toml"
#: The TOML array of tables that lists the clusters.
SECTION = "nebula"

_DEFAULT_TIMEOUT_MS = 60_000
_DEFAULT_PARALLEL = 2
_DEFAULT_SCAN_BATCH = 10_000
_DEFAULT_TTL_S = 300.0
_DEFAULT_KEEP_S = 86_400.0
_DEFAULT_MAX_CONNECTIONS = 10


class HostPort(NamedTuple):
    """One ``host:port``; a plain tuple as far as nebula3-python is concerned."""

    host: str
    port: int

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


@dataclass(frozen=True)
class NebulaClusterConfig:
    """One ``[[nebula]]`` entry, validated; see ``docs/nebula.md`` for the meaning of each field."""

    #: The graph address clients name (normalised ``host:port``), the key of the entry.
    address: str
    graphd: tuple[HostPort, ...]
    metad: tuple[HostPort, ...] = ()
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout_ms: int = _DEFAULT_TIMEOUT_MS
    scan_partitions_parallel: int = _DEFAULT_PARALLEL
    scan_batch_size: int = _DEFAULT_SCAN_BATCH
    snapshot_ttl_s: float = _DEFAULT_TTL_S
    snapshot_keep_s: float = _DEFAULT_KEEP_S
    max_connections: int = _DEFAULT_MAX_CONNECTIONS
    #: What makes the nebula3-python objects (``graphmill.graphstore.nebula.NebulaClients``);
    #: None: nebula3-python itself.  Never read from graphmill.toml: tests put fakes here, and
    #: the config carries them into worker processes (so they must pickle).
    clients: object | None = field(default=None, repr=False, compare=False)

    @property
    def service_account(self) -> tuple[str, str] | None:
        """``(user, password)`` when the entry names an account."""
        if self.user is None:
            return None
        return (self.user, self.password or "")


def parse_host_port(text: str) -> HostPort:
    """``host:port`` (or ``[v6]:port``) as a :class:`HostPort`; ValueError says what is wrong."""
    text = text.strip()
    if text.startswith("["):
        close = text.find("]")
        if close < 0 or not text[close + 1 :].startswith(":"):
            raise ValueError(f"{text!r} is not [host]:port")
        host, port_text = text[1:close], text[close + 2 :]
    else:
        host, sep, port_text = text.rpartition(":")
        if not sep:
            raise ValueError(f"{text!r} has no port: write host:port")
        if ":" in host:
            raise ValueError(f"{text!r}: write an IPv6 address in brackets, as [addr]:port")
    if not host or any(c.isspace() for c in host):
        raise ValueError(f"{text!r} has no valid host")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"{text!r} has no valid port (1-65535)")
    return HostPort(host.lower(), int(port_text))


def normalize_address(text: str) -> str:
    """The key under which a graph address is configured (``"Host:09669"`` → ``"host:9669"``)."""
    return str(parse_host_port(text))


def resolve_config_path(config: Path | None, data_dir: Path) -> Path | None:
    """The configuration file to read: ``config`` (which must exist) or ``graphmill.toml`` in the data dir if any."""
    if config is not None:
        if not config.is_file():
            raise errors.ParamError(f"configuration file {config} does not exist")
        return config
    default = data_dir / CONFIG_FILE_NAME
    return default if default.is_file() else None


def load_clusters(
    path: Path | None, *, embedded_address: str | None = None
) -> dict[str, NebulaClusterConfig]:
    """The clusters configured in the TOML file ``path``, by normalised graph address.

    ``None`` means no configuration: no cluster.  ``embedded_address``, when given, is the
    address the embedded store answers to; an entry claiming it is refused.
    """
    if path is None:
        return {}
    try:
        with path.open("rb") as fh:
            document = tomllib.load(fh)
    except OSError as exc:
        raise errors.ParamError(f"cannot read configuration file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise errors.ParamError(f"configuration file {path} is not valid TOML: {exc}") from None
    return parse_clusters(document, source=str(path), embedded_address=embedded_address)


def parse_clusters(
    document: Mapping[str, object], *, source: str = "configuration", embedded_address: str | None = None
) -> dict[str, NebulaClusterConfig]:
    """The clusters of an already parsed TOML document (see :func:`load_clusters`)."""
    unknown = sorted(set(document) - {SECTION, "spark"})  # [spark] belongs to graphmill.spark.config
    if unknown:
        raise errors.ParamError(
            f"{source}: unknown top-level key(s) {', '.join(unknown)}; graphmill.toml holds [[{SECTION}]] entries and a [spark] table"
        )
    entries = document.get(SECTION, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise errors.ParamError(f"{source}: '{SECTION}' must be an array of tables, written [[{SECTION}]]")
    reserved = normalize_address(embedded_address) if embedded_address else None
    clusters: dict[str, NebulaClusterConfig] = {}
    for index, entry in enumerate(entries, start=1):
        cluster = _parse_entry(entry, f"{source}: [[{SECTION}]] entry {index}")
        if cluster.address in clusters:
            raise errors.ParamError(
                f"{source}: [[{SECTION}]] entry {index}: address {cluster.address} is configured twice"
            )
        if cluster.address == reserved:
            raise errors.ParamError(
                f"{source}: [[{SECTION}]] entry {index}: address {cluster.address} is the embedded "
                "store's; give the cluster another address (or move the embedded store)"
            )
        clusters[cluster.address] = cluster
    return clusters


_KEYS = frozenset(
    {
        "address",
        "graphd",
        "metad",
        "user",
        "password",
        "timeout_ms",
        "scan_partitions_parallel",
        "scan_batch_size",
        "snapshot_ttl_s",
        "snapshot_keep_s",
        "max_connections",
    }
)


def _parse_entry(entry: Mapping[str, object], where: str) -> NebulaClusterConfig:
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise errors.ParamError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known keys: {', '.join(sorted(_KEYS))}"
        )
    if "address" not in entry:
        raise errors.ParamError(f"{where}: 'address' is required (the host:port clients connect to)")
    address_text = _string(entry, "address", where)
    assert address_text is not None
    try:
        address = normalize_address(address_text)
    except ValueError as exc:
        raise errors.ParamError(f"{where}: 'address': {exc}") from None
    where = f"{where} (address {address})"
    if "graphd" not in entry:
        raise errors.ParamError(f"{where}: 'graphd' is required (a list of graphd host:port)")
    graphd = _hosts(entry, "graphd", where)
    if not graphd:
        raise errors.ParamError(f"{where}: 'graphd' must name at least one host:port")
    metad = _hosts(entry, "metad", where) if "metad" in entry else ()
    user = _string(entry, "user", where)
    password = _string(entry, "password", where)
    if user == "":
        raise errors.ParamError(f"{where}: 'user' is empty; leave it out to use the logged-in user's account")
    if password is not None and user is None:
        raise errors.ParamError(f"{where}: 'password' is given without 'user'")
    return NebulaClusterConfig(
        address=address,
        graphd=graphd,
        metad=metad,
        user=user,
        password=password,
        timeout_ms=_int(entry, "timeout_ms", where, _DEFAULT_TIMEOUT_MS, minimum=1),
        scan_partitions_parallel=_int(entry, "scan_partitions_parallel", where, _DEFAULT_PARALLEL, minimum=1),
        scan_batch_size=_int(entry, "scan_batch_size", where, _DEFAULT_SCAN_BATCH, minimum=1),
        snapshot_ttl_s=_seconds(entry, "snapshot_ttl_s", where, _DEFAULT_TTL_S),
        snapshot_keep_s=_seconds(entry, "snapshot_keep_s", where, _DEFAULT_KEEP_S),
        max_connections=_int(entry, "max_connections", where, _DEFAULT_MAX_CONNECTIONS, minimum=1),
    )


def _string(entry: Mapping[str, object], key: str, where: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise errors.ParamError(f"{where}: '{key}' must be a string, not {_toml_type(value)}")
    return value


def _hosts(entry: Mapping[str, object], key: str, where: str) -> tuple[HostPort, ...]:
    value = entry[key]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise errors.ParamError(f"{where}: '{key}' must be a list of \"host:port\" strings")
    hosts: list[HostPort] = []
    for text in value:
        try:
            host = parse_host_port(text)
        except ValueError as exc:
            raise errors.ParamError(f"{where}: '{key}': {exc}") from None
        if host not in hosts:
            hosts.append(host)
    return tuple(hosts)


def _int(entry: Mapping[str, object], key: str, where: str, default: int, *, minimum: int) -> int:
    value = entry.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise errors.ParamError(f"{where}: '{key}' must be an integer, not {_toml_type(value)}")
    if value < minimum:
        raise errors.ParamError(f"{where}: '{key}' must be at least {minimum}, not {value}")
    return value


def _seconds(entry: Mapping[str, object], key: str, where: str, default: float) -> float:
    value = entry.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise errors.ParamError(f"{where}: '{key}' must be a number of seconds, not {_toml_type(value)}")
    if not 0 <= value < float("inf"):
        raise errors.ParamError(f"{where}: '{key}' must be a finite number of seconds ≥ 0, not {value}")
    return float(value)


def _toml_type(value: object) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a float", str: "a string", list: "an array"}
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


__all__ = [
    "CONFIG_FILE_NAME",
    "HostPort",
    "NebulaClusterConfig",
    "load_clusters",
    "normalize_address",
    "parse_clusters",
    "parse_host_port",
    "resolve_config_path",
]
