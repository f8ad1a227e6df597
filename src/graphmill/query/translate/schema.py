"""The space's schema as the translation checks names against it (permissive without a space)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graphmill.query import ast
from graphmill.query.problems import fail

if TYPE_CHECKING:
    from graphmill.graphstore.base import SpaceInfo


class SpaceSchema:
    """The space's tags and edge types; permissive when there is no space."""

    def __init__(self, space: SpaceInfo | None) -> None:
        self.space = space
        self.lenient = space is None
        self.tags: dict[str, frozenset[str]] = (
            {t: frozenset(p.name for p in props) for t, props in space.tags.items()} if space else {}
        )
        self.edges: dict[str, frozenset[str]] = (
            {e: frozenset(p.name for p in props) for e, props in space.edges.items()} if space else {}
        )

    @property
    def name(self) -> str:
        return self.space.name if self.space else "?"

    def is_tag(self, name: str) -> bool:
        return self.lenient or name in self.tags

    def is_edge(self, name: str) -> bool:
        return self.lenient or name in self.edges

    def check_tag(self, name: str, pos: ast.Pos) -> None:
        if not self.is_tag(name):
            fail(f"tag '{name}' does not exist in space '{self.name}'", pos)

    def check_edge(self, name: str, pos: ast.Pos) -> None:
        if not self.is_edge(name):
            fail(f"edge type '{name}' does not exist in space '{self.name}'", pos)

    def tag_has(self, tag: str, prop: str) -> bool:
        return self.lenient or prop in self.tags.get(tag, frozenset())

    def edge_has(self, edge: str, prop: str) -> bool:
        return self.lenient or prop in self.edges.get(edge, frozenset())

    def check_tag_prop(self, tag: str, prop: str, pos: ast.Pos) -> None:
        self.check_tag(tag, pos)
        if not self.tag_has(tag, prop):
            fail(f"tag '{tag}' has no property '{prop}'", pos)

    def check_edge_prop(self, edge: str, prop: str, pos: ast.Pos) -> None:
        self.check_edge(edge, pos)
        if not self.edge_has(edge, prop):
            fail(f"edge type '{edge}' has no property '{prop}'", pos)

    def all_edges(self) -> tuple[str, ...]:
        return tuple(self.edges)

    def all_tags(self) -> tuple[str, ...]:
        return tuple(self.tags)
