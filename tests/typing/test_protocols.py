"""The concrete stores satisfy the Protocols the layers above them are written against.

Two checks of the same fact:

- the module-level assignments below are typed: mypy --strict (the ``mypy`` step of
  ``make check``, which covers ``tests/``) refuses this module if a class drifts from its
  Protocol, with the member and the mismatch;
- the tests compare each Protocol's methods with the class's at run time (name, callable,
  parameter names and kinds), so plain ``pytest`` catches a missing or renamed method too.

``isinstance`` against a Protocol would prove nothing here: the Protocols are not
``runtime_checkable``, and even that only checks names.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from graphmill.graphstore.base import GraphStore
from graphmill.graphstore.embedded import EmbeddedGraphStore
from graphmill.graphstore.nebula import NebulaGraphStore
from graphmill.service.catalog import EngineCatalog
from graphmill.store.base import MetadataStore
from graphmill.store.sqlite import SQLiteStore
from graphmill.workflow.schema import TaskCatalog

# Checked by mypy, never run: a class that stops matching its Protocol fails `make check` here.
EMBEDDED_IS_A_GRAPH_STORE: type[GraphStore] = EmbeddedGraphStore
NEBULA_IS_A_GRAPH_STORE: type[GraphStore] = NebulaGraphStore
SQLITE_IS_A_METADATA_STORE: type[MetadataStore] = SQLiteStore
ENGINE_CATALOG_IS_A_TASK_CATALOG: type[TaskCatalog] = EngineCatalog

IMPLEMENTATIONS: list[tuple[type[Any], type[Any]]] = [
    (GraphStore, EmbeddedGraphStore),
    (GraphStore, NebulaGraphStore),
    (MetadataStore, SQLiteStore),
    (TaskCatalog, EngineCatalog),
]


def protocol_methods(protocol: type[Any]) -> dict[str, Callable[..., Any]]:
    """The methods a Protocol declares in its own body (not those of ``Protocol`` itself)."""
    return {
        name: member
        for name, member in vars(protocol).items()
        if callable(member) and not name.startswith("_")
    }


def parameters(method: Callable[..., Any]) -> list[tuple[str, Any]]:
    """(name, kind) of each parameter after ``self``."""
    return [(p.name, p.kind) for p in list(inspect.signature(method).parameters.values())[1:]]


def required_extras(method: Callable[..., Any], declared: int) -> list[str]:
    """Parameters beyond the first ``declared`` that have no default (a protocol caller omits them)."""
    extra = list(inspect.signature(method).parameters.values())[1 + declared :]
    variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    return [p.name for p in extra if p.default is inspect.Parameter.empty and p.kind not in variadic]


def test_every_protocol_declares_methods() -> None:
    """Guards the test below: an empty member list would make it pass vacuously."""
    for protocol, _ in IMPLEMENTATIONS:
        assert len(protocol_methods(protocol)) >= 3, protocol


@pytest.mark.parametrize(
    ("protocol", "implementation"),
    IMPLEMENTATIONS,
    ids=[f"{impl.__name__}-{proto.__name__}" for proto, impl in IMPLEMENTATIONS],
)
def test_the_class_has_every_method_of_its_protocol(protocol: type[Any], implementation: type[Any]) -> None:
    missing, different = [], []
    for name, declared in protocol_methods(protocol).items():
        actual = getattr(implementation, name, None)
        if not callable(actual):
            missing.append(name)
            continue
        wanted = parameters(declared)
        extras = required_extras(actual, len(wanted))
        if inspect.iscoroutinefunction(declared) != inspect.iscoroutinefunction(actual):
            different.append(f"{name}: async in one, not the other")
        elif wanted != parameters(actual)[: len(wanted)]:
            different.append(f"{name}: {wanted} != {parameters(actual)}")
        elif extras:
            different.append(f"{name}: required parameters beyond the protocol's: {extras}")
    assert missing == [], f"{implementation.__name__} lacks {missing} of {protocol.__name__}"
    assert different == [], different
