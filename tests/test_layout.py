"""Modules that fit in a head (issue 9): no module in ``src`` over 600 lines, no function over 80,
and no import cycle between any two modules (type-only and function-level imports included).

Counted as the file's lines and a function's span from ``def`` to its last line (docstring,
comments and blank lines included), so the numbers match what a reader scrolls through.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

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


def import_cycles(package: str) -> list[list[str]]:
    """Groups of modules that import each other, directly or round about (Tarjan's SCC)."""
    import grimp  # import-linter's own graph

    graph = grimp.build_graph(package)
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in order:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], order[imported])
        if low[module] == order[module]:
            group = stack[stack.index(module) :]
            del stack[stack.index(module) :]
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in order:
            visit(module)
    return cycles


def test_no_import_cycles() -> None:
    assert import_cycles("graphmill") == []


def test_the_cycle_scan_finds_a_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "cyclic_probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from cyclic_probe import b\n")
    (package / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from cyclic_probe import a\n"
    )
    (package / "c.py").write_text("from cyclic_probe import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_cycles("cyclic_probe") == [["cyclic_probe.a", "cyclic_probe.b"]]
