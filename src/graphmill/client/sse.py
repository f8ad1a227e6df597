"""Server-Sent Events as the server sends them: ``event: <kind>`` and one ``data: <json>`` line."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from graphmill.client.errors import StreamLost

#: The pause before reconnecting a broken event stream.
RETRY_S = 0.2
#: Connecting may take 10 s; reading waits as long as the job runs.
STREAM_TIMEOUT = httpx.Timeout(10.0, read=None)


@dataclass(frozen=True)
class Event:
    """``snapshot`` (job and progress), ``job``, ``task``, ``progress``, then ``end`` (final status)."""

    kind: str
    data: dict[str, Any]


class EventParser:
    """Feed lines, get events; comment lines (keep-alives) are skipped."""

    def __init__(self) -> None:
        self._kind = "message"
        self._data: list[str] = []

    def feed(self, line: str) -> Event | None:
        if line == "":
            if not self._data:
                return None
            event = Event(self._kind, json.loads("\n".join(self._data)))
            self._kind, self._data = "message", []
            return event
        if line.startswith(":"):
            return None
        key, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if key == "event":
            self._kind = value
        elif key == "data":
            self._data.append(value)
        return None


def parse(lines: Iterable[str]) -> Iterator[Event]:
    parser = EventParser()
    for line in lines:
        event = parser.feed(line)
        if event is not None:
            yield event


class Reconnects:
    """When a job's event stream broke: reconnect until ``within_s`` have passed without an answer.

    The server starts every stream with a ``snapshot``, so nothing is lost across a restart.
    """

    def __init__(self, job_id: int, url: str, within_s: float) -> None:
        self._what = f"the event stream of job {job_id}"
        self._url = url
        self._within_s = within_s
        self._lost_since: float | None = None

    def connected(self) -> None:
        self._lost_since = None

    def broke(self) -> None:
        """Note a break; StreamLost once the server has not answered for ``within_s``."""
        self._lost_since = self._lost_since or time.monotonic()
        if time.monotonic() - self._lost_since > self._within_s:
            raise StreamLost(f"{self._what} broke and {self._url} did not answer for {self._within_s:.0f}s")
