"""Server-Sent Events as the server sends them: ``event: <kind>`` and one ``data: <json>`` line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any


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
