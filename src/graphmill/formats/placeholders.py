"""``${name}`` placeholders in nGQL text: their syntax, and filling them by text for a cluster.

A placeholder is ``${`` + a name + ``}``; the name is any text without braces or a line break
(Explorer users name parameters with keywords, dates, quotes, CJK and full-width punctuation).

The embedded store binds placeholders in the syntax tree (:mod:`graphmill.query.bind`).  A
NebulaGraph cluster parses the text itself, so :func:`fill_placeholders` writes each value
into the text the way Explorer does, but as a *literal*: outside a string a placeholder
becomes a literal of the value's type (a string is quoted and escaped, a list becomes
``[…]``), inside a string literal it becomes the value's text, escaped for that string.  So a
value never closes a string or adds a clause.  Comments and back-quoted names are left alone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from graphmill.formats.ngql_strings import escape, string_literal

#: ``${name}``; group 1 is the name.
PLACEHOLDER = re.compile(r"\$\{([^{}\n]+)\}")

#: Placeholders, strings, comments and back-quoted names, found left to right.
_REGION = re.compile(
    r"""(?P<ph>\$\{[^{}\n]+\})
      | (?P<dq>"(?:[^"\\\n]|\\[\s\S])*"?)
      | (?P<sq>'(?:[^'\\\n]|\\[\s\S])*'?)
      | (?P<comment>\#[^\n]*|//[^\n]*|/\*[\s\S]*?(?:\*/|\Z))
      | (?P<bq>`[^`\n]*`?)""",
    re.VERBOSE,
)


def literal(name: str, value: object) -> str:
    """``value`` as an nGQL literal; ValueError naming the parameter when it has none."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"parameter ${{{name}}} is not a finite number: {value!r}")
        return repr(value)
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(name, v) for v in value) + "]"
    raise ValueError(
        f"parameter ${{{name}}} has a value of type {type(value).__name__}, which nGQL cannot write"
    )


def _text(name: str, value: object) -> str:
    if isinstance(value, list | tuple):
        raise ValueError(f"parameter ${{{name}}} holds a list and cannot go inside a string")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def fill_placeholders(text: str, values: Mapping[str, object]) -> tuple[str, set[str]]:
    """``text`` with every placeholder filled from ``values``, and the names it used.

    Raises ValueError naming a placeholder that has no value or a value nGQL cannot write.
    """
    used: set[str] = set()

    def value_of(name: str) -> object:
        if name not in values:
            raise ValueError(f"parameter ${{{name}}} has no value")
        used.add(name)
        return values[name]

    out: list[str] = []
    pos = 0
    for region in _REGION.finditer(text):
        out.append(text[pos : region.start()])
        chunk = region.group(0)
        if region.lastgroup == "ph":
            chunk = literal(chunk[2:-1], value_of(chunk[2:-1]))
        elif region.lastgroup in ("dq", "sq"):
            chunk = PLACEHOLDER.sub(lambda m: _text(m.group(1), value_of(m.group(1))), chunk)
        out.append(chunk)
        pos = region.end()
    out.append(text[pos:])
    return "".join(out), used
