"""Prometheus metrics: jobs by status, queue length, task durations, worker memory, HTTP latency."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from graphmill.models import Status

DURATION_BUCKETS_S = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)
HTTP_BUCKETS_S = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)


class _StateCollector(Collector):
    def __init__(self, counts: Callable[[], dict[Status, int]], worker_rss: Callable[[], int]) -> None:
        self._counts = counts
        self._worker_rss = worker_rss

    def collect(self):  # type: ignore[no-untyped-def]
        jobs = GaugeMetricFamily("graphmill_jobs", "Jobs by status", labels=["status"])
        counts = self._counts()
        for status in Status:
            jobs.add_metric([status.name.lower()], counts.get(status, 0))
        yield jobs
        yield GaugeMetricFamily(
            "graphmill_queue_length",
            "Jobs waiting to start (Preparing)",
            value=counts.get(Status.PREPARING, 0),
        )
        yield GaugeMetricFamily(
            "graphmill_worker_memory_bytes",
            "Resident memory of all running worker processes",
            value=self._worker_rss(),
        )


class Metrics:
    def __init__(self, counts: Callable[[], dict[Status, int]], worker_rss: Callable[[], int]) -> None:
        self.registry = CollectorRegistry()
        self.registry.register(_StateCollector(counts, worker_rss))
        self.task_duration = Histogram(
            "graphmill_task_duration_seconds",
            "Run time of finished tasks",
            ["type", "status"],
            buckets=DURATION_BUCKETS_S,
            registry=self.registry,
        )
        self.http_latency = Histogram(
            "graphmill_http_request_duration_seconds",
            "HTTP request latency",
            ["method", "route", "code"],
            buckets=HTTP_BUCKETS_S,
            registry=self.registry,
        )
        self.running_tasks = Gauge("graphmill_running_tasks", "Tasks running now", registry=self.registry)

    def render(self) -> bytes:
        return generate_latest(self.registry)
