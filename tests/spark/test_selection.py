"""Engine selection and the [spark] settings (no Spark started here)."""

from __future__ import annotations

import pytest

from graphmill import errors
from graphmill.spark import SPARK_ALGORITHMS, choose_engine, cluster_size, requested_engine
from graphmill.spark.config import SparkConfig, parse_spark_config

GIB = 2**30


def test_requested_engine_from_spec_or_default() -> None:
    assert requested_engine({}, "local") == "local"
    assert requested_engine({"Engine": "SPARK"}, "local") == "spark"
    assert requested_engine({"engine": ""}, "auto") == "auto"
    with pytest.raises(errors.ParamError, match="one of local, spark, auto"):
        requested_engine({"engine": "flink"}, "local")


def test_cluster_size_of_explorer_tasks() -> None:
    assert cluster_size({"clusterSize": "3"}) == 3
    assert cluster_size({"cluster_size": 2}) == 2
    assert cluster_size({"clusterSize": "many"}) == 1
    assert cluster_size({}) == 1


@pytest.mark.parametrize(
    ("spec", "estimated", "engine"),
    [
        ({"engine": "auto"}, 1 * GIB, "local"),
        ({"engine": "auto", "clusterSize": "4"}, 1 * GIB, "spark"),
        ({"engine": "auto"}, 20 * GIB, "spark"),
        ({"engine": "local", "clusterSize": "4"}, 20 * GIB, "local"),
        ({"engine": "spark"}, 0, "spark"),
    ],
)
def test_auto_picks_spark_for_many_machines_or_too_much_memory(
    spec: dict[str, object], estimated: int, engine: str
) -> None:
    chosen, why = choose_engine(
        "analytics_pagerank", spec, "local", estimated_bytes=estimated, budget_bytes=8 * GIB
    )
    assert chosen == engine
    assert why.startswith("engine ")


def test_auto_keeps_local_only_algorithms_local() -> None:
    chosen, why = choose_engine(
        "analytics_infomap", {"clusterSize": 8}, "auto", estimated_bytes=0, budget_bytes=GIB
    )
    assert chosen == "local"
    assert "local-only" in why


def test_spark_refuses_local_only_algorithms_listing_what_it_runs() -> None:
    with pytest.raises(errors.ParamError) as info:
        choose_engine("analytics_infomap", {}, "spark", estimated_bytes=0, budget_bytes=GIB)
    for task_type in SPARK_ALGORITHMS:
        assert task_type in info.value.detail


def test_spark_settings_from_toml() -> None:
    config = parse_spark_config(
        {
            "spark": {
                "master": "spark://spark-master:7077",
                "driver_memory": "2g",
                "executor_memory": "8g",
                "executor_cores": 4,
                "jars": ["/opt/hadoop-aws.jar"],
                "staging_dir": "hdfs://nn:8020/staging",
                "conf": {"spark.hadoop.fs.s3a.endpoint": "http://127.0.0.1:9000"},
            }
        }
    )
    conf = config.spark_conf()
    assert conf["spark.master"] == "spark://spark-master:7077"
    assert conf["spark.executor.memory"] == "8g"
    assert conf["spark.executor.cores"] == "4"
    assert conf["spark.jars"] == "/opt/hadoop-aws.jar"
    assert conf["spark.hadoop.fs.s3a.endpoint"] == "http://127.0.0.1:9000"
    assert "spark.driver.host" not in conf  # a cluster must be able to reach the driver
    assert config.staging_dir == "hdfs://nn:8020/staging"
    assert config.local_footprint_bytes() == 2 * GIB + 640 * 2**20
    assert config.graphx is True  # GraphX where it fits unless turned off
    assert parse_spark_config({"spark": {"graphx": False}}).graphx is False


def test_session_modes() -> None:
    """``job`` is the default; ``server`` takes a task count and cleans checkpoints as it goes."""
    default = parse_spark_config({})
    assert (default.session, default.server_tasks) == ("job", 1)
    assert "spark.cleaner.referenceTracking.cleanCheckpoints" not in default.spark_conf()
    server = parse_spark_config({"spark": {"session": "server", "server_tasks": 3}})
    assert (server.session, server.server_tasks) == ("server", 3)
    assert server.spark_conf()["spark.cleaner.referenceTracking.cleanCheckpoints"] == "true"


def test_local_master_listens_on_loopback() -> None:
    conf = SparkConfig().spark_conf()
    assert conf["spark.master"] == "local[2]"
    assert conf["spark.driver.bindAddress"] == "127.0.0.1"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"master": "flink://x"}, "is not local"),
        ({"driver_memory": "lots"}, "JVM memory size"),
        ({"executor_cores": 0}, "positive integer"),
        ({"jars": "a.jar"}, "list of paths"),
        ({"conf": {"hadoop.x": "1"}}, "spark.\\* settings"),
        ({"sesion": "job"}, "unknown key"),
        ({"session": "cluster"}, 'session must be "job"'),
        ({"session": "server", "server_tasks": 0}, "positive integer"),
        ({"graphx": "no"}, "'graphx' must be true or false"),
    ],
)
def test_bad_spark_settings_are_refused(table: dict[str, object], message: str) -> None:
    with pytest.raises(errors.ParamError, match=message):
        parse_spark_config({"spark": table}, source="graphmill.toml")
