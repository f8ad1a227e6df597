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
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from graphmill.errors import Forbidden
from graphmill.store.base import MetadataStore
from graphmill.types import JobId

log = logging.getLogger("graphmill.webhooks")


@dataclass(frozen=True, slots=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str


def _target(url: str) -> _Target | None:
    """scheme, host, port and path of an http(s) URL; None if it is not one we would send to."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # a port that is not a number, an unbalanced [ipv6]
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    if port is None:
        port = 443 if scheme == "https" else 80
    return _Target(scheme, parts.hostname.lower().rstrip("."), port, parts.path or "/")


def _under(path: str, prefix: str) -> bool:
    if prefix in ("", "/") or path == prefix:
        return True
    return path.startswith(prefix if prefix.endswith("/") else prefix + "/")


def is_allowed(url: str, allow: list[str]) -> bool:
    """Whether ``url`` has the scheme, host and port of an allowed entry and a path under its path.

    Compared parsed, never as text: ``http://127.0.0.1:18080@evil/`` (a user name) and
    ``http://127.0.0.1:18080.evil.example/`` (another host) match no entry
    ``http://127.0.0.1:18080/``.
    """
    target = _target(url)
    if target is None:
        return False
    for entry in allow:
        rule = _target(entry)
        if (
            rule is not None
            and (rule.scheme, rule.host, rule.port) == (target.scheme, target.host, target.port)
            and _under(target.path, rule.path)
        ):
            return True
    return False


def check_allowed(url: str, allow: list[str]) -> None:
    if not url:
        return
    if _target(url) is None:
        raise Forbidden(f"webhook {url[:200]!r} must be an http(s) URL with a host, without a user name")
    if not is_allowed(url, allow):
        raise Forbidden(f"webhook {url[:200]!r} is not allowed by configuration (GRAPHMILL_WEBHOOK_ALLOW)")


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
        allow: list[str] | None = None,
    ) -> None:
        self.allow = allow
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
            if self.allow is not None and not is_allowed(url, self.allow):
                # The allow-list may have changed since the job was accepted: checked again.
                self.store.record_delivery(
                    job_id,
                    url,
                    attempt,
                    int(time.time() * 1000),
                    0,
                    "not allowed by GRAPHMILL_WEBHOOK_ALLOW",
                    False,
                )
                return
            try:
                response = await self._client.post(url, content=body, headers=headers)
                status = response.status_code
                if not 200 <= status < 300:
                    error = f"HTTP {status}"
            except Exception as exc:  # every failure is recorded, whatever the client raised
                error = f"{type(exc).__name__}: {str(exc)[:300]}"
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
