"""Fixtures for the NebulaGraph backend tests: a fake cluster (see ``fakes``) and stores on it.

``fakes`` needs nebula3-python (the optional extra ``nebula``), so it is imported by the
fixtures only: without it the modules using them are skipped, the pure tests still run.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from graphmill.graphstore.clusters import HostPort, NebulaClusterConfig
from graphmill.graphstore.nebula import NebulaGraphStore

if TYPE_CHECKING:
    from tests.nebula.fakes import FakeCluster, FakeSpace

#: A placeholder address: the fakes never open a socket.
ADDRESS = "10.0.0.1:9669"


def nba_space() -> FakeSpace:
    from tests.nebula.fakes import FakeEdge, FakeSpace

    follow = [
        FakeEdge("player100", "player101", 0, {"degree": 95}),
        FakeEdge("player101", "player102", 0, {"degree": 90}),
        FakeEdge("player102", "player100", 0, {"degree": 75}),
        FakeEdge("player103", "player100", 1, {"degree": None}),
        FakeEdge("player104", "player105", 0, {"degree": 60}),
        FakeEdge("player105", "player104", 2, {"degree": 85}),
        FakeEdge("player106", "player100", 0, {"degree": 70}),
        FakeEdge("player107", "player101", 0, {"degree": 80}),
        FakeEdge("player108", "player102", 0, {"degree": 99}),
        FakeEdge("player109", "player103", 5, {"degree": 10}),
        FakeEdge("玩家110", "player100", 0, {"degree": 50}),
    ]
    serve = [FakeEdge("player100", "team204", 0, {"start_year": 1997, "end_year": 2016})]
    return FakeSpace(
        vid_type="FIXED_STRING(32)",
        tags={
            "player": [("name", "string"), ("age", "int64")],
            "team": [("name", "string")],
            "algo": [("pagerank", "double"), ("cluster", "int64"), ("label", "fixed_string(20)")],
        },
        edges={
            "follow": [("degree", "int64")],
            "serve": [("start_year", "int64"), ("end_year", "int64")],
            "knows": [("note", "string"), ("since", "int32"), ("w", "float")],
            "empty": [],
        },
        edge_data={"follow": follow, "serve": serve, "knows": [FakeEdge("player100", "player101", 3)]},
        stats=[("Tag", "player", 10), ("Tag", "team", 2), ("Edge", "follow", 11), ("Space", "vertices", 12)],
        partitions=3,
        tagged={"algo": {"player100", 'weird"id\\', "player101"}},
    )


@pytest.fixture
def cluster() -> FakeCluster:
    from tests.nebula.fakes import FakeCluster, FakeEdge, FakeSpace

    fake = FakeCluster()
    fake.spaces["nba"] = nba_space()
    fake.spaces["ints"] = FakeSpace(
        vid_type="INT64",
        tags={"algo": [("pagerank", "double")]},
        edges={"link": [("w", "double")]},
        edge_data={"link": [FakeEdge(1, 2, 0, {"w": 0.5}), FakeEdge(2, 3, 0, {"w": 1.5}), FakeEdge(-7, 1)]},
        partitions=2,
    )
    return fake


def make_config(**overrides: object) -> NebulaClusterConfig:
    settings: dict[str, object] = {
        "address": ADDRESS,
        "graphd": (HostPort("10.0.0.1", 9669),),
        "metad": (HostPort("10.0.0.1", 9559),),
        "user": "root",
        "password": "nebula",
        "scan_batch_size": 2,
    }
    settings.update(overrides)
    return NebulaClusterConfig(**settings)  # type: ignore[arg-type]


class Clock:
    """A settable clock (seconds since the epoch)."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(cluster: FakeCluster, tmp_path: Path, clock: Clock) -> NebulaGraphStore:
    from tests.nebula.fakes import FakeClients

    return NebulaGraphStore(make_config(), tmp_path / "cache", clients=FakeClients(cluster), clock=clock)
