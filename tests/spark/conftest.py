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

#: Small: the test graphs have a few hundred edges and the machine is shared.
TEST_CONFIG = SparkConfig(
    master="local[2]",
    driver_memory="768m",
    partitions=1,
    checkpoint_every=2,
    conf=(("spark.sql.adaptive.enabled", "false"),),
)


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
