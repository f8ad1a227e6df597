"""Without nebula3-python (the optional extra), a configured cluster fails with a clear message."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from graphmill import errors
from graphmill.graphstore.clusters import NebulaClusterConfig, parse_host_port
from graphmill.graphstore.nebula import Nebula3Clients, NebulaGraphStore


@pytest.fixture
def no_nebula3(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every ``import nebula3…`` fail, as when the extra is not installed."""
    for name in [m for m in sys.modules if m == "nebula3" or m.startswith("nebula3.")] + ["nebula3"]:
        monkeypatch.setitem(sys.modules, name, None)


@pytest.mark.usefixtures("no_nebula3")
def test_missing_client(tmp_path: Path) -> None:
    host = parse_host_port("10.0.0.1:9669")
    store = NebulaGraphStore(NebulaClusterConfig(address=str(host), graphd=(host,), user="root"), tmp_path)
    with pytest.raises(errors.BadRequest, match=r"nebula3-python is not installed.*'nebula' extra"):
        store.verify_account("root", "nebula")
    with pytest.raises(errors.TaskFailed, match="nebula3-python is not installed"):
        store.get_space("nba")
    assert Nebula3Clients().is_auth_failure(RuntimeError()) is False
