"""Signed POSTs to a job's webhook when it ends, retried with backoff, every attempt recorded.

The body is the job detail as ``GET /jobs/<id>`` returns it, under ``{"event":
"job.ended", "job": …}``.  ``X-Graphmill-Signature: sha256=<hex>`` is the HMAC-SHA256 of
``<timestamp>.<body>`` with the installation's webhook key (``<data-dir>/webhook.key``),
and ``X-Graphmill-Timestamp`` the epoch seconds, so receivers can reject replays.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

from graphmill.errors import Forbidden
from graphmill.store.base import MetadataStore
from graphmill.types import JobId

log = logging.getLogger("graphmill.webhooks")


def check_allowed(url: str, allow: list[str]) -> None:
    if not url:
        return
    if not url.startswith(("http://", "https://")):
        raise Forbidden(f"webhook {url!r} must be an http(s) URL")
    if not any(url.startswith(prefix) for prefix in allow):
        raise Forbidden(f"webhook {url!r} is not allowed by configuration (GRAPHMILL_WEBHOOK_ALLOW)")


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


class WebhookSender:
    def __init__(
        self,
        store: MetadataStore,
        secret: bytes,
        render_job: Callable[[JobId], dict[str, Any]],
        *,
        attempts: int,
        backoff_s: float,
    ) -> None:
        self.store = store
        self.secret = secret
        self.render_job = render_job
        self.attempts = attempts
        self.backoff_s = backoff_s
        self._tasks: set[asyncio.Task[None]] = set()
        self._client: httpx.AsyncClient | None = None

    def job_ended(self, job_id: JobId) -> None:
        url = self.store.get_job(job_id, with_tasks=False).webhook
        if not url:
            return
        body = json.dumps(
            {"event": "job.ended", "job": self.render_job(job_id)}, separators=(",", ":")
        ).encode()
        task = asyncio.get_running_loop().create_task(self._deliver(job_id, url, body))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, job_id: JobId, url: str, body: bytes) -> None:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=10)
        delay = self.backoff_s
        for attempt in range(1, self.attempts + 1):
            ts = int(time.time())
            headers = {
                "Content-Type": "application/json",
                "X-Graphmill-Timestamp": str(ts),
                "X-Graphmill-Signature": sign(self.secret, ts, body),
                "X-Graphmill-Attempt": str(attempt),
            }
            status, error = 0, ""
            try:
                response = await self._client.post(url, content=body, headers=headers)
                status = response.status_code
                if not 200 <= status < 300:
                    error = f"HTTP {status}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            delivered = not error
            self.store.record_delivery(
                job_id, url, attempt, int(time.time() * 1000), status, error, delivered
            )
            if delivered:
                return
            log.warning("webhook for job %s attempt %d failed: %s", job_id, attempt, error)
            if attempt < self.attempts:
                await asyncio.sleep(delay)
                delay *= 2

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()
