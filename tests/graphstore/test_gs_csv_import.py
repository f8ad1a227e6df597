"""Unit tests of the CSV folder importer."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from graphmill import errors
from graphmill.graphstore.base import PropDef
from graphmill.graphstore.csv_import import read_csv_dir


def folder(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def test_tags_and_edges_told_apart_by_header(tmp_path: Path) -> None:
    """`vid,…` files are tags, `src,dst,…` files are edge types; other files are ignored."""
    data = read_csv_dir(
        folder(
            tmp_path,
            {
                "person.csv": "vid,name\na,Ann\nb,Bob\n",
                "knows.csv": "src,dst,since\na,b,2001\n",
                "notes.txt": "not,a,csv\n",
            },
        )
    )
    assert data.tags == {"person": (PropDef("name", "string"),)}
    assert data.edges == {"knows": (PropDef("since", "int64"),)}
    assert data.edge_tables["knows"].to_pylist() == [{"src": "a", "dst": "b", "rank": 0, "since": 2001}]


def test_property_types_are_inferred(tmp_path: Path) -> None:
    """Columns become int64, double, bool or string; empty numbers are NULL, empty strings stay ''."""
    data = read_csv_dir(
        folder(
            tmp_path,
            {"t.csv": "vid,i,f,b,s,e,z\nx,1,1,true,a,,\ny,,2.5,False,,,\nz,-3,1e2,TRUE,0,,\n"},
        )
    )
    assert data.tags["t"] == (
        PropDef("i", "int64"),
        PropDef("f", "double"),
        PropDef("b", "bool"),
        PropDef("s", "string"),
        PropDef("e", "string"),
        PropDef("z", "string"),
    )
    assert data.vertices["t"].to_pylist()[1] == {
        "vid": "y",
        "i": None,
        "f": 2.5,
        "b": False,
        "s": "",
        "e": "",
        "z": "",
    }
    assert data.vertices["t"]["s"].to_pylist() == ["a", "", "0"]


def test_int_vids_are_inferred_unless_told(tmp_path: Path) -> None:
    """All-integer vids make an int64 space; vid_type='string' keeps them strings."""
    path = folder(tmp_path, {"t.csv": "vid,a\n1,x\n2,y\n", "e.csv": "src,dst,rank,w\n1,2,7,0.5\n2,3,0,1\n"})
    data = read_csv_dir(path)
    assert data.vid_type == "int64"
    assert data.edge_tables["e"].schema.field("src").type == pa.int64()
    assert data.edge_tables["e"].to_pylist()[0] == {"src": 1, "dst": 2, "rank": 7, "w": 0.5}
    as_strings = read_csv_dir(path, vid_type="string")
    assert as_strings.vid_type == "string"
    assert as_strings.vertices["t"]["vid"].to_pylist() == ["1", "2"]
    assert as_strings.vertices["t"].schema.field("vid").type == pa.large_string()


def test_one_string_vid_makes_the_space_string(tmp_path: Path) -> None:
    """A single non-integer vid anywhere makes every vid a string; vid_type='int64' then fails."""
    path = folder(tmp_path, {"t.csv": "vid\n1\n2\n", "e.csv": "src,dst\n1,x2\n"})
    assert read_csv_dir(path).vid_type == "string"
    with pytest.raises(errors.ParamError, match=r"e\.csv: a vid is not an int64"):
        read_csv_dir(path, vid_type="int64")


def test_types_are_inferred_over_the_whole_file(tmp_path: Path) -> None:
    """A value past pyarrow's first block still widens the type (int64 → double)."""
    lines = [f"v{i},{i}" for i in range(150_000)] + ["last,0.5"]
    path = folder(tmp_path, {"t.csv": "vid,x\n" + "\n".join(lines) + "\n"})
    assert (path / "t.csv").stat().st_size > 1 << 20
    data = read_csv_dir(path)
    assert data.tags["t"] == (PropDef("x", "double"),)
    assert data.vertices["t"].num_rows == 150_001
    assert data.vertices["t"]["x"][-1].as_py() == 0.5


def test_repeated_keys_keep_the_last_row(tmp_path: Path) -> None:
    """As in NebulaGraph, a repeated vid or (src, dst, rank) keeps the last row."""
    data = read_csv_dir(
        folder(tmp_path, {"t.csv": "vid,a\nx,1\nx,2\n", "e.csv": "src,dst,rank\nx,y,0\nx,y,0\nx,y,1\n"})
    )
    assert data.vertices["t"].to_pylist() == [{"vid": "x", "a": 2}]
    assert data.edge_tables["e"].num_rows == 2


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"t.csv": "id,a\n1,2\n"}, "cannot tell whether it holds a tag or an edge"),
        ({"e.csv": "src,dst,rank\na,b,x\n"}, "'rank' holds a value that is not an int64"),
        ({"t.csv": "vid,a\n,1\n"}, "column 'vid' has an empty value"),
        ({"t.csv": "vid,a,a\n1,2,3\n"}, "repeats a column"),
        ({"bad`name.csv": "vid\n1\n"}, "invalid tag or edge name 'bad`name': it holds a back-quote"),
        ({"e.csv": "src,dst,_rank\n1,2,3\n"}, "reserved"),
        ({"readme.md": "hello\n"}, "holds no .csv file"),
    ],
)
def test_invalid_folders(tmp_path: Path, files: dict[str, str], message: str) -> None:
    """Folders that cannot be imported are parameter errors naming the problem."""
    with pytest.raises(errors.ParamError, match=message):
        read_csv_dir(folder(tmp_path, files))


def test_upper_case_suffix(tmp_path: Path) -> None:
    """`.CSV` files count too; the tag name is the file name without its suffix."""
    data = read_csv_dir(folder(tmp_path, {"t.csv": "vid\n1\n", "U.CSV": "vid\n2\n"}))
    assert set(data.tags) == {"t", "U"}


def test_missing_folder(tmp_path: Path) -> None:
    """A path that is not a folder is a parameter error."""
    with pytest.raises(errors.ParamError, match="is not a folder"):
        read_csv_dir(tmp_path / "nope")
