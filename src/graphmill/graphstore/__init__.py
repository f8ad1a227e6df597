"""The graph store: NebulaGraph-style spaces, embedded (LadybugDB + Parquet) or, later, remote."""

from graphmill.formats.vid import VidType
from graphmill.graphstore.base import EdgeFile, GraphStore, PropDef, SpaceInfo
from graphmill.graphstore.embedded import EmbeddedGraphStore
from graphmill.graphstore.ngql_lexer import NgqlSyntaxError

__all__ = [
    "EdgeFile",
    "EmbeddedGraphStore",
    "GraphStore",
    "NgqlSyntaxError",
    "PropDef",
    "SpaceInfo",
    "VidType",
]
