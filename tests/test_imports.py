"""Importing graphmill, or asking the CLI for help, stays light."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["numpy", "scipy", "pyarrow", "ladybug", "starlette", "uvicorn", "httpx", "pydantic", "argon2", "jwt"]


def loaded_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nimport json; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return {m.split(".")[0] for m in json.loads(out.strip().splitlines()[-1])}


def test_import_graphmill_is_light() -> None:
    """`import graphmill` loads none of the heavy libraries."""
    assert not loaded_after("import graphmill") & set(HEAVY)


def test_cli_help_is_light() -> None:
    """`graphmill --help` loads none of the heavy libraries."""
    code = "from graphmill.cli.main import cli\ntry:\n    cli(['--help'])\nexcept SystemExit:\n    pass"
    assert not loaded_after(code) & set(HEAVY)
