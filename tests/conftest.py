from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _clean_environ() -> Iterator[None]:
    """No GRAPHMILL_* variable of the developer's shell leaks into a test."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("GRAPHMILL_")}
    for k in saved:
        del os.environ[k]
    yield
    for k in [k for k in os.environ if k.startswith("GRAPHMILL_")]:
        del os.environ[k]
    os.environ.update(saved)
