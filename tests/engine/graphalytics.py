"""LDBC Graphalytics support: reading EVLP datasets and the three output-validation rules.

* :func:`read_properties` / :func:`load_evlp` read a ``<graph>.properties`` file and its
  ``.v`` / ``.e`` files into a :class:`~graphmill.engine.graph.Graph` (isolated vertices of
  ``.v`` included; undirected graphs list each edge once and get reverse edges).
* :func:`read_output` reads a two-column ``vertex value`` file.
* :func:`match_exact`, :func:`match_epsilon`, :func:`match_equivalence` implement the
  spec's comparison rules and return a list of problems (empty = match).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from graphmill.engine.graph import Graph, build_graph

__all__ = [
    "EPSILON",
    "load_evlp",
    "match_epsilon",
    "match_equivalence",
    "match_exact",
    "read_output",
    "read_properties",
]

#: Relative tolerance of the epsilon rule (0.01 %).
EPSILON = 1e-4
_MAX_PROBLEMS = 20


def read_properties(path: Path) -> dict[str, str]:
    """``key = value`` lines of a Java properties file (comments and blanks skipped)."""
    props: dict[str, str] = {}
    for line in Path(path).read_text().splitlines():
        text = line.strip()
        if not text or text.startswith(("#", "!")):
            continue
        key, _, value = text.partition("=")
        props[key.strip()] = value.strip()
    return props


def load_evlp(properties: Path, *, weighted: bool) -> tuple[Graph, dict[str, str]]:
    """The graph described by ``properties`` and its properties (keys without the graph prefix)."""
    properties = Path(properties)
    raw = read_properties(properties)
    name = properties.name.removesuffix(".properties")
    prefix = f"graph.{name}."
    props = {k.removeprefix(prefix): v for k, v in raw.items() if k.startswith(prefix)}
    base = properties.parent
    vfile = base / props.get("vertex-file", f"{name}.v")
    efile = base / props.get("edge-file", f"{name}.e")
    directed = props.get("directed", "true").lower() == "true"
    parse = pacsv.ParseOptions(delimiter=" ")
    vertices = pacsv.read_csv(
        vfile,
        read_options=pacsv.ReadOptions(autogenerate_column_names=True),
        parse_options=parse,
        convert_options=pacsv.ConvertOptions(column_types={"f0": pa.int64()}, include_columns=["f0"]),
    ).column("f0")
    edge_types = {"f0": pa.int64(), "f1": pa.int64(), "f2": pa.float64()}
    edges = pacsv.read_csv(
        efile,
        read_options=pacsv.ReadOptions(autogenerate_column_names=True),
        parse_options=parse,
        convert_options=pacsv.ConvertOptions(column_types=edge_types),
    )
    weight = None
    if weighted:
        if "f2" in edges.column_names:
            weight = edges.column("f2")
        else:
            weight = pa.array(np.ones(edges.num_rows, dtype=np.float64))
    graph = build_graph(
        edges.column("f0"),
        edges.column("f1"),
        weight,
        vid_type="int64",
        directed=directed,
        vertices=vertices,
    )
    return graph, props


def read_output(path: Path) -> dict[int, str]:
    """``vertex value`` lines (space separated) as ``{vertex: value text}``."""
    result: dict[int, str] = {}
    for line in Path(path).read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2:
            result[int(parts[0])] = parts[1]
    return result


def _same_vertices(expected: Mapping[int, str], actual: Mapping[int, str]) -> list[str]:
    problems: list[str] = []
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    if missing:
        problems.append(f"{len(missing)} vertices missing, e.g. {missing[:5]}")
    if extra:
        problems.append(f"{len(extra)} unexpected vertices, e.g. {extra[:5]}")
    return problems


def match_exact(expected: Mapping[int, str], actual: Mapping[int, str]) -> list[str]:
    """Exact rule (BFS, CDLP): every value identical (compared as integers)."""
    problems = _same_vertices(expected, actual)
    for v, want in expected.items():
        if v in actual and int(actual[v]) != int(want):
            problems.append(f"vertex {v}: expected {want}, got {actual[v]}")
            if len(problems) >= _MAX_PROBLEMS:
                break
    return problems


def match_epsilon(
    expected: Mapping[int, str], actual: Mapping[int, str], epsilon: float = EPSILON
) -> list[str]:
    """Epsilon rule (PR, LCC, SSSP): ``|r - s| <= epsilon * |r|``; infinity matches only itself."""
    problems = _same_vertices(expected, actual)
    for v, want in expected.items():
        if v not in actual:
            continue
        r, s = float(want), float(actual[v])
        ok = r == s if math.isinf(r) or math.isinf(s) else abs(r - s) <= epsilon * abs(r)
        if not ok:
            problems.append(f"vertex {v}: expected {want}, got {actual[v]}")
            if len(problems) >= _MAX_PROBLEMS:
                break
    return problems


def match_equivalence(expected: Mapping[int, str], actual: Mapping[int, str]) -> list[str]:
    """Equivalence rule (WCC): a bijection between expected and actual labels."""
    problems = _same_vertices(expected, actual)
    forward: dict[str, str] = {}
    backward: dict[str, str] = {}
    for v, want in expected.items():
        if v not in actual:
            continue
        got = actual[v]
        if forward.setdefault(want, got) != got:
            problems.append(f"vertex {v}: label {got} but its expected class maps to {forward[want]}")
        elif backward.setdefault(got, want) != want:
            problems.append(f"vertex {v}: label {got} is shared by two expected classes")
        if len(problems) >= _MAX_PROBLEMS:
            break
    return problems
