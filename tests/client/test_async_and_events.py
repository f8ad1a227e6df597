"""AsyncClient against a real server, and the event stream across a server restart."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from graphmill.client import AsyncClient, Client, JobNotFound, ParamError, StreamLost
from graphmill.client.models import Status
from graphmill.graphstore.embedded import EmbeddedGraphStore
from tests.client.conftest import pagerank_schema
from tests.helpers import BASKETBALL_NGQL
from tests.scheduler.test_cancel import long_task, write_big_graph
from tests.server.conftest import Server

pytestmark = pytest.mark.server


def test_async_client_does_what_the_sync_one_does(live: Server) -> None:
    async def scenario() -> None:
        async with AsyncClient(live.url) as gm:
            await gm.connect("root", "nebula", encoding="colon")
            wf = await gm.workflows.create(pagerank_schema(), name="async")
            assert [w.id for w in await gm.workflows.list("async")] == [wf.id]
            await gm.workflows.update(wf.id, name="async2")
            assert len(await gm.workflows.versions(wf.id)) == 2
            clone = await gm.workflows.clone(wf.id)
            assert await gm.workflows.delete(clone.id)
            job = await gm.run(wf.id)
            kinds = [e.kind async for e in job.events()]
            assert kinds[0] == "snapshot"
            assert kinds[-1] == "end"
            await job.wait(timeout_s=120)
            assert job.ok
            result = await job.result("PageRank", page_size=10)
            sync_table = Client(live.url, user="root", password="nebula")
            with sync_table:
                assert result.table.equals(sync_table.jobs.get(job.id).result("PageRank").table)
            assert await job.logs("PageRank")
            assert await job.cancel() is False
            rerun = await (await job.rerun()).wait(timeout_s=120)
            assert rerun.status is Status.SUCCESS
            assert job.id in {j.id for j in await gm.jobs.list(workflow=wf.id)}
            assert (await gm.estimate("analytics_pagerank", "basketballplayer", "follow")).vertices > 0
            assert any(a.type == "analytics_pagerank" for a in await gm.algorithms())
            with pytest.raises(JobNotFound):
                await gm.jobs.get(424242)
            with pytest.raises(ParamError):
                await gm.run(wf.id, input={"analytics_pagerank_1": {"iterations": "lots"}})

    asyncio.run(scenario())


@pytest.fixture
def restartable(tmp_path: Path) -> Server:
    data_dir = tmp_path / "data"
    EmbeddedGraphStore(data_dir / "graph").import_ngql("basketballplayer", BASKETBALL_NGQL)
    write_big_graph(data_dir / "files")
    return Server(data_dir)


def test_events_reconnect_across_a_restart(restartable: Server) -> None:
    """The server dies mid-job and comes back on the same port: the iterator resumes with a new
    snapshot and ends with the job's true final status (Interrupted by the restart)."""
    srv = restartable
    srv.start()
    try:
        with Client(srv.url, user="root", password="nebula") as gm:
            job = gm.run({"tasks": [long_task("big.parquet")]})
            seen: list[str] = []
            for event in job.events(reconnect_s=60):
                seen.append(event.kind)
                if len(seen) == 1:  # the generator waits while the server goes down and comes back
                    srv.kill()
                    srv.start()
                if event.kind == "end":
                    assert event.data["status"] == int(Status.INTERRUPTED)
            assert seen.count("snapshot") == 2
            assert seen[-1] == "end"
            assert job.refresh().status is Status.INTERRUPTED
    finally:
        srv.stop()


def test_events_end_with_a_clear_error_when_the_server_stays_down(restartable: Server) -> None:
    srv = restartable
    srv.start()
    with Client(srv.url, user="root", password="nebula") as gm:
        job = gm.run({"tasks": [long_task("big.parquet")]})
        events = job.events(reconnect_s=1.0)
        assert next(events).kind == "snapshot"
        srv.kill()
        with pytest.raises(StreamLost, match=f"job {job.id}"):
            for _ in events:
                pass
