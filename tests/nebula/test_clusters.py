"""Reading graphmill.toml: the [[nebula]] entries and every way they can be wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphmill import errors
from graphmill.graphstore.clusters import (
    HostPort,
    NebulaClusterConfig,
    load_clusters,
    normalize_address,
    parse_host_port,
    resolve_config_path,
)

FULL = """
[[nebula]]
address = "192.168.8.100:9669"
graphd = ["192.168.8.100:9669", "192.168.8.101:9669"]
metad = ["192.168.8.100:9559"]
user = "root"
password = "nebula"
timeout_ms = 30000
scan_partitions_parallel = 4
scan_batch_size = 5000
snapshot_ttl_s = 0
snapshot_keep_s = 3600.5
max_connections = 3

[[nebula]]
address = "Graph.Example.COM:9669"
graphd = ["graph.example.com:9669"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "graphmill.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_full_file(tmp_path: Path) -> None:
    """Every key is read; the keys of the result are normalised addresses."""
    sources = load_clusters(write(tmp_path, FULL))
    assert list(sources) == ["192.168.8.100:9669", "graph.example.com:9669"]
    first = sources["192.168.8.100:9669"]
    assert first == NebulaClusterConfig(
        address="192.168.8.100:9669",
        graphd=(HostPort("192.168.8.100", 9669), HostPort("192.168.8.101", 9669)),
        metad=(HostPort("192.168.8.100", 9559),),
        user="root",
        password="nebula",
        timeout_ms=30000,
        scan_partitions_parallel=4,
        scan_batch_size=5000,
        snapshot_ttl_s=0.0,
        snapshot_keep_s=3600.5,
        max_connections=3,
    )
    assert first.service_account == ("root", "nebula")
    assert "nebula" not in repr(first)  # the password stays out of logs


def test_defaults(tmp_path: Path) -> None:
    """Only address and graphd are required; no service account by default."""
    second = load_clusters(write(tmp_path, FULL))["graph.example.com:9669"]
    assert second.metad == ()
    assert second.service_account is None
    assert (second.timeout_ms, second.scan_partitions_parallel, second.scan_batch_size) == (60000, 2, 10000)
    assert (second.snapshot_ttl_s, second.snapshot_keep_s, second.max_connections) == (300.0, 86400.0, 10)


def test_no_file_means_no_cluster() -> None:
    assert load_clusters(None) == {}


def test_resolve_config_path(tmp_path: Path) -> None:
    """--config must exist; otherwise graphmill.toml of the data dir is used when present."""
    assert resolve_config_path(None, tmp_path) is None
    path = write(tmp_path, "")
    assert resolve_config_path(None, tmp_path) == path
    assert resolve_config_path(path, tmp_path / "elsewhere") == path
    with pytest.raises(errors.ParamError, match="does not exist"):
        resolve_config_path(tmp_path / "missing.toml", tmp_path)


def test_empty_file_is_fine(tmp_path: Path) -> None:
    assert load_clusters(write(tmp_path, "# nothing yet\n")) == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[[nebula]]\naddress = 'a:1'\ngraphd = ['a:1']\nuser = 'u'\npasswd = 'x'\n",
            r"unknown key\(s\) passwd",
        ),
        ("[server]\nport = 1\n", r"unknown top-level key\(s\) server"),
        ("[nebula]\naddress = 'a:1'\n", "array of tables"),
        ("[[nebula]]\ngraphd = ['a:1']\n", "'address' is required"),
        ("[[nebula]]\naddress = 'a:1'\n", r"entry 1 \(address a:1\): 'graphd' is required"),
        ("[[nebula]]\naddress = 'a:1'\ngraphd = []\n", "at least one"),
        ("[[nebula]]\naddress = 'a'\ngraphd = ['a:1']\n", "'address': 'a' has no port"),
        ("[[nebula]]\naddress = 'a:x'\ngraphd = ['a:1']\n", "no valid port"),
        ("[[nebula]]\naddress = 'a:70000'\ngraphd = ['a:1']\n", "no valid port"),
        ("[[nebula]]\naddress = 9669\ngraphd = ['a:1']\n", "'address' must be a string, not an integer"),
        ("[[nebula]]\naddress = 'a:1'\ngraphd = 'a:1:2'\n", "'graphd': .*IPv6"),
        ("[[nebula]]\naddress = 'a:1'\ngraphd = [1]\n", "'graphd' must be a list"),
        ("[[nebula]]\naddress = 'a:1'\ngraphd = ['a:1']\nmetad = ['m']\n", "'metad': 'm' has no port"),
        (
            "[[nebula]]\naddress = 'a:1'\ngraphd = ['a:1']\npassword = 'p'\n",
            "'password' is given without 'user'",
        ),
        ("[[nebula]]\naddress = 'a:1'\ngraphd = ['a:1']\nuser = ''\n", "'user' is empty"),
        (
            "[[nebula]]\naddress = 'a:1'\ngraphd = ['a:1']\ntimeout_ms = 0\n",
            "'timeout_ms' must be at least 1",
        ),
        (
            "[[nebula]]\naddress = 'a:1'\ngraphd = ['a:1']\ntimeout_ms = 1.5\n",
            "'timeout_ms' must be an integer",
        ),
        (
            "[[nebula]]\naddress = 'a:1'\ngraphd = ['a:1']\nscan_partitions_parallel = true\n",
            "'scan_partitions_parallel' must be an integer, not a boolean",
        ),
        ("[[nebula]]\naddress = 'a:1'\ngraphd = ['a:1']\nsnapshot_ttl_s = -1\n", "'snapshot_ttl_s' must be"),
        ("[[nebula]]\naddress = 'a:1'\ngraphd = ['a:1']\nsnapshot_ttl_s = inf\n", "'snapshot_ttl_s' must be"),
        ("[[nebula]]\naddress = 'a:1'\ngraphd = ['a:1']\nsnapshot_keep_s = '1d'\n", "not a string"),
        (
            "[[nebula]]\naddress = 'a:1'\ngraphd = ['a:1']\n[[nebula]]\naddress = 'A:01'\ngraphd = ['b:1']\n",
            "entry 2: address a:1 is configured twice",
        ),
        ("[[nebula]\n", "not valid TOML"),
    ],
)
def test_refused(tmp_path: Path, text: str, message: str) -> None:
    """Each mistake is a ParamError naming the file, the entry and the key."""
    path = write(tmp_path, text)
    with pytest.raises(errors.ParamError, match=message) as caught:
        load_clusters(path)
    assert str(path) in caught.value.detail


def test_embedded_address_is_reserved(tmp_path: Path) -> None:
    path = write(tmp_path, "[[nebula]]\naddress = '127.0.0.1:9669'\ngraphd = ['127.0.0.1:9669']\n")
    assert "127.0.0.1:9669" in load_clusters(path)
    with pytest.raises(errors.ParamError, match="embedded store"):
        load_clusters(path, embedded_address="127.0.0.1:9669")


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(errors.ParamError, match="cannot read"):
        load_clusters(tmp_path / "absent.toml")


def test_host_port_forms() -> None:
    assert parse_host_port(" Host.example:9669 ") == HostPort("host.example", 9669)
    assert parse_host_port("[::1]:9669") == HostPort("::1", 9669)
    assert str(HostPort("::1", 9669)) == "[::1]:9669"
    assert normalize_address("10.0.0.1:09669") == "10.0.0.1:9669"
    for bad in ("", ":9669", "[::1]9669", "a b:1", "a:0"):
        with pytest.raises(ValueError, match=r"."):
            parse_host_port(bad)


def test_duplicate_hosts_are_merged(tmp_path: Path) -> None:
    path = write(tmp_path, "[[nebula]]\naddress = 'a:1'\ngraphd = ['a:1', 'A:1']\nmetad = 'm:2'\n")
    config = load_clusters(path)["a:1"]
    assert config.graphd == (HostPort("a", 1),)
    assert config.metad == (HostPort("m", 2),)  # a single string is accepted for a single host
