"""Back-quoted names: how a tag, edge type or property name is written into Cypher or nGQL.

Both languages quote an identifier with back-quotes; inside one, a back-quote is written
twice (LadybugDB's Cypher).  NebulaGraph's scanner takes any characters but a back-quote and
a line break between back-quotes, so names with spaces or non-ASCII letters quote the same
way there: :func:`backquote` refuses what NebulaGraph cannot take.
"""

from __future__ import annotations


def backquote(name: str) -> str:
    """``name`` as a Cypher identifier: back-quoted, any back-quote inside doubled."""
    return "`" + name.replace("`", "``") + "`"


def ngql_backquote(name: str) -> str:
    """``name`` as an nGQL identifier; ValueError for what nGQL cannot quote (back-quote, line break, empty)."""
    if not name or "`" in name or "\n" in name or "\r" in name:
        raise ValueError(
            f"name {name!r} cannot be written in nGQL (empty, or holds a back-quote or a line break)"
        )
    return f"`{name}`"
