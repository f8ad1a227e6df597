"""graphmill: a self-hosted graph-analytics workflow server.

It speaks NebulaGraph Explorer's Workflow API (``api-open/v1``) and runs the
NebulaGraph Analytics algorithm catalogue in-process.  Importing this package
is cheap: the web stack and numeric libraries load only where they are used, and
the public names below are imported on first use.

The public API (stable across minor versions):

* ``Client``, ``AsyncClient``, ``Job``, ``AsyncJob``, ``Result``, ``Event``: the Python client;
* ``errors``: the exception tree (``GraphmillError`` and its subclasses, with Explorer's codes),
  which the client raises too;
* ``ApiError``, ``ClientError``, ``StreamLost``: the client's own errors;
* ``algorithms``: the algorithm registry (``graphmill.engine.registry``) for plugins.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "Client": "graphmill.client",
    "AsyncClient": "graphmill.client",
    "Job": "graphmill.client",
    "AsyncJob": "graphmill.client",
    "Result": "graphmill.client",
    "Event": "graphmill.client",
    "ApiError": "graphmill.client",
    "ClientError": "graphmill.client",
    "StreamLost": "graphmill.client",
}
_MODULES = {"errors": "graphmill.errors", "algorithms": "graphmill.engine.registry"}

__all__ = [
    "ApiError",
    "AsyncClient",
    "AsyncJob",
    "Client",
    "ClientError",
    "Event",
    "Job",
    "Result",
    "StreamLost",
    "__version__",
    "algorithms",
    "errors",
]

if TYPE_CHECKING:
    from graphmill import errors
    from graphmill.client import (
        ApiError,
        AsyncClient,
        AsyncJob,
        Client,
        ClientError,
        Event,
        Job,
        Result,
        StreamLost,
    )
    from graphmill.engine import registry as algorithms


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name in _MODULES:
        value = importlib.import_module(_MODULES[name])
    else:
        raise AttributeError(f"module 'graphmill' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
