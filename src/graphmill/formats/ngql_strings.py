"""The value of an nGQL string literal, by NebulaGraph's own escape rules (its flex scanner).

After a backslash:

- ``n``, ``t``, ``r``, ``b``, ``f``: newline, tab, carriage return, backspace, form feed;
- a run of decimal digits: one to three *octal* digits are one byte of that value
  (``\\101`` is ``A``, ``\\0`` is NUL); a longer run, an ``8`` or ``9``, or a value over
  ``\\377`` is an error (NebulaGraph's scanner stops there);
- any other character, a line break included, stands for itself (``\\"``, ``\\\\``,
  ``\\q`` → ``q``).

The bytes a literal spells are UTF-8 text; octal escapes that do not form UTF-8 are an error.
"""

from __future__ import annotations

_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}
_OCTAL = frozenset("01234567")


class NgqlEscapeError(ValueError):
    """A string literal holds an escape NebulaGraph refuses."""


def unescape(body: str) -> str:
    """The value of a string literal whose text between the quotes is ``body``."""
    if "\\" not in body:
        return body
    out = bytearray()
    i = 0
    n = len(body)
    while i < n:
        j = body.find("\\", i)
        if j < 0:
            out += body[i:].encode("utf-8", "surrogatepass")
            break
        out += body[i:j].encode("utf-8", "surrogatepass")
        if j + 1 >= n:
            raise NgqlEscapeError("a string ends with a lone backslash")
        escaped = body[j + 1]
        if escaped.isascii() and escaped.isdigit():
            k = j + 1
            while k < n and body[k].isascii() and body[k].isdigit():
                k += 1
            digits = body[j + 1 : k]
            if len(digits) > 3 or not set(digits) <= _OCTAL or int(digits, 8) > 0o377:
                raise NgqlEscapeError(
                    f"invalid escape \\{digits} in a string: use one to three octal digits up to \\377"
                )
            out.append(int(digits, 8))
            i = k
            continue
        out += _SIMPLE.get(escaped, escaped).encode("utf-8", "surrogatepass")
        i = j + 2
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        raise NgqlEscapeError("octal escapes in a string do not spell UTF-8 text") from None


_ESCAPE_TABLE = str.maketrans(
    {"\\": "\\\\", '"': '\\"', "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
)


def escape(text: str) -> str:
    """``text`` as the body of a string literal in either quotes: :func:`unescape` gives it back.

    A backslash is always doubled, so no octal escape can be formed by accident; other
    characters, non-ASCII ones included, are written as they are.
    """
    return text.translate(_ESCAPE_TABLE)


def string_literal(text: str) -> str:
    """A double-quoted nGQL string literal whose value is ``text``; ValueError for what nGQL cannot hold."""
    if "\x00" in text:
        raise ValueError(f"string {text[:60]!r} holds a NUL character, which nGQL strings cannot hold")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"string {text[:60]!r} is not valid Unicode text") from None
    return '"' + escape(text) + '"'
