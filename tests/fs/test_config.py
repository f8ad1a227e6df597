"""Connection settings from the environment, and what they become for pyarrow."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from graphmill.errors import ParamError
from graphmill.fs.config import FsConfig, HdfsConfig, S3Config
from graphmill.fs.filesystems import s3_options


def test_from_env_reads_every_variable() -> None:
    """All documented variables are read."""
    cfg = FsConfig.from_env(
        {
            "GRAPHMILL_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
            "GRAPHMILL_S3_REGION": "eu-west-3",
            "AWS_ACCESS_KEY_ID": "AKID",
            "AWS_SECRET_ACCESS_KEY": "SECRET",
            "AWS_SESSION_TOKEN": "TOKEN",
            "GRAPHMILL_S3_ALLOW_HTTP": "Yes",
            "GRAPHMILL_HDFS_USER": "root",
            "GRAPHMILL_HDFS_KERB_TICKET": "/tmp/krb5cc_0",
        }
    )
    assert cfg.s3 == S3Config("http://127.0.0.1:9000", "eu-west-3", "AKID", "SECRET", True, "TOKEN")
    assert cfg.hdfs == HdfsConfig(user="root", kerb_ticket="/tmp/krb5cc_0")


def test_from_env_defaults_and_region_fallbacks() -> None:
    """Nothing set gives empty settings; AWS_REGION then AWS_DEFAULT_REGION back the region."""
    assert FsConfig.from_env({}) == FsConfig()
    assert FsConfig.from_env({"AWS_DEFAULT_REGION": "a", "AWS_REGION": "b"}).s3.region == "b"
    assert FsConfig.from_env({"AWS_DEFAULT_REGION": "a", "GRAPHMILL_S3_REGION": " "}).s3.region == "a"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"GRAPHMILL_S3_ALLOW_HTTP": "maybe"}, "GRAPHMILL_S3_ALLOW_HTTP='maybe' is not a boolean"),
        ({"GRAPHMILL_S3_ENDPOINT_URL": "http://127.0.0.1:9000"}, "GRAPHMILL_S3_ALLOW_HTTP=true"),
        ({"GRAPHMILL_S3_ENDPOINT_URL": "127.0.0.1:9000"}, r"http\(s\)://host\[:port\]"),
        ({"GRAPHMILL_S3_ENDPOINT_URL": "https://h/path"}, "without a path"),
        ({"GRAPHMILL_S3_ENDPOINT_URL": "https://u:p@h"}, "without a path, query or credentials"),
        ({"GRAPHMILL_S3_ENDPOINT_URL": "https://h:99999"}, "out of range"),
        ({"AWS_ACCESS_KEY_ID": "AKID"}, "both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
        ({"AWS_SECRET_ACCESS_KEY": "s"}, "both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
        ({"AWS_SESSION_TOKEN": "t"}, "AWS_SESSION_TOKEN needs"),
    ],
)
def test_from_env_errors_name_the_variable(env: dict[str, str], message: str) -> None:
    """Invalid values raise ParamError naming the variable or the fix."""
    with pytest.raises(ParamError, match=message):
        FsConfig.from_env(env)


def test_secrets_stay_out_of_repr() -> None:
    """repr() shows the key id but neither the secret nor the session token."""
    text = repr(S3Config(access_key="AKID", secret_key="SECRET", session_token="TOKEN"))
    assert "AKID" in text
    assert "SECRET" not in text
    assert "TOKEN" not in text


def test_s3_options_for_an_endpoint() -> None:
    """An endpoint becomes endpoint_override + scheme, with us-east-1 as the default region."""
    opts = s3_options(S3Config("http://127.0.0.1:9000", None, "a", "s", True, "t"))
    assert opts == {
        "allow_bucket_creation": False,
        "allow_bucket_deletion": False,
        "endpoint_override": "127.0.0.1:9000",
        "scheme": "http",
        "region": "us-east-1",
        "access_key": "a",
        "secret_key": "s",
        "session_token": "t",
    }


def test_s3_options_for_aws() -> None:
    """Without an endpoint or keys, pyarrow gets no override and uses the SDK's defaults."""
    assert s3_options(S3Config()) == {"allow_bucket_creation": False, "allow_bucket_deletion": False}
    assert s3_options(S3Config(region="eu-west-1", endpoint_url="https://s3.example"))["scheme"] == "https"


def test_importing_graphmill_fs_is_light() -> None:
    """`import graphmill.fs` loads no pyarrow: every library is imported where it is used."""
    probe = "import sys, json, graphmill.fs; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    loaded = {m.split(".")[0] for m in json.loads(out)}
    assert not loaded & {"pyarrow", "numpy", "moto", "boto3", "fsspec"}
