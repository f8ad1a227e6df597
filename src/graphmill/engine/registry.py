"""The algorithm registry: task type id → :class:`AlgorithmSpec`.

Built-in algorithms are registered through :func:`register`, the same call a plugin uses.
Importing this module imports numpy, scipy and pyarrow, and nothing heavier.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from graphmill import errors
from graphmill.engine.algorithms import (
    clustering,
    community,
    graph_feature,
    node_importance,
    path,
    similarity,
)
from graphmill.engine.algorithms.base import AlgorithmSpec

__all__ = ["ALGORITHMS", "get_algorithm", "register"]

_REGISTRY: dict[str, AlgorithmSpec] = {}

#: Every registered algorithm by task type (read-only view; use :func:`register` to add).
ALGORITHMS: Mapping[str, AlgorithmSpec] = MappingProxyType(_REGISTRY)


def register(spec: AlgorithmSpec, *, replace: bool = False) -> AlgorithmSpec:
    """Add an algorithm; a second spec for the same task type needs ``replace=True``."""
    if not spec.type.startswith("analytics_"):
        raise ValueError(f"algorithm task types start with 'analytics_': {spec.type!r}")
    if spec.type in _REGISTRY and not replace:
        raise ValueError(f"algorithm {spec.type!r} is already registered")
    _REGISTRY[spec.type] = spec
    return spec


def get_algorithm(task_type: str) -> AlgorithmSpec:
    """The spec of a task type; an unknown type is a :class:`~graphmill.errors.ParamError`."""
    try:
        return _REGISTRY[task_type]
    except KeyError:
        raise errors.ParamError(
            f"unknown algorithm task type {task_type!r}",
            data=[{"field": "type", "reason": f"unknown algorithm {task_type!r}"}],
        ) from None


for _group in (node_importance, path, community, graph_feature, clustering, similarity):
    for _spec in _group.SPECS:
        register(_spec)
