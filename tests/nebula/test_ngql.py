"""nGQL literals and write-back statements (pure functions, no cluster, no fake)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from graphmill import errors
from graphmill.formats.ngql_strings import unescape
from graphmill.graphstore.nebula_ngql import (
    canonical_type,
    fetch_ids_statement,
    float_literal,
    insert_statement,
    is_quotable_name,
    prop_family,
    quote_name,
    string_literal,
    update_statement,
    value_literal,
    vid_literal,
    vid_type_of,
    write_back_batches,
)

NASTY = [
    "",
    "plain",
    'say "hi"',
    "it's",
    "back\\slash",
    "\\",
    "\\101 not octal",
    "\\u0041 not unicode",
    'end with backslash \\"',
    "line\nbreak\r\n",
    "tab\tbell\x07 form\x0c bs\x08",
    "中文 ünïcödé 🚀",
    '"; DROP SPACE nba; "',
    "`backtick`",
    "${name} $param",
]


@pytest.mark.parametrize("text", NASTY)
def test_string_literal_round_trips(text: str) -> None:
    """Every string reads back as itself (with the C-style unescaping NebulaGraph's lexer does)."""
    literal = string_literal(text)
    assert literal.startswith('"')
    assert literal.endswith('"')
    body = literal[1:-1]
    assert "\n" not in body
    assert "\r" not in body
    # No unescaped quote inside: every '"' is preceded by an odd run of backslashes.
    i = 0
    while i < len(body):
        if body[i] == "\\":
            i += 2
            continue
        assert body[i] != '"', f"unescaped quote at {i} in {literal}"
        i += 1
    assert unescape(body) == text


def test_string_literal_never_forms_numeric_escapes() -> None:
    """A backslash is always doubled, so '\\101' cannot become the octal escape for 'A'."""
    assert string_literal("\\101") == '"\\\\101"'
    assert string_literal("\\u0041") == '"\\\\u0041"'


def test_string_literal_refusals() -> None:
    with pytest.raises(ValueError, match="NUL"):
        string_literal("a\x00b")
    with pytest.raises(ValueError, match="not valid Unicode"):
        string_literal("lone \ud800 surrogate")


def test_names() -> None:
    assert quote_name("tag", "player") == "`player`"
    assert quote_name("tag", "Match_2") == "`Match_2`"  # keywords are fine back-quoted
    assert quote_name("tag", "球员") == "`球员`"
    # What NebulaGraph 3 takes back-quoted: spaces, punctuation, non-ASCII (issue 14, item 6).
    for good in ("_x", "1x", "a b", "a;b", "a-b", "a.b", "é", "¥%特殊 字符&*+-*/"):
        assert quote_name("tag", good) == f"`{good}`"
    for bad in ("", " ", "a`b", "x\n", "a\rb", "a\x00b"):
        assert not is_quotable_name(bad)
        with pytest.raises(ValueError, match="cannot be written"):
            quote_name("property", bad)


def test_float_literal() -> None:
    assert float_literal(1.0) == "1.0"
    assert float_literal(0.1) == "0.1"
    assert float_literal(1e-05) == "1e-05"
    assert float_literal(1e16) == "1e+16"
    assert float_literal(-2.5) == "-2.5"
    assert float(float_literal(0.1 + 0.2)) == 0.1 + 0.2
    for bad in (float("nan"), float("inf"), -float("inf")):
        with pytest.raises(ValueError, match="no nGQL literal"):
            float_literal(bad)


@pytest.mark.parametrize(
    ("value", "type_name", "literal"),
    [
        (None, "double", "NULL"),
        (3, "int64", "3"),
        (3.0, "int", "3"),
        (-128, "int8", "-128"),
        (-(2**63), "int64", str(-(2**63))),
        (3, "double", "3.0"),
        (0.25, "float", "0.25"),
        ('x"y', "string", '"x\\"y"'),
        ("abc", "fixed_string(20)", '"abc"'),
        (42, "string", '"42"'),
        (0.5, "string", '"0.5"'),
        (True, "string", '"true"'),
        (False, "bool", "false"),
        (1700000000, "timestamp", "1700000000"),
        (dt.datetime(2023, 11, 14, 22, 13, 20), "timestamp", "1700000000"),
        ("2023-11-14T22:13:20", "timestamp", 'timestamp("2023-11-14T22:13:20")'),
        (dt.date(2024, 2, 29), "date", 'date("2024-02-29")'),
        (dt.datetime(2024, 2, 29, 1, 2, 3), "datetime", 'datetime("2024-02-29T01:02:03.000000")'),
        (
            dt.datetime(2024, 2, 29, 3, 2, 3, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            "datetime",
            'datetime("2024-02-29T01:02:03.000000")',
        ),
        (dt.time(1, 2, 3, 4), "time", 'time("01:02:03.000004")'),
    ],
)
def test_value_literal(value: object, type_name: str, literal: str) -> None:
    assert value_literal(value, type_name) == literal


@pytest.mark.parametrize(
    ("value", "type_name", "message"),
    [
        (128, "int8", "out of the range of int8"),
        (2**63, "int64", "out of the range"),
        (1.5, "int64", "not a valid int64"),
        (True, "int64", "not a valid int64"),
        ("3", "int64", "not a valid int64"),
        (True, "double", "not a valid double"),
        (float("nan"), "double", "no nGQL literal"),
        ([1], "string", "not a valid string"),
        (1, "bool", "not a valid bool"),
        (dt.datetime(2024, 1, 1), "date", "not a valid date"),
        ("P1D", "duration", "cannot write properties of type duration"),
        ("POINT(1 2)", "geography(point)", "cannot write properties of type geography"),
    ],
)
def test_value_literal_refusals(value: object, type_name: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        value_literal(value, type_name)


def test_vid_literal() -> None:
    assert vid_literal("player100", "string") == '"player100"'
    assert vid_literal('a"b', "string") == '"a\\"b"'
    assert vid_literal(100, "string") == '"100"'
    assert vid_literal(100, "int64") == "100"
    assert vid_literal(" -7 ", "int64") == "-7"
    assert vid_literal(7.0, "int64") == "7"
    for bad, vid_type in [(None, "string"), ("", "string"), (True, "int64"), ("x", "int64"), (1.5, "int64")]:
        with pytest.raises(ValueError, match=r"."):
            vid_literal(bad, vid_type)  # type: ignore[arg-type]


def test_types() -> None:
    assert vid_type_of("FIXED_STRING(32)") == "string"
    assert vid_type_of("INT64") == "int64"
    with pytest.raises(ValueError, match="unknown vid type"):
        vid_type_of("UUID")
    assert canonical_type("INT") == "int64"
    assert canonical_type("FIXED_STRING(8)") == "fixed_string(8)"
    assert canonical_type("geography(point)") == "geography(point)"
    assert [prop_family(t) for t in ("int32", "float", "fixed_string(3)", "bool", "date")] == [
        "int",
        "float",
        "string",
        "bool",
        "date",
    ]


def test_statements() -> None:
    rows = [('"a"', ["1.5", "NULL"]), ('"b"', ["2.0", "3"])]
    assert (
        insert_statement("algo", ["pagerank", "cluster"], rows)
        == 'INSERT VERTEX `algo`(`pagerank`, `cluster`) VALUES "a":(1.5, NULL), "b":(2.0, 3)'
    )
    assert (
        update_statement("algo", '"a"', ["pagerank", "cluster"], ["1.5", "NULL"])
        == 'UPDATE VERTEX ON `algo` "a" SET `pagerank` = 1.5, `cluster` = NULL'
    )


def results_table() -> pa.Table:
    return pa.table(
        {
            "vid": ["p1", "p2", 'p"3', "p4", "p5"],
            "value": [0.5, 0.25, None, 1.0, 2.0],
            "cluster": pa.array([1, 2, 2, 3, 3], pa.int64()),
        }
    )


def test_insert_batches() -> None:
    """batch_size rows per INSERT statement, every value rendered for the tag's type."""
    batches = list(
        write_back_batches(
            results_table(),
            tag="algo",
            props=["pagerank", "cluster"],
            prop_types=["double", "int64"],
            vid_type="string",
            mode="insert",
            batch_size=2,
        )
    )
    assert [(b.first_row, b.rows) for b in batches] == [(0, 2), (2, 2), (4, 1)]
    assert [b.text for b in batches] == [
        'INSERT VERTEX `algo`(`pagerank`, `cluster`) VALUES "p1":(0.5, 1), "p2":(0.25, 2)',
        'INSERT VERTEX `algo`(`pagerank`, `cluster`) VALUES "p\\"3":(NULL, 2), "p4":(1.0, 3)',
        'INSERT VERTEX `algo`(`pagerank`, `cluster`) VALUES "p5":(2.0, 3)',
    ]


def test_update_batches() -> None:
    """update: one UPDATE per row, a batch's statements joined by ';' into one request."""
    batches = list(
        write_back_batches(
            results_table().select(["vid", "cluster"]),
            tag="algo",
            props=["cluster"],
            prop_types=["int64"],
            vid_type="string",
            mode="update",
            batch_size=3,
        )
    )
    assert [b.text for b in batches] == [
        'UPDATE VERTEX ON `algo` "p1" SET `cluster` = 1; UPDATE VERTEX ON `algo` "p2" SET `cluster` = 2; '
        'UPDATE VERTEX ON `algo` "p\\"3" SET `cluster` = 2',
        'UPDATE VERTEX ON `algo` "p4" SET `cluster` = 3; UPDATE VERTEX ON `algo` "p5" SET `cluster` = 3',
    ]


def test_int_vids_and_empty_table() -> None:
    table = pa.table({"vid": pa.array([1, -2], pa.int64()), "v": [1.0, 2.0]})
    (batch,) = write_back_batches(
        table, tag="t", props=["v"], prop_types=["double"], vid_type="int64", mode="insert", batch_size=100
    )
    assert batch.text == "INSERT VERTEX `t`(`v`) VALUES 1:(1.0), -2:(2.0)"
    assert not list(
        write_back_batches(
            table.slice(0, 0),
            tag="t",
            props=["v"],
            prop_types=["double"],
            vid_type="int64",
            mode="insert",
            batch_size=1,
        )
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "upsert"}, "write mode must be 'insert' or 'update'"),
        ({"batch_size": 0}, "batch size must be at least 1"),
        (
            {"props": ["pagerank", "cluster", "x"], "prop_types": ["double", "int64", "int64"]},
            r"3 column\(s\) \(vid, value, cluster\)",
        ),
        ({"props": [], "prop_types": []}, "no property to write"),
        ({"prop_types": ["double"]}, "2 properties but 1 types"),
        ({"tag": "al`go"}, "tag name 'al`go' cannot be written"),
        ({"props": ["pagerank", "clu`ster"]}, "property name 'clu`ster' cannot be written"),
        (
            {"prop_types": ["int64", "int64"]},
            r"row 1 \(vertex 'p1'\), column 'value': .*'pagerank'.*not a valid int64",
        ),
        (
            {"vid_type": "int64"},
            "row 1, column 'vid': cannot write vertex id: 'p1' is not an int64 vertex id",
        ),
    ],
)
def test_write_back_refusals(kwargs: dict[str, object], message: str) -> None:
    """Bad arguments and values that do not fit fail with TaskFailed before any text is yielded."""
    arguments: dict[str, object] = {
        "tag": "algo",
        "props": ["pagerank", "cluster"],
        "prop_types": ["double", "int64"],
        "vid_type": "string",
        "mode": "insert",
        "batch_size": 10,
    }
    arguments.update(kwargs)
    with pytest.raises(errors.TaskFailed, match=message):
        list(write_back_batches(results_table(), **arguments))  # type: ignore[arg-type]


def test_bad_value_fails_its_batch_only_after_earlier_batches() -> None:
    """Batches are rendered lazily: rows before the bad one's batch are already yielded."""
    table = pa.table({"vid": ["a", "b", "c"], "v": [1.0, 2.0, float("inf")]})
    batches = write_back_batches(
        table, tag="t", props=["v"], prop_types=["double"], vid_type="string", mode="insert", batch_size=2
    )
    assert next(batches).rows == 2
    with pytest.raises(errors.TaskFailed, match=r"row 3 \(vertex 'c'\).*no nGQL literal"):
        next(batches)


def test_extra_columns_are_ignored() -> None:
    """Columns after the ones the properties take are not written (as in the embedded store)."""
    (batch,) = write_back_batches(
        results_table(),
        tag="algo",
        props=["pagerank"],
        prop_types=["double"],
        vid_type="string",
        mode="insert",
        batch_size=10,
    )
    assert batch.text.startswith('INSERT VERTEX `algo`(`pagerank`) VALUES "p1":(0.5), "p2":(0.25)')


def test_fetch_ids_statement() -> None:
    assert (
        fetch_ids_statement("algo", ['"a"', '"b\\"c"'])
        == 'FETCH PROP ON `algo` "a", "b\\"c" YIELD id(vertex) AS vid'
    )
