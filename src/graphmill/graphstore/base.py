"""What graphmill needs from a graph store, whether embedded or a NebulaGraph cluster.

The vocabulary is NebulaGraph's: a *space* has a vid type (``string`` or ``int64``), tags
and edge types with typed properties, and edges identified by (src, edge type, rank, dst).
Property types use NebulaGraph's names, normalised (``int`` is reported as ``int64``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from graphmill.formats.vid import VidType


@dataclass(frozen=True)
class PropDef:
    """One property of a tag or an edge type, ``type`` being a NebulaGraph type name."""

    name: str
    type: str


@dataclass(frozen=True)
class SpaceInfo:
    """A space's schema and size at one data version."""

    name: str
    vid_type: VidType
    #: Bumped by every import; a cache key for anything derived from the data.
    version: int
    tags: dict[str, tuple[PropDef, ...]]
    edges: dict[str, tuple[PropDef, ...]]
    #: Distinct vids that carry at least one tag (dangling edge endpoints are not counted).
    vertex_count: int
    edge_counts: dict[str, int]
    #: When this version was imported (ms since the epoch).
    create_time_ms: int


@dataclass(frozen=True)
class EdgeFile:
    """A Parquet snapshot of one edge type: columns ``src``, ``dst``, ``rank`` and the properties."""

    edge_type: str
    path: Path
    #: The column holding the weight (``rank`` for ``_rank``), or None when unweighted.
    weight_column: str | None
    rows: int


class GraphStore(Protocol):
    """The part of a graph store the workflow engine uses."""

    def list_spaces(self) -> list[SpaceInfo]:
        """Every space, sorted by name."""
        ...

    def get_space(self, name: str) -> SpaceInfo:
        """The space ``name``; ``errors.NotFound`` when there is none."""
        ...

    def edge_files(
        self, space: str, edge_types: Sequence[str], weight_props: Sequence[str | None]
    ) -> list[EdgeFile]:
        """One snapshot per requested edge type, in order; ``weight_props[i]`` weighs ``edge_types[i]``.

        ``None`` or ``""`` means unweighted and ``_rank`` means the edge rank.  An unknown
        space raises ``errors.NotFound``; an unknown edge type or property, or a weight
        property that is not numeric, raises ``errors.ParamError``.
        """
        ...

    def verify_account(self, user: str, password: str) -> bool:
        """Whether ``user`` exists and ``password`` is theirs."""
        ...
