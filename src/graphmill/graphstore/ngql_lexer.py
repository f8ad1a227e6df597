"""Tokenizer for nGQL scripts: turns a stream of lines into statements of tokens.

Statements end with ``;`` (empty statements, as in ``;;``, are dropped).  Comments are
``#``, ``//`` and ``--`` to the end of the line and ``/* … */``.  A line whose first
character (outside any statement) is ``:`` is a nebula-console command (``:sleep 20``) and
is skipped.  Strings use single or double quotes with NebulaGraph's backslash escapes
(:mod:`graphmill.formats.ngql_strings`); identifiers may
be back-quoted.  Lines are read one at a time; only a token that spans lines (a string or a
block comment) makes the lexer join lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from graphmill import errors
from graphmill.formats.ngql_strings import NgqlEscapeError, unescape

#: How much of a statement an error message quotes.
_QUOTE_LIMIT = 300


class Kind(Enum):
    IDENT = "identifier"
    QIDENT = "quoted identifier"
    STRING = "string"
    INT = "integer"
    FLOAT = "float"
    PUNCT = "punctuation"


class Token(NamedTuple):
    kind: Kind
    #: The source text of the token.
    text: str
    #: Unescaped string, identifier (without back-quotes), int or float.
    value: str | int | float
    line: int

    def is_keyword(self, word: str) -> bool:
        """Whether this is the (unquoted, case-insensitive) keyword ``word``."""
        return self.kind is Kind.IDENT and self.text.lower() == word

    def is_punct(self, text: str) -> bool:
        return self.kind is Kind.PUNCT and self.text == text


@dataclass
class Statement:
    tokens: list[Token]
    #: Line of the statement's first token (1-based).
    line: int
    #: The statement's source text, for error messages.
    text: str = field(repr=False)


class NgqlSyntaxError(errors.BadRequest):
    """A statement of an nGQL script that cannot be imported; says where."""

    def __init__(self, reason: str, line: int, statement: str | None = None) -> None:
        detail = f"line {line}: {reason}"
        if statement:
            quoted = statement if len(statement) <= _QUOTE_LIMIT else statement[:_QUOTE_LIMIT] + " …"
            detail += f" in statement: {quoted}"
        super().__init__(detail)
        self.reason = reason
        self.line = line
        self.statement = statement


_TOKEN_RE = re.compile(
    r"""
    \s*
    (?:
      (?P<comment>(?:\#|//|--)[^\n]*|/\*.*?\*/)
    | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<float>(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+)
    | (?P<int>0[xX][0-9A-Fa-f]+|\d+)
    | (?P<ident>(?:[A-Za-z_]|[^\x00-\x7f])(?:[A-Za-z0-9_]|[^\x00-\x7f])*)
    | (?P<qident>`[^`\n]+`)
    | (?P<punct>->|[(),:;@=.+\-*])
    | (?P<end>\Z)
    )
    """,
    re.VERBOSE | re.DOTALL,
)


def _token(kind: str, text: str, line: int) -> Token:
    if kind == "punct":
        return Token(Kind.PUNCT, text, text, line)
    if kind == "ident":
        return Token(Kind.IDENT, text, text, line)
    if kind == "string":
        try:
            return Token(Kind.STRING, text, unescape(text[1:-1]), line)
        except NgqlEscapeError as exc:
            raise NgqlSyntaxError(str(exc), line) from None
    if kind == "int":
        value = int(text, 16) if text[:2] in ("0x", "0X") else int(text, 10)
        return Token(Kind.INT, text, value, line)
    if kind == "float":
        return Token(Kind.FLOAT, text, float(text), line)
    return Token(Kind.QIDENT, text, text[1:-1], line)


def statements(lines: Iterable[str]) -> Iterator[Statement]:
    """The statements of a script given as lines (each ending with ``\\n`` except maybe the last)."""
    source = iter(lines)
    buf = ""
    pos = 0
    line = 1  # the line at ``pos``
    tokens: list[Token] = []
    # The current statement's text: ``parts`` from earlier lines, then ``buf[start:]``.
    parts: list[str] = []
    start = 0

    def more() -> bool:
        """Append the next line to the unconsumed text; False at the end of the input."""
        nonlocal buf, pos, start
        nxt = next(source, None)
        if nxt is None:
            return False
        if tokens:
            parts.append(buf[start:pos])
        buf = buf[pos:] + nxt
        pos = start = 0
        return True

    while True:
        match = _TOKEN_RE.match(buf, pos)
        if match is None:
            stripped = buf[pos:].lstrip()
            if stripped.startswith(("/*", '"', "'")):
                if more():
                    continue  # a string or comment that goes on on the next line
                reason = "unterminated string or comment"
            else:
                reason = f"unexpected character {stripped[0]!r}"
            text = "".join(parts) + buf[start:] if tokens else stripped
            where = line + buf.count("\n", pos, len(buf) - len(stripped))
            raise NgqlSyntaxError(reason, where, text.strip() or None)
        kind = match.lastgroup
        assert kind is not None
        begin = match.start(kind)
        line += buf.count("\n", pos, begin)
        pos = match.end()
        if kind == "end":
            if not more():
                break
        elif kind == "comment":
            line += buf.count("\n", begin, pos)
        elif kind == "punct" and not tokens and buf[begin] == ":":
            # A nebula-console command (``:sleep 20``): skip the rest of the line.
            end = buf.find("\n", pos)
            pos = len(buf) if end < 0 else end
        elif kind == "punct" and buf[begin] == ";":
            if tokens:
                yield Statement(tokens, tokens[0].line, ("".join(parts) + buf[start:begin]).strip())
            tokens, parts = [], []
        else:
            text = match.group(kind)
            if not tokens:
                start = begin
            tokens.append(_token(kind, text, line))
            if kind == "string":
                line += text.count("\n")
    if tokens:
        yield Statement(tokens, tokens[0].line, ("".join(parts) + buf[start:]).strip())
