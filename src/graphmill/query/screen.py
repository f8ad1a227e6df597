"""Screening: name what a query component does not run, before (and whatever) the grammar says.

The text is cut into coarse tokens (:data:`~graphmill.query.grammar.SCAN_GRAMMAR`),
statements (``;``) and pipe stages (``|``).  A second statement, a statement that writes
(INSERT, DELETE, DROP, SUBMIT JOB, …) and a statement graphmill does not run (GET SUBGRAPH,
FIND PATH, SHOW, USE, …) are refused here with a message naming the construct and where it
starts, whether or not the rest would parse.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lark import Lark
from lark.exceptions import UnexpectedCharacters, UnexpectedInput

from graphmill.query import ast
from graphmill.query.grammar import SCAN_GRAMMAR

SUPPORTED = "MATCH (with OPTIONAL MATCH, UNWIND and WITH), GO, FETCH PROP ON, LOOKUP ON and RETURN"


#: Statements that change data.
DATA_WRITES = frozenset({"INSERT", "UPDATE", "UPSERT", "DELETE", "MERGE", "SET", "REMOVE", "DETACH"})
#: Statements that change the schema, the cluster, accounts or jobs.
ADMIN_WRITES = frozenset(
    {
        "CREATE",
        "DROP",
        "ALTER",
        "CLEAR",
        "REBUILD",
        "SUBMIT",
        "GRANT",
        "REVOKE",
        "CHANGE",
        "KILL",
        "STOP",
        "RECOVER",
        "DOWNLOAD",
        "INGEST",
        "BALANCE",
        "ADD",
        "RESTORE",
        "SIGN",
        "LOAD",
        "TRUNCATE",
        "RENAME",
        "COPY",
    }
)
#: Second words that belong in the name of a statement (``SUBMIT JOB``, ``REBUILD INDEX``).
_SECOND_WORDS = frozenset(
    {
        "JOB",
        "INDEX",
        "TAG",
        "EDGE",
        "VERTEX",
        "SPACE",
        "USER",
        "ROLE",
        "QUERY",
        "SNAPSHOT",
        "LISTENER",
        "HOSTS",
        "ZONE",
        "SUBGRAPH",
        "PATH",
        "SHORTEST",
        "ALL",
        "NOLOOP",
        "BY",
        "FULLTEXT",
        "PASSWORD",
    }
)
#: Read statements and clauses that graphmill's query component does not run.
_UNSUPPORTED_READS = frozenset(
    {
        "GET",
        "FIND",
        "SHOW",
        "USE",
        "DESCRIBE",
        "DESC",
        "EXPLAIN",
        "PROFILE",
        "CALL",
        "YIELD",
        "GROUP",
        "SAMPLE",
        "UNION",
        "INTERSECT",
        "MINUS",
        "FORMAT",
    }
)
_FIRST_STATEMENTS = frozenset({"MATCH", "OPTIONAL", "UNWIND", "WITH", "GO", "FETCH", "LOOKUP", "RETURN"})
_PIPE_STAGES = frozenset({"GO", "FETCH", "ORDER", "LIMIT", "GROUP"})
#: Keywords that, met where the grammar does not expect them, are a construct graphmill lacks.
UNSUPPORTED_WORDS = _UNSUPPORTED_READS | frozenset({"REDUCE"})


@dataclass(frozen=True)
class Tok:
    kind: str
    text: str
    pos: ast.Pos


@cache
def scanner() -> Lark:
    return Lark(SCAN_GRAMMAR, parser="lalr", lexer="basic")


def scan(text: str) -> list[Tok]:
    return [
        Tok(t.type, str(t), ast.Pos(t.line or 0, t.column or 0))
        for t in scanner().lex(text)
        if t.type != "WS"
    ]


def _split(tokens: list[Tok], separator: str, *, top_level: bool) -> list[list[Tok]]:
    parts: list[list[Tok]] = [[]]
    depth = 0
    for tok in tokens:
        if tok.kind == "PUNCT" and tok.text in "([{":
            depth += 1
        elif tok.kind == "PUNCT" and tok.text in ")]}":
            depth = max(depth - 1, 0)
        if tok.kind == "PUNCT" and tok.text == separator and (depth == 0 or not top_level):
            parts.append([])
        else:
            parts[-1].append(tok)
    return parts


def _construct(tokens: list[Tok]) -> str:
    """The name of the statement the tokens start (``INSERT``, ``GET SUBGRAPH``, …)."""
    first = tokens[0].text.upper()
    words = [first]
    if first in ("EXPLAIN", "PROFILE"):
        return first
    for tok in tokens[1:4]:
        word = tok.text.upper()
        if tok.kind != "WORD" or not (
            word in _SECOND_WORDS or (first, word) in (("DETACH", "DELETE"), ("OPTIONAL", "MATCH"))
        ):
            break
        words.append(word)
        if word not in ("SHORTEST", "ALL", "NOLOOP"):
            break
    return " ".join(words)


def _head_problem(tokens: list[Tok], *, piped: bool) -> str | None:
    """Why a statement or pipe stage starting with ``tokens`` is refused, if it is."""
    head = tokens[0]
    word = head.text.upper() if head.kind == "WORD" else ""
    if word in DATA_WRITES:
        return (
            f"{_construct(tokens)} statements modify the graph; a query component is read-only ({head.pos})"
        )
    if word in ADMIN_WRITES:
        return f"{_construct(tokens)} statements change the database; a query component is read-only ({head.pos})"
    if head.kind == "DOLLAR" and len(tokens) > 1 and tokens[1].text == "=":
        return (
            f"assigning to a variable ({head.text} = …) is not supported ({head.pos}); "
            "a query component runs one statement"
        )
    if piped:
        if word in _PIPE_STAGES:
            return None
        name = _construct(tokens) if word else head.text
        return (
            f"piping into {name} is not supported ({head.pos}); "
            "a pipe may lead to GO, FETCH PROP ON, GROUP BY, ORDER BY or LIMIT"
        )
    if word in _UNSUPPORTED_READS:
        return f"{_construct(tokens)} is not supported by graphmill's query component ({head.pos}); use {SUPPORTED}"
    return None


def screen(text: str) -> list[str]:
    try:
        tokens = scan(text)
    except UnexpectedInput as exc:  # an unterminated comment, say: let the real grammar say it
        return [lex_error_message(exc, text)]
    if not tokens:
        return ["the query is empty"]
    statements = _split(tokens, ";", top_level=False)
    problems: list[str] = []
    first = statements[0]
    if not first:
        return [f"the query starts with ';' ({tokens[0].pos}); write one statement"]
    stages = _split(first, "|", top_level=True)
    for i, stage in enumerate(stages):
        if not stage:
            problems.append("a '|' has no statement after it" if i else "the query starts with '|'")
            continue
        problem = _head_problem(stage, piped=i > 0)
        if problem:
            problems.append(problem)
    for extra in statements[1:]:
        if not extra:
            continue
        write = _head_problem(extra, piped=False)
        message = f"a query component runs a single statement, but a second one starts at {extra[0].pos}"
        if write and "read-only" in write:
            message += f": {write}"
        else:
            message += f" ({_construct(extra) if extra[0].kind == 'WORD' else extra[0].text})"
        problems.append(message)
        break
    return problems


def word_before(text: str, offset: int) -> Tok | None:
    """The coarse token just before ``offset``, if it is a word."""
    try:
        tokens = scan(text[:offset])
    except UnexpectedInput:
        return None
    return tokens[-1] if tokens and tokens[-1].kind == "WORD" else None


def lex_error_message(exc: UnexpectedInput, text: str) -> str:
    """What a text the scanner cannot cut into tokens gets wrong (a string or comment left open, say)."""
    pos = ast.Pos(getattr(exc, "line", 0) or 0, getattr(exc, "column", 0) or 0)
    if isinstance(exc, UnexpectedCharacters):
        offset = exc.pos_in_stream or 0
        char = text[offset] if 0 <= offset < len(text) else "?"
        if char in "\"'":
            return f"syntax error: unterminated string ({pos})"
        if text.startswith("/*", offset):
            return f"syntax error: unterminated comment ({pos})"
        return f"syntax error: unexpected character {char!r} ({pos})"
    return f"syntax error ({pos})"
