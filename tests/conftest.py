from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from graphmill.fs import FsConfig, S3Config

#: Test folders that run whole on one worker under ``pytest -n``: the Spark tests share a
#: session-scoped JVM and SparkContext (tests/spark/conftest.py), and two JVMs starting and
#: warming up side by side would fight over the machine's two cores.
ONE_WORKER_FOLDERS = ("tests/spark/",)
#: Modules inside those folders that start Spark drivers of their own (a server's), not the
#: shared session: each runs whole (its module-scoped server once), on whichever worker is free.
OWN_DRIVER_MODULES = ("tests/spark/test_api.py", "tests/spark/test_server_session.py")


def work_unit(nodeid: str) -> str:
    """The unit of work a test belongs to under ``pytest -n``: a whole module of OWN_DRIVER_MODULES,
    a whole folder of ONE_WORKER_FOLDERS, else the test alone."""
    path = nodeid.split("::", 1)[0]
    if path in OWN_DRIVER_MODULES:
        return path
    return next((folder for folder in ONE_WORKER_FOLDERS if path.startswith(folder)), nodeid)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``-n N`` (``--dist load``) with the units of work of ``work_unit``.

    xdist's own ``loadgroup`` mode cannot do this under pytest 9 (it renames items by a node id
    attribute pytest no longer reads), so this is its ``loadscope`` scheduler with our scopes.
    Scopes are handed out largest first, so the shared-session Spark folder (the longest unit)
    starts at once on one worker while the other works through the rest; a worker asks for
    more only when it is nearly out of work.
    """
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class OurScopes(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return OurScopes(config, log)


@pytest.fixture(autouse=True)
def _clean_environ() -> Iterator[None]:
    """No GRAPHMILL_* variable of the developer's shell leaks into a test."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("GRAPHMILL_")}
    for k in saved:
        del os.environ[k]
    yield
    for k in [k for k in os.environ if k.startswith("GRAPHMILL_")]:
        del os.environ[k]
    os.environ.update(saved)


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    config: FsConfig

    def admin(self) -> Any:
        """A pyarrow S3 file system that may create buckets (test setup only)."""
        from pyarrow import fs as pafs

        host = self.endpoint.removeprefix("http://")
        return pafs.S3FileSystem(
            endpoint_override=host,
            scheme="http",
            region="us-east-1",
            access_key="testing",
            secret_key="testing",
            allow_bucket_creation=True,
            allow_bucket_deletion=True,
        )

    def settings_fields(self) -> dict[str, Any]:
        """``Settings`` fields that point graphmill (and Spark's S3A) at this server."""
        from graphmill.config import S3Settings

        return {
            "s3": S3Settings(endpoint_url=self.endpoint, region="us-east-1", allow_http=True),
            "aws_access_key_id": "testing",
            "aws_secret_access_key": "testing",
        }

    def new_bucket(self) -> str:
        name = f"gm-{uuid.uuid4().hex[:12]}"
        self.admin().create_dir(name)
        return name


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """A moto S3 server on 127.0.0.1 (random port) and an FsConfig pointing at it."""
    moto_server = pytest.importorskip(
        "moto.server", reason="S3 tests need moto: pip install 'moto[server]>=5,<6'"
    )
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with pytest.MonkeyPatch.context() as mp:
        # The AWS SDK must never look for instance metadata (169.254.169.254) or a profile.
        mp.setenv("AWS_EC2_METADATA_DISABLED", "true")
        mp.setenv("AWS_CONFIG_FILE", "/nonexistent")
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            assert host == "127.0.0.1"
            endpoint = f"http://{host}:{port}"
            config = FsConfig(
                s3=S3Config(
                    endpoint_url=endpoint,
                    region="us-east-1",
                    access_key="testing",
                    secret_key="testing",
                    allow_http=True,
                )
            )
            yield S3Server(endpoint, config)
        finally:
            server.stop()


@pytest.fixture(scope="session")
def basketball_graph_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One imported basketballplayer store, copied into each test's data dir."""
    from graphmill.graphstore.embedded import EmbeddedGraphStore
    from tests.helpers import BASKETBALL_NGQL

    root = tmp_path_factory.mktemp("graph-template")
    store = EmbeddedGraphStore(root)
    store.import_ngql("basketballplayer", BASKETBALL_NGQL)
    store.ensure_default_account()
    return root
