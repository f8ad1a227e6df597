"""One Spark session (local[2]) for all in-process Spark tests: a JVM and a SparkContext cost
seconds to tens of seconds under load, a query milliseconds.  pyspark keeps its gateway JVM for
the whole test process anyway; sharing the context too saves a context start (and the JIT's
warm-up of Spark's code paths) per module.  Each module's cached frames and graphs are dropped
when it ends, so modules do not fill the driver's heap for each other."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from graphmill.spark.config import SparkConfig

#: Whole-stage code generation compiles Java for every new query plan.  On graphs of a few
#: hundred edges that compiling is most of a query's time: turned off, the module
#: test_algorithms.py took 40 % less JVM CPU (measured under load: 73 against 123 CPU s).  The
#: results are the same either way (Spark's interpreted operators are its reference path); the
#: generated code runs in bench/spark.py, whose 16M-edge runs are checked against the local engine.
#:
#: The driver JVM also stops at the C1 JIT (``-XX:TieredStopAtLevel=1``): a test's queries are
#: over before C2's optimised code would pay for its compile time, which on two shared cores
#: competes with the other test process.  Measured on tests/spark/test_graphx.py (39 tests, load
#: rising 0.6 → 11 while it ran, alternated): 150 and 167 s with C2, 96 and 80 s C1-only.
FAST_SMALL_QUERIES = (
    ("spark.sql.codegen.wholeStage", "false"),
    ("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1"),
)

#: Small: the test graphs have a few hundred edges and the machine is shared.
TEST_CONFIG = SparkConfig(
    master="local[2]",
    driver_memory="768m",
    partitions=1,
    checkpoint_every=2,
    conf=(("spark.sql.adaptive.enabled", "false"), *FAST_SMALL_QUERIES),
)
#: The same setting in a graphmill.toml, for the tests that start Spark through the server.
FAST_SMALL_QUERIES_TOML = "[spark.conf]\n" + "".join(f'"{k}" = "{v}"\n' for k, v in FAST_SMALL_QUERIES)


@pytest.fixture(scope="session")
def spark_session_for_tests(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from graphmill.spark.session import spark_session

    with spark_session(TEST_CONFIG, "graphmill-tests") as session:
        session.sparkContext.setCheckpointDir(str(tmp_path_factory.mktemp("checkpoints")))
        yield session


@pytest.fixture(scope="module")
def spark(spark_session_for_tests: Any) -> Iterator[Any]:
    """The shared session; what a module cached is dropped after it."""
    from graphmill.spark.session import drop_cached

    yield spark_session_for_tests
    drop_cached(spark_session_for_tests)
