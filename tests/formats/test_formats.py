"""The shared formats, each against its definition (NebulaGraph's scanner for string escapes)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphmill.formats.csv_header import is_int64_text, looks_like_header
from graphmill.formats.names import backquote, ngql_backquote
from graphmill.formats.ngql_strings import NgqlEscapeError, escape, string_literal, unescape
from graphmill.formats.placeholders import fill_placeholders
from graphmill.graphstore.ngql_lexer import statements
from graphmill.query import parse
from graphmill.query.ast import Const, ReturnStmt


@pytest.mark.parametrize(
    ("body", "value"),
    [
        (r"x\101", "xA"),  # octal: one to three digits
        (r"\0", "\0"),
        (r"\7", "\x07"),
        (r"\101\102", "AB"),
        (r"\303\251", "é"),  # octal bytes spelling UTF-8
        (r"a\nb\tc\rd\be\ff", "a\nb\tc\rd\be\ff"),
        (r"\"\'\\", "\"'\\"),
        (r"\q\%\ ", "q% "),  # any other character stands for itself
        ("a\\\nb", "a\nb"),  # a backslash before a line break keeps the line break
        ("日本\\語", "日本語"),
        ("plain", "plain"),
    ],
)
def test_unescape_follows_nebulagraphs_scanner(body: str, value: str) -> None:
    assert unescape(body) == value


@pytest.mark.parametrize("body", [r"\8", r"\9", r"\1018", r"\0123", r"\400", r"\377", "\\"])
def test_escapes_nebulagraph_refuses(body: str) -> None:
    """A digit run that is not 1-3 octal digits up to \\377, bytes that are not UTF-8, a lone backslash."""
    with pytest.raises(NgqlEscapeError):
        unescape(body)


def test_the_importer_and_queries_read_a_literal_alike() -> None:
    """The drift issue 9 found: "x\\101" imported as x101 but queried as xA. Both read xA now."""
    (stmt,) = list(statements(['INSERT VERTEX t(p) VALUES "v":("x\\101");']))
    imported = [tok.value for tok in stmt.tokens if tok.kind.value == "string"][-1:]
    query = parse('RETURN "x\\101" AS s')
    assert isinstance(query.first, ReturnStmt)
    item = query.first.ret.items[0].expr
    assert isinstance(item, Const)
    assert imported == ["xA"] == [item.value]


@given(st.text())
def test_escape_round_trips(text: str) -> None:
    assert unescape(escape(text)) == text


def test_string_literal_refuses_what_ngql_cannot_hold() -> None:
    assert string_literal('a"b\\') == '"a\\"b\\\\"'
    with pytest.raises(ValueError, match="NUL"):
        string_literal("a\0")
    with pytest.raises(ValueError, match="not valid Unicode"):
        string_literal("\ud800")


def test_int64_text_and_header_rule() -> None:
    """One rule for the loader and the file transfer: an integer is a 64-bit one."""
    assert is_int64_text(" -9223372036854775808 ")
    assert not is_int64_text("9223372036854775808")
    assert not is_int64_text("99999999999999999999")
    # The row issue 9 found the two copies disagreeing on:
    assert looks_like_header(["99999999999999999999", "1"], ["1", "2"])
    assert not looks_like_header(["1", "2"], ["3", "4"])
    assert looks_like_header(["src", "dst"], None, vid_type="int64")
    assert not looks_like_header(["a", "b"], ["c", "d"])  # string ids, no weight: no telling
    assert looks_like_header(["a", "b", "weight"], ["c", "d", "0.5"], weight_column=2)
    assert not looks_like_header(["a", "b", "x"], ["c", "d", "y"], weight_column=2)


def test_loader_and_transfer_share_the_rule() -> None:
    """Neither keeps a copy of its own (the drift issue 9 found)."""
    from graphmill.engine import loader
    from graphmill.fs import transfer

    assert vars(loader)["looks_like_header"] is vars(transfer)["looks_like_header"] is looks_like_header


def test_backquoting() -> None:
    assert backquote("a`b c") == "`a``b c`"
    assert ngql_backquote("my edge") == "`my edge`"
    assert ngql_backquote("关注") == "`关注`"
    for bad in ("", "a`b", "a\nb"):
        with pytest.raises(ValueError, match="cannot be written in nGQL"):
            ngql_backquote(bad)


def test_placeholders_are_filled_as_literals() -> None:
    values: dict[str, object] = {
        "id": 'x" OR 1==1 //',
        "n": 3,
        "ids": ["a", "b"],
        "日期": "2024-01-02",
        "it's": True,
        "none": None,
    }
    text, used = fill_placeholders(
        'GO ${n} STEPS FROM ${ids} OVER e WHERE $$.t.p == ${id} AND "${日期}" > "" '
        "AND ${it's} AND ${none} IS NULL # ${not_filled}\nYIELD `${kept}`",
        values,
    )
    assert text == (
        'GO 3 STEPS FROM ["a", "b"] OVER e WHERE $$.t.p == "x\\" OR 1==1 //" AND "2024-01-02" > "" '
        "AND true AND NULL IS NULL # ${not_filled}\nYIELD `${kept}`"
    )
    assert used == {"id", "n", "ids", "日期", "it's", "none"}
    with pytest.raises(ValueError, match=r"parameter \$\{missing\} has no value"):
        fill_placeholders("RETURN ${missing}", {})
    with pytest.raises(ValueError, match="holds a list and cannot go inside a string"):
        fill_placeholders('RETURN "${ids}"', values)
