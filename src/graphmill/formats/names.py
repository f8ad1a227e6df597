"""Back-quoted names: how a tag, edge type or property name is written into Cypher or nGQL.

Both languages quote an identifier with back-quotes; inside one, a back-quote is written
twice (LadybugDB's Cypher).  NebulaGraph's scanner takes any characters but a back-quote and
a line break between back-quotes, so names with spaces or non-ASCII letters quote the same
way there: :func:`backquote` refuses what NebulaGraph cannot take.
"""

from __future__ import annotations

import re


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


#: Longest schema name (tag, edge type, property) graphmill keeps, in characters.
MAX_SCHEMA_NAME = 128
_PLAIN_FILE_STEM = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")


def schema_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a tag, edge type or property name, if it cannot.

    NebulaGraph takes any text between back-quotes but a back-quote and a line break
    (``CREATE TAG `¥%特殊 字符&*+-*/```); graphmill also refuses other control characters,
    blank names and names longer than :data:`MAX_SCHEMA_NAME`.
    """
    if not name.strip():
        return "it is empty"
    if len(name) > MAX_SCHEMA_NAME:
        return f"it is longer than {MAX_SCHEMA_NAME} characters"
    if "`" in name:
        return "it holds a back-quote"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        return "it holds a line break or another control character"
    return None


def file_stem(name: str) -> str:
    """A file name for a schema name: itself when plain, else ``=`` and its UTF-8 in hex (no clash)."""
    if _PLAIN_FILE_STEM.fullmatch(name) and name not in (".", ".."):
        return name
    return "=" + name.encode("utf-8").hex()


def split_names(text: str) -> list[str]:
    """A comma-joined list of names (``nebula_input_edges``): blanks trimmed, back-quotes removed.

    ``"follow, `my edge`,关注, `a,b`"`` is ``["follow", "my edge", "关注", "a,b"]``: a name keeps
    its inner spaces, and a back-quoted one may hold a comma.
    """
    return [
        part[1:-1] if len(part) >= 2 and part[0] == part[-1] == "`" else part
        for part in (m.strip() for m in _LIST_ITEM.findall(text + ","))
    ]


_LIST_ITEM = re.compile(r"((?:`[^`]*`|[^,`])*),")
