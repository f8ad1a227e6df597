"""The engine stays light: importing the registry pulls in no web stack or heavy extras."""

from __future__ import annotations

import subprocess
import sys


def test_registry_import_is_light() -> None:
    """`import graphmill.engine.registry` loads numpy/scipy/pyarrow and nothing from the server side."""
    code = (
        "import sys, graphmill.engine.registry, graphmill.engine.loader, graphmill.engine.results\n"
        "bad = ('networkx', 'pandas', 'starlette', 'uvicorn', 'pydantic', 'httpx', 'ladybug', 'numba',"
        " 'graphmill.api', 'graphmill.store', 'graphmill.scheduler', 'graphmill.workflow')\n"
        "print(sorted(m for m in sys.modules if m.startswith(bad)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
