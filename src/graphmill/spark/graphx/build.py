"""Building graphmill's GraphX helper jar from the Java source shipped in the package.

The jar is compiled on first use with the JDK's ``javac`` against the jars of the installed
pyspark wheel, so ``pip install 'graphmill[spark]'`` needs no separate build step.  It is
cached under a key made of the pyspark version and the source's hash: an upgrade of either
builds a new jar, and every later task (and every worker process) reuses the cached one.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from graphmill import errors

SOURCE = Path(__file__).resolve().parent / "java" / "GraphmillGraphX.java"
JAR_NAME = "graphmill-graphx.jar"
#: The class Python calls (package ``graphmill.graphx`` in the JVM).
CLASS_NAME = "graphmill.graphx.GraphmillGraphX"
CACHE_ENV = "GRAPHMILL_GRAPHX_CACHE"
_JAVAC_TIMEOUT_S = 300


class HelperBuildError(errors.TaskFailed):
    """The GraphX helper could not be built (no JDK, no pyspark, or javac failed)."""


def default_cache_dir() -> Path:
    """``$GRAPHMILL_GRAPHX_CACHE``, else ``$XDG_CACHE_HOME/graphmill/graphx`` (``~/.cache``)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "graphmill" / "graphx"


def pyspark_jars() -> tuple[str, Path]:
    """(pyspark version, the wheel's ``jars`` folder: spark-graphx, spark-core, scala-library …)."""
    spec = importlib.util.find_spec("pyspark")
    if spec is None or spec.origin is None:
        raise HelperBuildError("the GraphX helper needs pyspark: pip install 'graphmill[spark]'")
    folder = Path(spec.origin).parent
    version_file = folder / "version.py"
    version = "unknown"
    if version_file.is_file():
        for line in version_file.read_text().splitlines():
            if line.startswith("__version__"):
                version = line.split("=", 1)[1].strip().strip("\"'")
    jars = folder / "jars"
    if not any(jars.glob("spark-graphx_*.jar")):
        raise HelperBuildError(f"no spark-graphx jar in {jars}: is this a full pyspark install?")
    return version, jars


def find_javac() -> str:
    """``javac`` from ``$JAVA_HOME/bin`` or the PATH; a clear error when there is no JDK."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "javac").is_file():
        return str(Path(home) / "bin" / "javac")
    found = shutil.which("javac")
    if found is None:
        raise HelperBuildError(
            "GraphX needs a JDK to build graphmill's helper, but no javac was found on the PATH or "
            "in $JAVA_HOME/bin: install a JDK 17+ (e.g. apt-get install openjdk-17-jdk-headless), "
            "or set graphx = false in [spark] to use the DataFrame implementations only"
        )
    return found


def cache_key(version: str, source: bytes) -> str:
    return f"pyspark-{version}-{hashlib.sha256(source).hexdigest()[:16]}"


def helper_jar(cache_dir: Path | None = None) -> Path:
    """The helper jar for the installed pyspark, compiled into the cache when not there yet."""
    version, jars = pyspark_jars()
    source = SOURCE.read_bytes()
    target = (cache_dir or default_cache_dir()) / cache_key(version, source) / JAR_NAME
    if target.is_file():
        return target
    javac = find_javac()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HelperBuildError(
            f"cannot write the GraphX helper's cache {target.parent} ({exc.strerror}): set {CACHE_ENV}"
        ) from None
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".build-") as work:
        classes = Path(work) / "classes"
        command = [
            javac, "-nowarn", "--release", "17", "-encoding", "UTF-8",
            "-cp", str(jars / "*"), "-d", str(classes), str(SOURCE),
        ]  # fmt: skip
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=_JAVAC_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise HelperBuildError(f"building the GraphX helper: {javac} failed to run: {exc}") from None
        if done.returncode != 0:
            lines = (done.stderr or done.stdout).strip().splitlines()[:8]
            raise HelperBuildError(
                f"building the GraphX helper: javac exited {done.returncode}: " + " | ".join(lines)
            )
        partial = Path(work) / JAR_NAME
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as jar:
            jar.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n")
            for path in sorted(classes.rglob("*.class")):
                jar.write(path, path.relative_to(classes).as_posix())
        # Another worker may have built it meanwhile: replacing is atomic, both jars are equal.
        os.replace(partial, target)
    return target
