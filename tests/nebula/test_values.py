"""Converting NebulaGraph values, built with nebula3-python's real thrift classes (no fake involved)."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pytest

from graphmill import errors
from graphmill.graphstore.nebula_values import cell, column_array, result_table, to_nebula_value
from tests.nebula.fakes import ttypes, value


def vertex(vid: object) -> ttypes.Value:
    return ttypes.Value(vVal=ttypes.Vertex(vid=value(vid), tags=[ttypes.Tag(name=b"player", props={})]))


def edge(src: object, dst: object, *, name: bytes = b"follow", rank: int = 0, type_: int = 5) -> ttypes.Edge:
    return ttypes.Edge(src=value(src), dst=value(dst), type=type_, name=name, ranking=rank, props={})


def test_scalars() -> None:
    assert cell(value(None)) is None
    assert cell(ttypes.Value()) is None  # EMPTY
    assert cell(value(True)) is True
    assert cell(value(7)) == 7
    assert cell(value(0.5)) == 0.5
    assert cell(value("中文")) == "中文"
    assert cell(value(b"\xff")) == "\ufffd"
    assert cell(ttypes.Value(dVal=ttypes.Date(year=2024, month=2, day=29))) == dt.date(2024, 2, 29)
    moment = ttypes.DateTime(year=2024, month=2, day=29, hour=1, minute=2, sec=3, microsec=4)
    assert cell(ttypes.Value(dtVal=moment)) == dt.datetime(2024, 2, 29, 1, 2, 3, 4, tzinfo=dt.UTC)
    assert cell(ttypes.Value(tVal=ttypes.Time(hour=1, minute=2, sec=3, microsec=0))) == "01:02:03.000000"


def test_graph_values() -> None:
    """Vertices become their vid; edges and paths their text form."""
    assert cell(vertex("player100")) == "player100"
    assert cell(vertex(100)) == 100
    assert (
        cell(ttypes.Value(eVal=edge("player100", "player101", rank=2))) == 'follow "player100"->"player101"@2'
    )
    # An edge met from its destination (GO … REVERSELY) has a negative type: shown as stored.
    assert cell(ttypes.Value(eVal=edge("b", "a", type_=-5))) == 'follow "a"->"b"@0'
    assert cell(ttypes.Value(eVal=edge(1, 2))) == "follow 1->2@0"
    path = ttypes.Path(
        src=ttypes.Vertex(vid=value("a"), tags=[]),
        steps=[
            ttypes.Step(
                dst=ttypes.Vertex(vid=value("b"), tags=[]), type=5, name=b"follow", ranking=0, props={}
            ),
            ttypes.Step(
                dst=ttypes.Vertex(vid=value("c"), tags=[]), type=-6, name=b"serve", ranking=1, props={}
            ),
        ],
    )
    assert cell(ttypes.Value(pVal=path)) == '("a")-[:follow@0]->("b")<-[:serve@1]-("c")'


def test_collections_are_json() -> None:
    items = ttypes.NList(
        values=[value(1), value("x"), value(None), vertex("v"), ttypes.Value(eVal=edge("a", "b"))]
    )
    assert json.loads(str(cell(ttypes.Value(lVal=items)))) == [1, "x", None, "v", 'follow "a"->"b"@0']
    mapping = ttypes.NMap(kvs={b"b": value(2.5), b"a": ttypes.Value(lVal=ttypes.NList(values=[value(True)]))})
    assert json.loads(str(cell(ttypes.Value(mVal=mapping)))) == {"a": [True], "b": 2.5}
    day = ttypes.Value(dVal=ttypes.Date(year=2024, month=1, day=2))
    assert json.loads(str(cell(ttypes.Value(uVal=ttypes.NSet(values={day}))))) == ["2024-01-02"]


def test_other_values_use_nebula3_text() -> None:
    duration = ttypes.Value(duVal=ttypes.Duration(seconds=90, microseconds=0, months=1))
    assert isinstance(cell(duration), str)
    assert cell(duration)


def test_column_types() -> None:
    assert column_array([True, None]).type == pa.bool_()
    assert column_array([1, None, 2]).type == pa.int64()
    assert column_array([1, 2.5, None]).to_pylist() == [1.0, 2.5, None]
    assert column_array([2**62, 0.5]).type == pa.float64()  # big ints do not break the float column
    assert column_array(["a", None]).type == pa.string()
    assert column_array([None, None]).type == pa.string()
    assert column_array([dt.date(2024, 1, 1)]).type == pa.date32()
    assert column_array([dt.datetime(2024, 1, 1, tzinfo=dt.UTC)]).type == pa.timestamp("us", tz="UTC")
    # Mixed kinds: text, each cell in its text form.
    assert column_array([1, "a", True, None, dt.date(2024, 1, 1)]).to_pylist() == [
        "1",
        "a",
        "true",
        None,
        "2024-01-01",
    ]


def test_result_table() -> None:
    rows = [
        [value("player100"), value(42), vertex("player100")],
        [value("player101"), value(None), vertex("x")],
    ]
    table = result_table(["name", "age", "v"], rows)
    assert table.column_names == ["name", "age", "v"]
    assert table.to_pydict() == {
        "name": ["player100", "player101"],
        "age": [42, None],
        "v": ["player100", "x"],
    }
    assert result_table(["a"], []).num_rows == 0


def test_parameters() -> None:
    """Python values become the nebula3 Values execute_parameter takes."""
    assert to_nebula_value(None).get_nVal() == ttypes.NullType.__NULL__
    assert to_nebula_value(True).get_bVal() is True
    assert to_nebula_value(5).get_iVal() == 5
    assert to_nebula_value(0.5).get_fVal() == 0.5
    assert to_nebula_value("ü").get_sVal() == "ü".encode()
    stamp = to_nebula_value(
        dt.datetime(2024, 1, 2, 5, 4, 5, 6, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    ).get_dtVal()
    assert (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.sec, stamp.microsec) == (
        2024,
        1,
        2,
        3,
        4,
        5,
        6,
    )
    day = to_nebula_value(dt.date(2024, 1, 2)).get_dVal()
    assert (day.year, day.month, day.day) == (2024, 1, 2)
    assert to_nebula_value(dt.time(1, 2, 3)).get_tVal().sec == 3
    listed = to_nebula_value(["a", 1]).get_lVal().values
    assert [v.get_sVal() for v in listed[:1]] + [listed[1].get_iVal()] == [b"a", 1]
    assert to_nebula_value({"k": 1}).get_mVal().kvs[b"k"].get_iVal() == 1
    # And they read back as what was given.
    assert cell(to_nebula_value("x")) == "x"


@pytest.mark.parametrize(
    ("param", "message"),
    [
        (2**63, "out of the int64 range"),
        ({1: "x"}, "map keys must be strings"),
        ({"a", "b"}, "a set cannot be passed"),
        (b"raw", "a bytes cannot be passed"),
        ([object()], r"parameter 'p\[0\]': a object cannot be passed"),
    ],
)
def test_parameter_refusals(param: object, message: str) -> None:
    with pytest.raises(errors.TaskFailed, match=message):
        to_nebula_value(param, name="p")
