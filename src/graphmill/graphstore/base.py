"""What graphmill needs from a graph store, whether embedded or a NebulaGraph cluster.

The vocabulary is NebulaGraph's: a *space* has a vid type (``string`` or ``int64``), tags
and edge types with typed properties, and edges identified by (src, edge type, rank, dst).
Property types use NebulaGraph's names, normalised (``int`` is reported as ``int64``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from graphmill.formats.vid import VidType
from graphmill.formats.writeback import WriteBackRequest, write_back_errors

if TYPE_CHECKING:
    import pyarrow as pa


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

    def run_query(self, space: str, ngql: str, params: Mapping[str, object]) -> pa.Table:
        """Run a query component's nGQL in ``space``; its result with the query's own column names.

        ``params`` fill the ``${name}`` placeholders of the text.  Whatever stops the query
        (a parse error, a construct the store does not run, a refusal of the database) raises
        ``errors.TaskFailed`` saying why.
        """
        ...

    def write_back(
        self,
        space: str,
        table: pa.Table,
        *,
        tag: str,
        props: Sequence[str],
        types: Sequence[str],
        mode: Literal["insert", "update"] = "insert",
        batch_size: int = 1000,
        create: bool = False,
    ) -> int:
        """Write ``table`` (vid column first, then one column per prop) into ``tag``; the rows written.

        ``create`` lets the embedded store create a missing tag or property (a cluster never
        creates anything).  Every failure raises
        :class:`~graphmill.formats.writeback.WriteBackFailed`, whichever the store.  Written
        once, here: a store subclasses this Protocol and implements :meth:`write_rows`.
        """
        request = WriteBackRequest(tag, tuple(props), tuple(types), mode, batch_size, create)
        with write_back_errors():
            return self.write_rows(space, table, request)

    def write_rows(self, space: str, table: pa.Table, request: WriteBackRequest) -> int:
        """The store's own write-back (see :meth:`write_back`, which words its failures)."""
        ...
