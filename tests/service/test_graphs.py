"""Graph address routing: which store answers at an address, and the errors for the others."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from graphmill.config import Settings
from graphmill.errors import BadRequest, ParamError
from graphmill.graphstore.nebula import NebulaGraphStore
from graphmill.service.core import Service
from graphmill.service.factory import build_service
from tests.service.conftest import close_service

CLUSTER = "graph.example:9669"


@pytest.fixture(scope="module")
def routed(module_data_dir: Path) -> Iterator[Service]:
    """A service whose graphmill.toml configures one cluster (never contacted by these tests)."""
    data = module_data_dir
    (data / "graphmill.toml").write_text(
        '[[nebula]]\naddress = "Graph.Example:09669"\ngraphd = ["127.0.0.1:1"]\ntimeout_ms = 100\n'
    )
    service = build_service(Settings(data_dir=data))
    yield service
    close_service(service)


@pytest.mark.parametrize("address", ["127.0.0.1:9669", " 127.0.0.1:09669 "])
def test_the_embedded_address_in_any_spelling_routes_to_the_embedded_store(
    routed: Service, address: str
) -> None:
    assert routed.graphs.is_embedded(address)
    assert routed.graphs.cluster(address) is None
    assert routed.graphs.store(address) is routed.graphstore


@pytest.mark.parametrize("address", [CLUSTER, "GRAPH.example:9669", "graph.example:009669"])
def test_a_configured_cluster_routes_to_one_nebula_store(routed: Service, address: str) -> None:
    assert not routed.graphs.is_embedded(address)
    config = routed.graphs.cluster(address)
    assert config is not None
    assert config.address == CLUSTER
    store = routed.graphs.store(address)
    assert isinstance(store, NebulaGraphStore)
    assert routed.graphs.store(CLUSTER) is store  # one store (one connection pool) per cluster


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "no port"),
        ("127.0.0.1:0", "no valid port"),
        ("127.0.0.1:65536", "no valid port"),
        ("127.0.0.1:http", "no valid port"),
        (":9669", "no valid host"),
        ("::1:9669", "in brackets"),
        ("[::1:9669", "not \\[host\\]:port"),
    ],
)
def test_a_malformed_address_is_a_param_error_saying_why(routed: Service, address: str, why: str) -> None:
    assert not routed.graphs.is_embedded(address)
    with pytest.raises(ParamError, match=f"graph address: .*{why}"):
        routed.graphs.store(address)


def test_an_unconfigured_address_names_what_is_configured(routed: Service) -> None:
    with pytest.raises(ParamError) as caught:
        routed.graphs.store("127.0.0.9:9669")
    assert "127.0.0.9:9669" in caught.value.detail
    assert "127.0.0.1:9669" in caught.value.detail  # where the embedded store answers
    assert CLUSTER in caught.value.detail


def test_without_configuration_only_the_embedded_store_answers(service: Service) -> None:
    with pytest.raises(ParamError, match="configures no cluster"):
        service.graphs.cluster(CLUSTER)


@pytest.mark.parametrize(
    ("address", "port", "error", "needle"),
    [
        ("", 9669, ParamError, "address must be a non-empty string"),
        ("  ", 9669, ParamError, "address must be a non-empty string"),
        ("127.0.0.1", 0, ParamError, "between 1 and 65535"),
        ("127.0.0.1", "70000", ParamError, "between 1 and 65535"),
        ("127.0.0.1", "96 69", ParamError, "port must be a number"),
        ("127.0.0.1", "９６６９", ParamError, "port must be a number"),
        ("127.0.0.9", 9669, BadRequest, "no graph database is configured at 127.0.0.9:9669"),
        ("[::1", 9669, BadRequest, "graph address"),
    ],
)
def test_connect_refuses_bad_addresses_before_any_login(
    routed: Service, address: str, port: int | str, error: type[BadRequest], needle: str
) -> None:
    with pytest.raises(error, match=needle) as caught:
        asyncio.run(routed.connect("root", "nebula", address, port, "test-client"))
    # A store that cannot be reached is a plain bad request, not a parameter error.
    assert type(caught.value) is error
