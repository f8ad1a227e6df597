"""The HDFS code path, exercised up to pyarrow's HadoopFileSystem without any cluster."""

from __future__ import annotations

import ctypes.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, ClassVar

import pytest

from graphmill.errors import TaskFailed
from graphmill.fs.config import FsConfig, HdfsConfig
from graphmill.fs.filesystems import filesystem_for, hdfs_options, hdfs_runtime_problems
from graphmill.fs.uri import parse_location

HDFS_VARS = ("JAVA_HOME", "CLASSPATH", "ARROW_LIBHDFS_DIR", "HADOOP_HOME", "LD_LIBRARY_PATH")


class RecordingHadoopFileSystem:
    """Stands in for pyarrow.fs.HadoopFileSystem: records its arguments, connects nowhere."""

    calls: ClassVar[list[dict[str, Any]]] = []

    def __init__(self, host: str, port: int = 8020, **kwargs: Any) -> None:
        self.calls.append({"host": host, "port": port, **kwargs})


@pytest.fixture
def runtime_present(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An environment in which every HDFS prerequisite looks present (files are fakes)."""
    for name in HDFS_VARS:
        monkeypatch.delenv(name, raising=False)
    java = tmp_path / "jdk"
    (java / "lib" / "server").mkdir(parents=True)
    (java / "lib" / "server" / "libjvm.so").write_bytes(b"")
    native = tmp_path / "native"
    native.mkdir()
    (native / "libhdfs.so").write_bytes(b"")
    monkeypatch.setenv("JAVA_HOME", str(java))
    monkeypatch.setenv("ARROW_LIBHDFS_DIR", str(native))
    monkeypatch.setenv("CLASSPATH", "/opt/hadoop/share/hadoop/common/*")
    return tmp_path


@pytest.fixture
def runtime_absent(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An environment with no Java home contents, no libhdfs and no CLASSPATH."""
    for name in HDFS_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    return tmp_path


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> type[RecordingHadoopFileSystem]:
    """Replace pyarrow.fs.HadoopFileSystem by the recorder."""
    from pyarrow import fs as pafs

    RecordingHadoopFileSystem.calls = []
    monkeypatch.setattr(pafs, "HadoopFileSystem", RecordingHadoopFileSystem)
    return RecordingHadoopFileSystem


@pytest.mark.parametrize(
    ("uri", "config", "expected"),
    [
        ("hdfs://nn:9000/base", HdfsConfig(), {"host": "nn", "port": 9000}),
        ("hdfs://nn/base", HdfsConfig(user="root"), {"host": "nn", "port": 8020, "user": "root"}),
        (
            "hdfs:///base",
            HdfsConfig(user="u", kerb_ticket="/tmp/krb5cc"),
            {"host": "default", "port": 0, "user": "u", "kerb_ticket": "/tmp/krb5cc"},
        ),
    ],
)
def test_hdfs_options(root: Path, uri: str, config: HdfsConfig, expected: dict[str, Any]) -> None:
    """Host, port (8020 by default, 0 for fs.defaultFS), user and ticket reach pyarrow."""
    assert hdfs_options(parse_location(uri, files_root=root), config) == expected


def test_hdfs_options_refuse_other_schemes(root: Path) -> None:
    """hdfs_options is for hdfs:// locations only."""
    with pytest.raises(ValueError, match="not an HDFS location"):
        hdfs_options(parse_location("s3://b/k", files_root=root), HdfsConfig())


def test_filesystem_for_hdfs_passes_the_options(
    root: Path, runtime_present: Path, recorder: type[RecordingHadoopFileSystem]
) -> None:
    """With the runtime present, filesystem_for builds the client with the expected arguments."""
    loc = parse_location("hdfs://namenode:9000/base/analytics/1/tasks/t/", files_root=root)
    fs, path = filesystem_for(loc, FsConfig(hdfs=HdfsConfig(user="root")))
    assert isinstance(fs, RecordingHadoopFileSystem)
    assert path == "/base/analytics/1/tasks/t"
    assert recorder.calls == [{"host": "namenode", "port": 9000, "user": "root"}]
    assert hdfs_runtime_problems(dict(os.environ)) == []


def test_missing_runtime_is_reported_before_loading_anything(
    root: Path, runtime_absent: Path, recorder: type[RecordingHadoopFileSystem]
) -> None:
    """Without Java, libhdfs and CLASSPATH the error lists all three and pyarrow is not called."""
    loc = parse_location("hdfs://namenode:9000/x", files_root=root)
    with pytest.raises(TaskFailed) as info:
        filesystem_for(loc, FsConfig())
    text = str(info.value)
    assert text.startswith("HDFS is not available on this worker (hdfs://namenode:9000/x): ")
    assert f"JAVA_HOME={runtime_absent} contains no libjvm.so" in text
    assert "libhdfs.so not found" in text
    assert "ARROW_LIBHDFS_DIR" in text
    assert "CLASSPATH is not set" in text
    assert "hadoop classpath --glob" in text
    assert recorder.calls == []


def test_libhdfs_found_through_hadoop_home(runtime_absent: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """$HADOOP_HOME/lib/native/libhdfs.so counts as present."""
    native = runtime_absent / "hadoop" / "lib" / "native"
    native.mkdir(parents=True)
    (native / "libhdfs.so").write_bytes(b"")
    problems = hdfs_runtime_problems({"HADOOP_HOME": str(runtime_absent / "hadoop"), "CLASSPATH": "x"})
    assert problems == []


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Unable to load libjvm\ndlopen(/usr/lib/jvm/libjvm.so) failed", "set JAVA_HOME to a JDK or JRE"),
        ("Unable to load libhdfs\ndlopen(libhdfs.so) failed", "set ARROW_LIBHDFS_DIR"),
        (
            "HDFS connection failed\nmore detail",
            "cannot connect to HDFS at namenode:9000: HDFS connection failed",
        ),
        ("", "cannot connect to HDFS at namenode:9000: OSError"),
    ],
)
def test_client_errors_are_translated(
    root: Path,
    runtime_present: Path,
    monkeypatch: pytest.MonkeyPatch,
    message: str,
    expected: str,
) -> None:
    """pyarrow's OSErrors become short TaskFailed messages saying what to fix."""
    from pyarrow import fs as pafs

    def failing(*args: Any, **kwargs: Any) -> None:
        raise OSError(message)

    monkeypatch.setattr(pafs, "HadoopFileSystem", failing)
    with pytest.raises(TaskFailed, match=expected) as info:
        filesystem_for(parse_location("hdfs://namenode:9000/x", files_root=root), FsConfig())
    assert "dlopen" not in str(info.value)


def test_real_pyarrow_client_fails_cleanly_without_hadoop(tmp_path: Path) -> None:
    """pyarrow's own HadoopFileSystem, with a fake libhdfs, fails with a short TaskFailed.

    Runs in a child process so that a JVM found on this machine is never loaded into the
    test process; the address is loopback and the fake library cannot connect anyway.
    """
    native = tmp_path / "native"
    native.mkdir()
    (native / "libhdfs.so").write_bytes(b"not a library")
    script = textwrap.dedent(
        """
        from pathlib import Path
        from graphmill.errors import TaskFailed
        from graphmill.fs import FsConfig, filesystem_for, parse_location
        try:
            filesystem_for(parse_location("hdfs://127.0.0.1:9/x", files_root=Path(".")), FsConfig())
        except TaskFailed as exc:
            print("TaskFailed:", exc)
        """
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "ARROW_LIBHDFS_DIR": str(native),
        "CLASSPATH": str(tmp_path / "none.jar"),
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout.strip()
    assert out.startswith("TaskFailed: "), out
    assert ("libjvm" in out) or ("libhdfs" in out) or ("cannot connect to HDFS at 127.0.0.1:9" in out), out
    assert "dlopen" not in out
