"""Staging local edge files into Parquet, and uploading result folders to a local location."""

from __future__ import annotations

import bz2
import gzip
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graphmill.engine.loader import EdgeSource, load_graph
from graphmill.errors import TaskFailed
from graphmill.fs import FsConfig, parse_location, stage_edges, upload_dir
from graphmill.fs.transfer import ROW_GROUP_ROWS

CFG = FsConfig()


def stage(root: Path, name: str, **kwargs: Any) -> dict[str, list[Any]]:
    """Stage root/name and return the staged table as a dict of columns."""
    dest = root.parent / "staged" / "edges.parquet"
    out = stage_edges(parse_location(name, files_root=root), CFG, dest, **kwargs)
    assert out == dest
    assert not [p for p in dest.parent.iterdir() if p.name.endswith(".tmp")]
    result: dict[str, list[Any]] = pq.read_table(out).to_pydict()
    return result


def zstd(data: bytes) -> bytes:
    """data compressed as a zstd frame."""
    sink = pa.BufferOutputStream()
    with pa.CompressedOutputStream(sink, "zstd") as out:
        out.write(data)
    return bytes(sink.getvalue().to_pybytes())


# -- CSV -------------------------------------------------------------------------------------


def test_csv_with_header_keeps_names_and_strings(root: Path) -> None:
    """A headered CSV keeps its (trimmed) column names; every value stays a string."""
    (root / "e.csv").write_text(" src , dst ,weight\n1,2,0.5\n007,3,1e3\n")
    assert stage(root, "e.csv") == {"src": ["1", "007"], "dst": ["2", "3"], "weight": ["0.5", "1e3"]}


def test_headerless_csv_gets_positional_names(root: Path) -> None:
    """A headerless CSV's columns are f0, f1, …; quoted fields and empty lines are handled."""
    (root / "e.csv").write_text('1,2,0.5\n\n"a,b",3,1\n')
    assert stage(root, "e.csv") == {"f0": ["1", "a,b"], "f1": ["2", "3"], "f2": ["0.5", "1"]}


@pytest.mark.parametrize(
    ("text", "has_header", "first_column"),
    [
        ("src,dst\n1,2\n", None, {"src": ["1"]}),  # names over integers
        ("a,b\nc,d\n", None, {"f0": ["a", "c"]}),  # strings cannot be told apart: no header
        ("a,b,w\nc,d,1.5\n", None, {"a": ["c"]}),  # a word over a number in the weight column
        ("a,b,follow\nc,d,follow\n", None, {"f0": ["a", "c"]}),  # a label column is data
        ("a,b,w\n", None, {"a": []}),  # one row with a non-numeric weight: a header alone
        ("1,2\n3,4\n", None, {"f0": ["1", "3"]}),
        ("a,b\nc,d\n", True, {"a": ["c"]}),  # explicit wins
        ("src,dst\n1,2\n", False, {"f0": ["src", "1"]}),
    ],
)
def test_header_detection(
    root: Path, text: str, has_header: bool | None, first_column: dict[str, Any]
) -> None:
    """The header rule follows the loader's; has_header overrides it."""
    (root / "e.csv").write_text(text)
    got = stage(root, "e.csv", has_header=has_header)
    name = next(iter(first_column))
    assert got[name] == first_column[name]


def test_bom_and_tab_delimiter(root: Path) -> None:
    """A UTF-8 byte-order mark is dropped and other delimiters work."""
    (root / "e.tsv").write_bytes(b"\xef\xbb\xbfsrc\tdst\nx\ty\n")
    assert stage(root, "e.tsv", delimiter="\t", has_header=True) == {"src": ["x"], "dst": ["y"]}
    (root / "f.tsv").write_bytes(b"\xef\xbb\xbfx\ty\n")
    assert stage(root, "f.tsv", delimiter="\t", has_header=False) == {"f0": ["x"], "f1": ["y"]}


def test_gzip_by_suffix_and_by_magic(root: Path) -> None:
    """CSV.gz is decompressed on the fly, whether the name says so or not."""
    data = b"src,dst\n1,2\n3,4\n"
    (root / "e.csv.gz").write_bytes(gzip.compress(data))
    (root / "part-00000").write_bytes(gzip.compress(data))
    want = {"src": ["1", "3"], "dst": ["2", "4"]}
    assert stage(root, "e.csv.gz") == want
    assert stage(root, "part-00000") == want


def test_bzip2_and_zstd(root: Path) -> None:
    """bzip2 and zstd input are recognised by their magic bytes."""
    (root / "e.csv.bz2").write_bytes(bz2.compress(b"1,2\n"))
    (root / "e.zst").write_bytes(zstd(b"3,4\n"))
    assert stage(root, "e.csv.bz2") == {"f0": ["1"], "f1": ["2"]}
    assert stage(root, "e.zst") == {"f0": ["3"], "f1": ["4"]}


def test_gz_name_on_plain_text_is_an_error(root: Path) -> None:
    """A .gz name on uncompressed content is reported, not guessed around."""
    (root / "e.csv.gz").write_text("1,2\n")
    with pytest.raises(TaskFailed, match=r"e\.csv\.gz: the name says gzip but the content is not"):
        stage(root, "e.csv.gz")


def test_ragged_rows_fail_and_leave_nothing(root: Path) -> None:
    """A row with a different field count fails naming the file; no output or temp file remains."""
    (root / "e.csv").write_text("1,2\n3,4,5\n")
    with pytest.raises(TaskFailed, match=r"e\.csv: cannot read file: CSV parse error: Expected 2 columns"):
        stage(root, "e.csv")
    assert list((root.parent / "staged").iterdir()) == []


def test_invalid_utf8_fails(root: Path) -> None:
    """Bytes that are not UTF-8 are an error naming the file."""
    (root / "e.csv").write_bytes(b"1,2\n\xff\xfe,3\n")
    with pytest.raises(TaskFailed, match=r"e\.csv: cannot read csv file: .*UTF8"):
        stage(root, "e.csv", format="csv")


def test_empty_and_header_only_files(root: Path) -> None:
    """An empty file gives f0,f1 with no rows; a header alone gives its names and no rows."""
    (root / "empty.csv").write_text("\n\n")
    (root / "head.csv").write_text("src,dst,w\n")
    assert stage(root, "empty.csv") == {"f0": [], "f1": []}
    assert stage(root, "head.csv", has_header=True) == {"src": [], "dst": [], "w": []}


def test_missing_input_and_bad_options(root: Path) -> None:
    """A missing file, a bad delimiter or format and non-positive sizes raise TaskFailed."""
    with pytest.raises(TaskFailed, match=r"nope\.csv does not exist"):
        stage(root, "nope.csv")
    (root / "e.csv").write_text("1,2\n")
    with pytest.raises(TaskFailed, match="delimiter"):
        stage(root, "e.csv", delimiter=";;")
    with pytest.raises(TaskFailed, match="unknown edge file format"):
        stage(root, "e.csv", format="json")
    with pytest.raises(TaskFailed, match="must be positive"):
        stage(root, "e.csv", block_size=0)


def test_explicit_format_is_obeyed(root: Path) -> None:
    """format="parquet" on a CSV file is a clear error; format="csv" reads a .parquet-named CSV."""
    (root / "e.csv").write_text("1,2\n")
    with pytest.raises(TaskFailed, match=r"e\.csv: cannot read parquet file: Parquet"):
        stage(root, "e.csv", format="parquet")
    (root / "odd.parquet").write_text("1,2\n")
    assert stage(root, "odd.parquet", format="csv") == {"f0": ["1"], "f1": ["2"]}


def test_a_row_longer_than_a_block_is_reported(root: Path) -> None:
    """A row that does not fit in block_size fails with Arrow's hint to raise it."""
    (root / "e.csv").write_text("a,b\n" + "x" * 5000 + ",y\n")
    with pytest.raises(TaskFailed, match="increase block size"):
        stage(root, "e.csv", has_header=False, block_size=1024)


def test_small_blocks_are_gathered_into_row_groups(root: Path) -> None:
    """Tiny CSV blocks (~800 rows) lose nothing, keep the order and are gathered into big row groups."""
    n = 3 * ROW_GROUP_ROWS
    lines = [f"{i},{i * 7 % 1000},{i / 4}" for i in range(n)]
    (root / "e.csv").write_text("\n".join(lines) + "\n")
    dest = root.parent / "out.parquet"
    stage_edges(parse_location("e.csv", files_root=root), CFG, dest, block_size=16 * 1024)
    pf = pq.ParquetFile(dest)
    sizes = [pf.metadata.row_group(i).num_rows for i in range(pf.metadata.num_row_groups)]
    assert len(sizes) >= 3
    assert all(size >= 50_000 for size in sizes[:-1]), sizes
    assert all(size < ROW_GROUP_ROWS + 2000 for size in sizes), sizes
    table = pf.read()
    assert table.column("f0").to_pylist() == [str(i) for i in range(n)]
    assert table.column("f2").to_pylist()[-1] == str((n - 1) / 4)


def test_existing_dest_is_replaced(root: Path) -> None:
    """Staging over an existing file replaces it."""
    (root / "a.csv").write_text("1,2\n")
    (root / "b.csv").write_text("3,4\n")
    stage(root, "a.csv")
    assert stage(root, "b.csv") == {"f0": ["3"], "f1": ["4"]}


# -- Parquet and folders ---------------------------------------------------------------------


def test_parquet_keeps_types_in_batches(root: Path) -> None:
    """Parquet input keeps its column names and types and is re-written batch by batch."""
    table = pa.table({"s": pa.array(range(1000), pa.int64()), "d": range(1, 1001), "w": [0.5] * 1000})
    pq.write_table(table, root / "e.parquet", row_group_size=100)
    dest = root.parent / "out.parquet"
    stage_edges(parse_location("e.parquet", files_root=root), CFG, dest, batch_rows=64)
    assert pq.read_table(dest).equals(table)


def test_parquet_detected_by_magic(root: Path) -> None:
    """A Parquet file without a .parquet name is recognised by its magic bytes."""
    pq.write_table(pa.table({"a": ["x"], "b": ["y"]}), root / "part-00000")
    assert stage(root, "part-00000") == {"a": ["x"], "b": ["y"]}


def test_folder_of_csv_parts_in_name_order(root: Path) -> None:
    """A folder stages its part files in name order; hidden files, _SUCCESS and subfolders are skipped."""
    out = root / "out"
    out.mkdir()
    (out / "part-00001.csv").write_text("3,4\n")
    (out / "part-00000.csv").write_text("1,2\n")
    (out / "part-00002.csv.gz").write_bytes(gzip.compress(b"5,6\n"))
    (out / "part-00003.csv").write_text("")  # an empty partition
    (out / "_SUCCESS").write_text("")
    (out / ".part-00000.csv.crc").write_text("junk")
    (out / "notes.txt").write_text("not data")
    (out / "sub").mkdir()
    (out / "sub" / "part-9.csv").write_text("9,9\n")
    assert stage(root, "out/") == {"f0": ["1", "3", "5"], "f1": ["2", "4", "6"]}


def test_folder_mixing_parquet_and_csv_casts_to_the_first(root: Path) -> None:
    """Later files are cast to the first file's types, positionally."""
    out = root / "out"
    out.mkdir()
    pq.write_table(pa.table({"src": ["a"], "dst": ["b"]}), out / "a.parquet")
    pq.write_table(pa.table({"x": [1], "y": [2]}), out / "b.parquet")
    (out / "c.csv").write_text("c,d\n")
    assert stage(root, "out", has_header=False) == {"src": ["a", "1", "c"], "dst": ["b", "2", "d"]}


def test_folder_with_different_widths_fails(root: Path) -> None:
    """A part file with another column count is an error naming both files."""
    out = root / "out"
    out.mkdir()
    (out / "part-0.csv").write_text("1,2\n")
    (out / "part-1.csv").write_text("1,2,3\n")
    with pytest.raises(TaskFailed, match=r"part-1\.csv has 3 columns but .*part-0\.csv has 2"):
        stage(root, "out")


def test_folder_with_uncastable_values_fails(root: Path) -> None:
    """A value that cannot take the first file's type is an error naming the column."""
    out = root / "out"
    out.mkdir()
    pq.write_table(pa.table({"s": [1], "d": [2]}), out / "a.parquet")
    (out / "b.csv").write_text("x,3\n")
    with pytest.raises(TaskFailed, match=r"b\.csv: column 's' cannot be converted to int64"):
        stage(root, "out")


def test_empty_folders(root: Path) -> None:
    """A folder of empty parts gives an empty table; a folder without data files is an error."""
    (root / "empties").mkdir()
    (root / "empties" / "part-0.csv").write_text("")
    assert stage(root, "empties") == {"f0": [], "f1": []}
    (root / "nothing").mkdir()
    (root / "nothing" / "_SUCCESS").write_text("")
    with pytest.raises(TaskFailed, match="folder without data files"):
        stage(root, "nothing")


def test_staged_csv_loads_like_the_csv(root: Path) -> None:
    """The engine's loader reads the staged Parquet as it reads the CSV: int ids, float weights."""
    (root / "e.csv").write_text("1,2,0.5\n2,3,1.5\n3,1,2\n")
    dest = root.parent / "e.parquet"
    stage_edges(parse_location("e.csv", files_root=root), CFG, dest)
    kwargs: dict[str, Any] = {"vid_type": None, "directed": True, "weighted": True, "cache_dir": None}
    staged = load_graph([EdgeSource(dest, "parquet", 0, 1, 2)], **kwargs)
    direct = load_graph([EdgeSource(root / "e.csv", "csv", 0, 1, 2, has_header=False)], **kwargs)
    assert staged.vid_type == direct.vid_type == "int64"
    assert staged.indptr.tolist() == direct.indptr.tolist()
    assert staged.indices.tolist() == direct.indices.tolist()
    assert staged.weights is not None
    assert direct.weights is not None
    assert staged.weights.tolist() == direct.weights.tolist()


# -- upload to a local location --------------------------------------------------------------


def result_folder(path: Path) -> Path:
    """A finished result folder like a worker writes."""
    path.mkdir(parents=True)
    (path / "part-00000.csv").write_text("1,0.5\n2,0.25\n")
    pq.write_table(pa.table({"vid": [1, 2], "value": [0.5, 0.25]}), path / "result.parquet")
    (path / "manifest.json").write_text(json.dumps({"files": ["part-00000.csv", "result.parquet"]}))
    (path / "logs").mkdir()
    (path / "logs" / "a.txt").write_text("log")
    return path


def test_upload_dir_to_a_local_location(root: Path, tmp_path: Path) -> None:
    """Every file is copied byte for byte, manifest.json last, and a stale manifest goes first."""
    src = result_folder(tmp_path / "result")
    dest = root / "analytics" / "1" / "tasks" / "t"
    dest.mkdir(parents=True)
    (dest / "manifest.json").write_text("stale")
    seen: list[tuple[str, bool]] = []

    def hook(uri: str) -> None:
        seen.append((uri, (dest / "manifest.json").exists()))

    loc = parse_location("analytics/1/tasks/t/", files_root=root)
    uris = upload_dir(src, loc, CFG, on_uploaded=hook, chunk_size=7)
    names = ["logs/a.txt", "part-00000.csv", "result.parquet", "manifest.json"]
    assert uris == [(dest / n).as_uri() for n in names]
    assert [s[0] for s in seen] == uris
    assert [s[1] for s in seen] == [False, False, False, True]
    for name in names:
        assert (dest / name).read_bytes() == (src / name).read_bytes()


def test_upload_dir_onto_itself_and_into_itself(root: Path) -> None:
    """Uploading a local folder onto itself copies nothing; into its own subfolder is refused."""
    src = result_folder(root / "r")
    uris = upload_dir(src, parse_location("r", files_root=root), CFG)
    assert uris[-1] == (src.resolve() / "manifest.json").as_uri()
    assert (src / "part-00000.csv").read_text() == "1,0.5\n2,0.25\n"
    with pytest.raises(TaskFailed, match="into its own subfolder"):
        upload_dir(src, parse_location("r/copy", files_root=root), CFG)


def test_upload_dir_errors(root: Path, tmp_path: Path) -> None:
    """A missing result folder, a bad chunk size or an unwritable target raise TaskFailed."""
    with pytest.raises(TaskFailed, match="does not exist"):
        upload_dir(tmp_path / "none", parse_location("x", files_root=root), CFG)
    src = result_folder(tmp_path / "result")
    with pytest.raises(TaskFailed, match="chunk_size"):
        upload_dir(src, parse_location("x", files_root=root), CFG, chunk_size=0)
    (root / "blocker").write_text("a file where a folder should be")
    with pytest.raises(TaskFailed, match=r"uploading .* failed"):
        upload_dir(src, parse_location("blocker/sub", files_root=root), CFG)
