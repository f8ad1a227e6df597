"""A Service built the way the server builds it (``build_service``), called directly: no HTTP.

The scheduler is never started, so a submitted job stays PREPARING: these tests check the use
cases' decisions, not job execution (that is tests/api and tests/scheduler).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from graphmill.config import Settings
from graphmill.graphstore.embedded import EmbeddedGraphStore
from graphmill.service.core import Service
from graphmill.service.factory import build_service
from tests.helpers import copy_tree

#: Builds a Service over a fresh data dir with these Settings fields; closed after the test.
ServiceMaker = Callable[..., Service]


@pytest.fixture(scope="session")
def empty_graph_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded store with its default account, made once: hashing the password takes a second."""
    root = tmp_path_factory.mktemp("empty-graph")
    EmbeddedGraphStore(root).ensure_default_account()
    return root


def _build(data_dir: Path, graph_template: Path, **settings: Any) -> Service:
    copy_tree(graph_template, data_dir / "graph")
    return build_service(Settings(data_dir=data_dir, **settings))


def close_service(service: Service) -> None:
    asyncio.run(service.close())


@pytest.fixture
def make_service(tmp_path: Path, empty_graph_dir: Path) -> Iterator[ServiceMaker]:
    built: list[Service] = []

    def make(**settings: Any) -> Service:
        service = _build(tmp_path / f"data{len(built)}", empty_graph_dir, **settings)
        built.append(service)
        return service

    yield make
    for service in built:
        close_service(service)


@pytest.fixture
def service(make_service: ServiceMaker) -> Service:
    return make_service()


@pytest.fixture(scope="module")
def module_data_dir(tmp_path_factory: pytest.TempPathFactory, empty_graph_dir: Path) -> Path:
    data = tmp_path_factory.mktemp("data")
    copy_tree(empty_graph_dir, data / "graph")
    return data


def unknown_task(tid: str = "a") -> dict[str, Any]:
    """A task of a type no catalogue knows: a problem to a save, runnable structure to a submit."""
    return {"id": tid, "type": "analytics_nope", "spec": {}}
