"""Result files: NA number formats, manifest, atomic layout, sample rows."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graphmill import errors
from graphmill.engine import results
from graphmill.engine.results import format_column, read_manifest, read_result_rows, write_result


def test_six_decimals() -> None:
    """Doubles get exactly six decimals, as C's %.6f writes them."""
    values = [0.15, 1.0, 2.5e-7, 7.5e-7, -0.0, -1e-9, 123456789.123456789, 1e40, float("inf"), float("nan")]
    text = format_column(pa.array(values)).to_pylist()
    assert text == [f"{v:.6f}" for v in values]
    assert text[:2] == ["0.150000", "1.000000"]


def test_roundtrip_format() -> None:
    """The roundtrip format parses back to the same doubles."""
    values = [0.1, 1 / 3, 1e-300, 123456789.123456789, float("inf")]
    text = format_column(pa.array(values), "roundtrip").to_pylist()
    assert [float(t) for t in text] == values


def test_ints_and_strings() -> None:
    """Ints stay ints; strings are quoted only when they need it."""
    assert format_column(pa.array([1, -2, 2**62])).to_pylist() == ["1", "-2", str(2**62)]
    assert format_column(pa.array(["player100", "a,b", 'say "hi"', "two\nlines", ""])).to_pylist() == [
        "player100",
        '"a,b"',
        '"say ""hi"""',
        '"two\nlines"',
        "",
    ]


def test_write_result_layout(tmp_path: Path) -> None:
    """CSV without header, full-precision Parquet and a manifest are written."""
    table = pa.table({"VID": pa.array(["player100", "player101"]), "VALUE": pa.array([0.15, 1 / 3])})
    manifest = write_result(table, tmp_path)
    assert manifest == results.ResultManifest(["VID", "VALUE"], ["string", "double"], 2, ["part-00000.csv"])
    assert (tmp_path / "part-00000.csv").read_text() == "player100,0.150000\nplayer101,0.333333\n"
    assert pq.read_table(tmp_path / "result.parquet").column("VALUE").to_pylist() == [0.15, 1 / 3]
    assert json.loads((tmp_path / "manifest.json").read_text()) == {
        "columns": ["VID", "VALUE"],
        "types": ["string", "double"],
        "rows": 2,
        "files": ["part-00000.csv"],
    }
    assert read_manifest(tmp_path) == manifest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json", "part-00000.csv", "result.parquet"]


def test_int_vids_and_counts(tmp_path: Path) -> None:
    """int64 vertex ids and integer columns are written as integers."""
    table = pa.table({"ROOT": pa.array([100], pa.int64()), "VISITED": pa.array([42], pa.int64())})
    manifest = write_result(table, tmp_path)
    assert manifest.types == ["int64", "int64"]
    assert (tmp_path / "part-00000.csv").read_text() == "100,42\n"


def test_graphalytics_precision(tmp_path: Path) -> None:
    """float_format='roundtrip' keeps full precision in the CSV."""
    write_result(pa.table({"VID": [1], "VALUE": [1 / 3]}), tmp_path, float_format="roundtrip")
    assert float((tmp_path / "part-00000.csv").read_text().split(",")[1]) == 1 / 3


def test_empty_table(tmp_path: Path) -> None:
    """An empty result has an empty CSV and rows=0."""
    manifest = write_result(pa.table({"VID": pa.array([], pa.int64())}), tmp_path)
    assert manifest.rows == 0
    assert (tmp_path / "part-00000.csv").read_bytes() == b""
    assert read_result_rows(tmp_path, 10) == []


def test_no_manifest_until_complete(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If writing fails midway no manifest is visible, the old one is withdrawn, and no temp dir remains."""
    write_result(pa.table({"VID": [1]}), tmp_path)
    real_replace = os.replace

    def failing_replace(src: Any, dst: Any) -> None:
        if Path(dst).name == "manifest.json":
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        write_result(pa.table({"VID": [2]}), tmp_path)
    assert not (tmp_path / "manifest.json").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp")]
    with pytest.raises(errors.NotFound):
        read_result_rows(tmp_path, 10)


def test_rewrite_replaces(tmp_path: Path) -> None:
    """Writing again into the same directory replaces the previous result."""
    write_result(pa.table({"VID": [1, 2, 3]}), tmp_path)
    write_result(pa.table({"VID": [9]}), tmp_path)
    assert read_result_rows(tmp_path, 10) == [["9"]]
    assert read_manifest(tmp_path).rows == 1


def test_read_result_rows_limit(tmp_path: Path) -> None:
    """read_result_rows returns the first `limit` rows as CSV strings."""
    table = pa.table(
        {"VID": pa.array([f"v{i}" for i in range(100)]), "VALUE": pa.array([i / 8 for i in range(100)])}
    )
    write_result(table, tmp_path)
    assert read_result_rows(tmp_path, 3) == [["v0", "0.000000"], ["v1", "0.125000"], ["v2", "0.250000"]]
    assert len(read_result_rows(tmp_path, 1000)) == 100
    assert read_result_rows(tmp_path, 0) == []


def test_read_result_rows_unquotes(tmp_path: Path) -> None:
    """Quoted cells come back as their values."""
    write_result(pa.table({"VID": ["a,b"], "LABEL": ['q"x']}), tmp_path)
    assert read_result_rows(tmp_path, 5) == [["a,b", 'q"x']]


def test_missing_result(tmp_path: Path) -> None:
    """Reading a directory without a result is NotFound."""
    with pytest.raises(errors.NotFound):
        read_result_rows(tmp_path / "nothing", 5)


def test_multi_batch_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables larger than one formatting batch are written completely and in order."""
    monkeypatch.setattr(results, "_BATCH_ROWS", 7)
    n = 50
    write_result(pa.table({"VID": list(range(n)), "VALUE": [i * 0.5 for i in range(n)]}), tmp_path)
    lines = (tmp_path / "part-00000.csv").read_text().splitlines()
    assert lines == [f"{i},{i * 0.5:.6f}" for i in range(n)]
