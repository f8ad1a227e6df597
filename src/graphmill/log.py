"""Logging set-up: one line per event, with the job and task ids bound to it.

Code logs with ``extra={"job_id": …, "task_id": …}``; the formatter prints them as
``job=… task=…`` fields, or as keys of a JSON object with ``--log-json`` (for log
shippers).  Nothing but this module configures handlers.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

_FIELDS = ("job_id", "task_id")


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(record.created))
        fields = "".join(
            f" {name.removesuffix('_id')}={getattr(record, name)}"
            for name in _FIELDS
            if hasattr(record, name)
        )
        line = f"{stamp} {record.levelname} {record.name}{fields}: {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in _FIELDS:
            if hasattr(record, name):
                out[name] = getattr(record, name)
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, separators=(",", ":"))


def configure_logging(level: str, *, json_lines: bool = False) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JSONFormatter() if json_lines else TextFormatter())
    root = logging.getLogger("graphmill")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
