"""One Spark session (local[2]) per test module: starting a JVM costs seconds, a query milliseconds."""

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


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from graphmill.spark.session import spark_session

    with spark_session(TEST_CONFIG, "graphmill-tests") as session:
        session.sparkContext.setCheckpointDir(str(tmp_path_factory.mktemp("checkpoints")))
        yield session
