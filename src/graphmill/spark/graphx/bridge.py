"""Putting the helper jar into a running Spark session and calling it through py4j.

The jar is added to the running application (``SparkContext.addJar``: executors fetch it
before their next task) and to the driver's class loader, so any session works: the one a
task starts, a test module's shared one, or a long-lived one, without restarting the JVM.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from graphmill.spark.graphx.build import CLASS_NAME, helper_jar

_lock = threading.Lock()


def _loaded(spark: Any) -> Any | None:
    """The helper class if the driver's JVM can see it (py4j gives a JavaPackage otherwise)."""
    target = spark._jvm
    for part in CLASS_NAME.split("."):
        target = getattr(target, part)
    return target if type(target).__name__ == "JavaClass" else None


def helper_class(spark: Any, cache_dir: Path | None = None) -> Any:
    """The helper's JVM class in ``spark``'s driver, the jar built (or taken from the cache) and added first."""
    with _lock:
        found = _loaded(spark)
        if found is not None:
            return found
        jar = helper_jar(cache_dir)
        jvm = spark._jvm
        spark.sparkContext._jsc.addJar(str(jar))
        # Spark's driver runs py4j with its own MutableURLClassLoader as the context loader.
        loader = jvm.java.lang.Thread.currentThread().getContextClassLoader()
        loader.addURL(jvm.java.io.File(str(jar)).toURI().toURL())
        found = _loaded(spark)
        if found is None:
            raise RuntimeError(f"the GraphX helper {jar} was added but {CLASS_NAME} is not visible")
        return found
