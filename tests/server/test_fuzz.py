"""schemathesis against a live server, short budget: no 5xx on any input, every answer as documented.

The long run is on demand: ``.venv/bin/python -m tests.server.fuzz --examples 300``.
"""

from __future__ import annotations

import pytest

from graphmill.api.table import OPERATIONS
from tests.server.conftest import Server
from tests.server.fuzz import SKIPPED, fuzz

pytestmark = pytest.mark.server


def test_no_server_error_and_answers_match_the_document(server: Server) -> None:
    server.start()
    report = fuzz(server.url, examples=6)
    print(report.summary())
    documented = {(op.method, op.full_path) for op in OPERATIONS if op.in_schema}
    assert len(report.per_operation) == len(documented - SKIPPED)  # all but the endless event stream
    assert report.inputs >= 100
    assert report.server_errors == 0, "\n".join(report.failures)
    assert report.failures == []
