"""graphmill's S3 settings as Spark's S3A settings, and the message when S3A is missing (no JVM here)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from graphmill.config import S3Settings, Settings
from graphmill.fs import FsConfig
from graphmill.fs.config import S3Config
from graphmill.service.graphs import GraphRouter
from graphmill.service.planning import Planner
from graphmill.spark.config import SparkConfig, parse_spark_config
from graphmill.spark.s3a import hadoop_version, missing_connector, s3a_conf

P = "spark.hadoop.fs.s3a."


def test_an_s3_compatible_endpoint_with_keys() -> None:
    conf = s3a_conf(
        S3Config(endpoint_url="http://127.0.0.1:9000", access_key="ak", secret_key="sk", allow_http=True)
    )
    assert conf == {
        P + "endpoint": "http://127.0.0.1:9000",
        P + "path.style.access": "true",
        P + "connection.ssl.enabled": "false",
        P + "endpoint.region": "us-east-1",
        P + "access.key": "ak",
        P + "secret.key": "sk",
        P + "aws.credentials.provider": "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
    }


def test_https_endpoint_region_and_session_token() -> None:
    conf = s3a_conf(
        S3Config(
            endpoint_url="https://minio.example:9000",
            region="eu-west-1",
            access_key="ak",
            secret_key="sk",
            session_token="tok",
        )
    )
    assert conf[P + "connection.ssl.enabled"] == "true"
    assert conf[P + "endpoint.region"] == "eu-west-1"
    assert conf[P + "session.token"] == "tok"
    assert conf[P + "aws.credentials.provider"].endswith("TemporaryAWSCredentialsProvider")


def test_amazon_s3_itself_keeps_virtual_hosts_and_the_sdk_chain() -> None:
    """No endpoint: Amazon S3 (bucket host names); no keys: S3A's own credential chain."""
    assert s3a_conf(S3Config(region="us-west-2")) == {P + "endpoint.region": "us-west-2"}
    assert s3a_conf(S3Config()) == {}


def test_the_spark_conf_table_wins_over_the_derived_settings() -> None:
    spark = parse_spark_config(
        {"spark": {"conf": {P + "endpoint": "http://elsewhere:9000", P + "path.style.access": "false"}}}
    )
    merged = spark.with_defaults(
        s3a_conf(S3Config(endpoint_url="http://127.0.0.1:9000", allow_http=True))
    ).spark_conf()
    assert merged[P + "endpoint"] == "http://elsewhere:9000"
    assert merged[P + "path.style.access"] == "false"
    assert merged[P + "connection.ssl.enabled"] == "false"  # added: the table does not set it
    assert SparkConfig().with_defaults({}) == SparkConfig()


def test_the_planner_hands_the_servers_s3_settings_to_spark(tmp_path: Path) -> None:
    """One set of S3 settings for both engines; the secret stays out of the config's repr."""
    settings = Settings(
        data_dir=tmp_path,
        s3=S3Settings(endpoint_url="http://127.0.0.1:9000", allow_http=True),
        aws_access_key_id="ak",
        aws_secret_access_key="very-secret",
    )
    no_store: Any = None  # the planner's graph store is not used here
    router = GraphRouter(no_store, "127.0.0.1:9669", {}, tmp_path)
    planner = Planner(settings, router, FsConfig.from_settings(settings))
    conf = planner.spark_config.spark_conf()
    assert conf[P + "endpoint"] == "http://127.0.0.1:9000"
    assert conf[P + "secret.key"] == "very-secret"
    assert "very-secret" not in repr(planner.spark_config)


@pytest.mark.parametrize(
    "java_error",
    [
        "java.lang.RuntimeException: java.lang.ClassNotFoundException: "
        "Class org.apache.hadoop.fs.s3a.S3AFileSystem not found",
        "java.lang.NoClassDefFoundError: software/amazon/awssdk/core/exception/SdkException",
        "java.lang.NoClassDefFoundError: com/amazonaws/AmazonClientException",
    ],
)
def test_a_missing_connector_names_the_jars_and_the_setting(java_error: str) -> None:
    message = missing_connector(
        "s3a://bucket/e.parquet", "An error occurred while calling o62.parquet.\n: " + java_error
    )
    assert message is not None
    version = hadoop_version()
    assert version is not None
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    assert f"Add hadoop-aws-{version}.jar" in message
    assert "software.amazon.awssdk bundle" in message
    assert "'jars' in the [spark] table of graphmill.toml" in message


def test_other_errors_are_not_blamed_on_the_connector() -> None:
    assert missing_connector("s3a://bucket/e.parquet", "java.io.FileNotFoundException: No such file") is None
    assert (
        missing_connector("hdfs://nn/e.parquet", "Class org.apache.hadoop.fs.s3a.S3AFileSystem not found")
        is None
    )
