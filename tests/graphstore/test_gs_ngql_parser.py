"""Unit tests of the nGQL script tokenizer and parser."""

from __future__ import annotations

import datetime as dt
import io

import pyarrow as pa
import pytest

from graphmill import errors
from graphmill.formats.ngql_strings import unescape
from graphmill.graphstore.base import PropDef
from graphmill.graphstore.model import SpaceData
from graphmill.graphstore.ngql_import import parse_ngql
from graphmill.graphstore.ngql_lexer import NgqlSyntaxError, statements

HEADER = "create space s(vid_type=fixed_string(16));\nuse s;\n"


def parse(script: str) -> SpaceData:
    return parse_ngql("target", io.StringIO(script))


def rows(table: pa.Table) -> list[tuple[object, ...]]:
    return [tuple(row.values()) for row in table.to_pylist()]


def syntax_error(script: str) -> NgqlSyntaxError:
    with pytest.raises(NgqlSyntaxError) as caught:
        parse(script)
    return caught.value


def test_crlf_double_semicolon_console_commands() -> None:
    """CRLF line endings, `;;` and `:sleep` lines are handled; line numbers count CRLF lines."""
    script = (
        "drop space nba;\r\n"
        "create space nba(partition_num=10,replica_factor=1,vid_type=fixed_string(32));\r\n"
        ":sleep 20\r\nuse nba;\r\ncreate tag t(a int);\r\n:sleep 20\r\n"
        'insert vertex t(a) values "x":(1);;\r\ninsert vertex t(a) values "y":(2);'
    )
    data = parse(script)
    assert rows(data.vertices["t"]) == [("x", 1), ("y", 2)]
    lines = [s.line for s in statements(io.StringIO(script))]
    assert lines == [1, 2, 4, 5, 7, 8]


def test_keywords_are_case_insensitive() -> None:
    """Keywords may be written in any case; names keep theirs."""
    data = parse(
        "CREATE SPACE S(VID_TYPE = INT64);\nUSE S;\n"
        "CREATE TAG IF NOT EXISTS Person(Age INT, nick STRING NOT NULL);\n"
        'Insert Vertex Person(Age, nick) VALUES 7:(1, "a");'
    )
    assert data.vid_type == "int64"
    assert data.tags == {"Person": (PropDef("Age", "int64"), PropDef("nick", "string"))}


@pytest.mark.parametrize(
    ("option", "vid_type"),
    [("fixed_string(32)", "string"), ("int64", "int64"), ("INT", "int64"), ("FIXED_STRING( 8 )", "string")],
)
def test_create_space_vid_types(option: str, vid_type: str) -> None:
    """vid_type=fixed_string(N) gives string vids; int64 and INT give int64 vids."""
    data = parse(f"create space s(partition_num=1, replica_factor=1, vid_type={option});use s;")
    assert data.vid_type == vid_type


def test_space_without_vid_type_is_fixed_string_8() -> None:
    """A space created without vid_type has NebulaGraph's default fixed_string(8)."""
    parse('create space s; use s; create tag t(); insert vertex t() values "12345678":();')
    error = syntax_error('create space s; use s; create tag t(); insert vertex t() values "123456789":();')
    assert "fixed_string(8)" in error.detail


def test_drop_space_discards_earlier_definitions() -> None:
    """DROP SPACE of the script's space forgets everything defined before it."""
    data = parse(HEADER + "create tag old(a int);\ndrop space s;\n" + HEADER + "create tag new(b int);")
    assert list(data.tags) == ["new"]


def test_statements_for_another_space_are_an_error() -> None:
    """The script works on one space; USE of another name is refused with its line."""
    error = syntax_error(HEADER + "use other;")
    assert error.line == 3
    assert "'other'" in error.detail
    assert "'target'" in error.detail


def test_create_tag_and_edge_property_options() -> None:
    """Property definitions take NULL / NOT NULL / DEFAULT / COMMENT; schema options are accepted."""
    data = parse(
        HEADER + "create tag if not exists t(a int64 NULL DEFAULT 5 COMMENT 'an int', b string not null "
        'default "x", c double, d fixed_string(3), e bool default true) ttl_duration = 0, ttl_col = "";\n'
        "create tag if not exists t(z int);\n"
        "create edge e(w float default -1.5, s int8) comment = 'edge';\n"
        'insert vertex t(b) values "v":("given");\n'
        'insert vertex t(a, d) values "w":(NULL, "abcdef");\n'
        'insert edge e(s) values "v"->"w":(3);'
    )
    assert data.tags["t"] == (
        PropDef("a", "int64"),
        PropDef("b", "string"),
        PropDef("c", "double"),
        PropDef("d", "fixed_string(3)"),
        PropDef("e", "bool"),
    )
    assert data.edges["e"] == (PropDef("w", "float"), PropDef("s", "int8"))
    assert rows(data.vertices["t"]) == [
        ("v", 5, "given", None, None, True),
        ("w", None, "x", None, "abc", True),
    ]
    assert rows(data.edge_tables["e"]) == [("v", "w", 0, -1.5, 3)]


def test_not_null_without_default_must_be_given() -> None:
    """Leaving out a NOT NULL property without default is an error; giving it NULL too."""
    assert (
        "NOT NULL"
        in syntax_error(
            HEADER + 'create tag t(a int not null, b int);insert vertex t(b) values "v":(1);'
        ).detail
    )
    assert (
        "NOT NULL"
        in syntax_error(HEADER + 'create tag t(a int not null);insert vertex t(a) values "v":(NULL);').detail
    )


def test_indexes_are_checked_then_ignored() -> None:
    """CREATE TAG/EDGE INDEX is accepted when its tag/edge and properties exist, and stores nothing."""
    data = parse(
        HEADER + "create tag player(name string, age int);\ncreate edge follow(degree int);\n"
        "create tag index player_index_0 on player();\n"
        "create tag index if not exists i1 on player(name(20), age);\n"
        "create edge index follow_index on follow(degree) comment 'x';"
    )
    assert list(data.tags) == ["player"]
    assert list(data.edges) == ["follow"]
    assert "does not exist" in syntax_error(HEADER + "create tag index i on nope();").detail
    assert (
        "no property 'x'"
        in syntax_error(HEADER + "create tag t(a int);\ncreate tag index i on t(x(3));").detail
    )


def test_insert_vertex_several_tags_and_rows() -> None:
    """One INSERT may set several tags on several vids; values are split between the tags."""
    data = parse(
        HEADER + "create tag a(x int, y string);\ncreate tag b(z double);\n"
        'insert vertex a(x, y), b(z) values "v1":(1, "one", 1.5), "v2":(2, "two", -2);'
    )
    assert rows(data.vertices["a"]) == [("v1", 1, "one"), ("v2", 2, "two")]
    assert rows(data.vertices["b"]) == [("v1", 1.5), ("v2", -2.0)]


def test_later_insert_replaces_unless_if_not_exists() -> None:
    """A repeated vertex or edge replaces the earlier one, except with IF NOT EXISTS."""
    data = parse(
        HEADER + "create tag t(a int);\ncreate edge e(w int);\n"
        'insert vertex t(a) values "v":(1), "u":(1);\ninsert vertex t(a) values "v":(2);\n'
        'insert vertex if not exists t(a) values "u":(3), "n":(4);\n'
        'insert edge e(w) values "v"->"u":(1), "v"->"u"@1:(1);\ninsert edge e(w) values "v"->"u":(2);\n'
        'insert edge if not exists e(w) values "v"->"u"@1:(3);'
    )
    assert rows(data.vertices["t"]) == [("u", 1), ("v", 2), ("n", 4)]
    assert rows(data.edge_tables["e"]) == [("v", "u", 1, 1), ("v", "u", 0, 2)]


def test_insert_edge_ranks() -> None:
    """The rank follows `@` (negative allowed) and defaults to 0."""
    data = parse(
        HEADER + "create edge serve(start_year int, end_year int);\n"
        'insert edge serve(start_year, end_year) values "p"->"t"@20102012:(2010, 2012), "p"->"t":(1, 2), '
        '"p" -> "t" @ -7 : (3, 4);'
    )
    assert rows(data.edge_tables["serve"]) == [
        ("p", "t", 20102012, 2010, 2012),
        ("p", "t", 0, 1, 2),
        ("p", "t", -7, 3, 4),
    ]


def test_int64_vids() -> None:
    """In an int64 space vids are integers (negative allowed) and a string vid is an error."""
    data = parse(
        "create space s(vid_type=int64); use s; create tag t(a int); create edge e(w double);\n"
        "insert vertex t(a) values 1:(2), -3:(4);\ninsert edge e(w) values 1->2@0:(0.5), 2->-3:(1);"
    )
    assert data.vertices["t"].schema.field("vid").type == pa.int64()
    assert rows(data.vertices["t"]) == [(1, 2), (-3, 4)]
    assert rows(data.edge_tables["e"]) == [(1, 2, 0, 0.5), (2, -3, 0, 1.0)]
    error = syntax_error(
        'create space s(vid_type=int64); use s; create tag t(a int);\ninsert vertex t(a) values "x":(2);'
    )
    assert error.line == 2
    assert "int64" in error.detail


def test_string_literals_and_escapes() -> None:
    """Single and double quotes, apostrophes inside, and backslash escapes."""
    data = parse(
        HEADER + "create tag t(s string);\n"
        "insert vertex t(s) values \"a\":(\"Shaquille O'Neal\"), 'b':('say \"hi\"'), \"c\":('it\\'s'), "
        '"d":("tab\\tnew\\nline \\\\ \\"q\\" \\u");'
    )
    assert [r[1] for r in rows(data.vertices["t"])] == [
        "Shaquille O'Neal",
        'say "hi"',
        "it's",
        'tab\tnew\nline \\ "q" u',
    ]
    assert unescape(r"a\\b\'c") == "a\\b'c"


def test_numbers_booleans_and_null() -> None:
    """Ints (decimal, hex, negative), floats (with exponent), true/false and NULL convert per type."""
    data = parse(
        HEADER + "create tag t(i int, j int8, f double, g float, b bool, n string);\n"
        'insert vertex t(i, j, f, g, b, n) values "v":(-42, 0x7f, 1e3, -.5, TRUE, NULL), '
        '"w":(+7, -128, 3, 2.5, false, "x");'
    )
    assert rows(data.vertices["t"]) == [
        ("v", -42, 127, 1000.0, -0.5, True, None),
        ("w", 7, -128, 3.0, 2.5, False, "x"),
    ]


def test_dates_and_times() -> None:
    """date(), datetime() and timestamp() literals, or strings, fill date/datetime/timestamp props."""
    data = parse(
        HEADER + "create tag t(d date, dt datetime, ts timestamp);\n"
        'insert vertex t(d, dt, ts) values "v":(date("2020-01-02"), datetime("2020-01-02T03:04:05.5"), '
        'timestamp("2020-01-02T03:04:05")), "w":("2021-02-03", "2021-02-03T00:00:00", 86400);'
    )
    assert rows(data.vertices["t"]) == [
        (
            "v",
            dt.date(2020, 1, 2),
            dt.datetime(2020, 1, 2, 3, 4, 5, 500000),
            dt.datetime(2020, 1, 2, 3, 4, 5),
        ),
        ("w", dt.date(2021, 2, 3), dt.datetime(2021, 2, 3), dt.datetime(1970, 1, 2)),
    ]


def test_comments_of_every_kind() -> None:
    """#, //, -- and multi-line /* */ comments are skipped, also inside statements."""
    data = parse(
        "# a dump\n// made by hand\n-- really\n/* spanning\n two lines; with a semicolon */\n"
        + HEADER
        + "create tag t(a int); # trailing\n"
        'insert vertex t(a) /* inline */ values // here\n"v":(1);'
    )
    assert rows(data.vertices["t"]) == [("v", 1)]


def test_strings_may_span_lines() -> None:
    """A string literal may contain a newline."""
    data = parse(HEADER + 'create tag t(s string);\ninsert vertex t(s) values "v":("two\nlines");')
    assert rows(data.vertices["t"]) == [("v", "two\nlines")]


def test_bad_statement_reports_line_and_statement() -> None:
    """A statement that does not parse gives its line number and its text."""
    error = syntax_error(HEADER + 'create tag t(a int);\n\ninsert vertex t(a) valuez "v":(1);')
    assert error.line == 5
    assert error.detail.startswith("line 5: expected VALUES")
    assert 'insert vertex t(a) valuez "v":(1)' in error.detail
    assert isinstance(error, errors.BadRequest)


def test_wrong_typed_value_reports_line() -> None:
    """An int property given a string is an error naming the property and the line."""
    error = syntax_error(
        HEADER + "create tag player(name string, age int);\n"
        'insert vertex player(name, age) values\n"p":("Tim", "42");'
    )
    assert error.line == 5
    assert "'age'" in error.detail
    assert "int64" in error.detail


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ('insert vertex t(a) values "v":(300);', "out of range for int8"),
        ('insert vertex t(a) values "v":(1.5);', "float value"),
        ('insert vertex t(a) values "v":(1, 2);', "2 values given for 1 properties"),
        ('insert vertex t(b) values "v":(1);', "has no property 'b'"),
        ('insert vertex t(a, a) values "v":(1, 1);', "given twice"),
        ('insert vertex t(a) values "a-very-long-vertex-id":(1);', "longer than fixed_string(16)"),
        ('insert edge t(a) values "v"->"w":(1);', "edge 't' does not exist"),
        ('update vertex on t "v" set a = 1;', "unsupported statement 'update'"),
        ("create tag t(a int);", "'t' already exists"),
        ("create tag u(a time);", "unsupported property type 'time'"),
        ("create tag u(vid int);", "reserved"),
        ("create edge u(_RANK int);", "reserved"),
        ("create tag _vertex();", "clashes with a table reserved by graphmill"),
        ("create edge T(a int);", "clashes with tag 't'"),
        ("create tag u(a int, A int);", "declares property 'A' twice"),
        ("create tag index i on t(a) comment 'x' extra;", "unexpected 'extra'"),
    ],
)
def test_invalid_statements(statement: str, message: str) -> None:
    """Each kind of invalid statement is refused with a message that says why, on its line."""
    error = syntax_error(HEADER + "create tag t(a int8);\n" + statement)
    assert message in error.detail
    assert error.line == 4


def test_unknown_tag_in_insert() -> None:
    """INSERT VERTEX into a tag the script did not create is an error with its line."""
    error = syntax_error(HEADER + 'create tag t(a int);\ninsert vertex nope(a) values "v":(1);')
    assert error.line == 4
    assert "tag 'nope' does not exist" in error.detail


def test_statements_need_a_space() -> None:
    """Creating a tag before USE, or a script without CREATE SPACE, is an error."""
    assert "USE" in syntax_error("create space s; create tag t();").detail
    assert "creates no space" in syntax_error("# nothing\n").detail


def test_unterminated_string_is_an_error() -> None:
    """A string that never ends is reported with the line it starts on."""
    error = syntax_error(HEADER + 'create tag t(s string);\ninsert vertex t(s) values "v":("open);\n')
    assert error.line == 4
    assert "unterminated" in error.detail


def test_unexpected_character_is_an_error() -> None:
    """A character outside the language is reported with its line."""
    error = syntax_error(HEADER + "create tag t(a int) $;")
    assert error.line == 3
    assert "'$'" in error.detail
