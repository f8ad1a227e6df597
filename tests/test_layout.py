"""Modules that fit in a head (issue 9): no module in ``src`` over 600 lines, no function over 80.

Counted as the file's lines and a function's span from ``def`` to its last line (docstring,
comments and blank lines included), so the numbers match what a reader scrolls through.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "graphmill"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def long_functions(path: Path, root: Path = SRC) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            span = (node.end_lineno or node.lineno) - first + 1
            if span > MAX_FUNCTION_LINES:
                found.append(f"{path.relative_to(root)}:{node.lineno} {node.name} ({span} lines)")
    return found


def test_the_scan_sees_the_package() -> None:
    assert len(modules()) > 100  # a wrong root would pass vacuously


def test_no_module_is_over_600_lines() -> None:
    sizes = {p: len(p.read_text(encoding="utf-8").splitlines()) for p in modules()}
    assert max(sizes.values()) > 300  # the count is real
    assert [f"{p.relative_to(SRC)} ({n} lines)" for p, n in sizes.items() if n > MAX_MODULE_LINES] == []


def test_no_function_is_over_80_lines() -> None:
    assert [f for p in modules() for f in long_functions(p)] == []


def test_the_function_scan_finds_a_long_function(tmp_path: Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))
    probe = tmp_path / "probe.py"
    probe.write_text(f"async def short():\n    pass\n\n\ndef long():\n{body}")
    assert long_functions(probe, tmp_path) == [f"probe.py:5 long ({MAX_FUNCTION_LINES + 1} lines)"]
