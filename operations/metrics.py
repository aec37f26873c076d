"""Prometheus metrics (docs/operations.md, *Metrics*).

Two kinds of series:

* per request, counted by each web process (:func:`observe_request`): latency histograms and
  response counts by route name — never the path, so no id or personal data becomes a label.
  Under gunicorn with several workers set ``PROMETHEUS_MULTIPROC_DIR`` (deploy/ does): each
  worker writes its counts there and a scrape adds up every worker's.
* read from the database when scraped (:class:`DatabaseCollector`): the task queue, the periodic
  tasks' last runs and the logs' sealing lag, so every app server answers the same.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime

from django.db import DatabaseError
from django.utils import timezone
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from operations import selectors

MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
# The *_created series (when each series was first seen in a process) only add noise.
disable_created_metrics()

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# This process's request series; a scrape reads them (or, in multiprocess mode, every
# process's files) together with the database figures.
REQUEST_REGISTRY = CollectorRegistry(auto_describe=False)
REQUEST_DURATION = Histogram(
    "arki_http_request_duration_seconds",
    "Time from the request reaching Arki to its response, by route name and method.",
    ["route", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=REQUEST_REGISTRY,
)
RESPONSES = Counter(
    "arki_http_responses",
    'Responses by route name, method and status code (5xx: status=~"5..").',
    ["route", "method", "status"],
    registry=REQUEST_REGISTRY,
)


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "other"
    REQUEST_DURATION.labels(route, method).observe(seconds)
    RESPONSES.labels(route, method, str(status)).inc()


def _timestamp(moment: datetime | None) -> float:
    """Seconds since the epoch; 0 for never, so an alert on the age fires."""
    return moment.timestamp() if moment is not None else 0.0


def _age(now: datetime, moment: datetime | None) -> float:
    return max(0.0, (now - moment).total_seconds()) if moment is not None else 0.0


class DatabaseCollector:
    """The figures read from the database at scrape time; ``arki_database_up`` is 0 (and the
    other series are left out) when the database does not answer."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("arki_database_up", "1 when the database answered this scrape.")
        try:
            families = list(self._database_families(timezone.now()))
        except DatabaseError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _database_families(self, now: datetime) -> Iterator[Metric]:
        depth = GaugeMetricFamily(
            "arki_task_queue_depth", "Tasks ready to run now, per queue.", labels=["queue"]
        )
        age = GaugeMetricFamily(
            "arki_task_queue_oldest_age_seconds",
            "Age of the oldest task ready to run, per queue (0 when none waits).",
            labels=["queue"],
        )
        for queue in selectors.task_queues():
            depth.add_metric([queue.queue], queue.waiting)
            age.add_metric([queue.queue], _age(now, queue.oldest_enqueued_at))
        yield depth
        yield age

        succeeded = GaugeMetricFamily(
            "arki_scheduled_task_last_success_timestamp_seconds",
            "When each periodic task last finished successfully (0: never). "
            "operations.tasks.worker_heartbeat is the worker's heartbeat.",
            labels=["task"],
        )
        enqueued = GaugeMetricFamily(
            "arki_scheduled_task_last_enqueued_timestamp_seconds",
            "When the scheduler last enqueued each periodic task (0: never).",
            labels=["task"],
        )
        for run in selectors.job_runs():
            succeeded.add_metric([run.task_path], _timestamp(run.last_succeeded_at))
            enqueued.add_metric([run.task_path], _timestamp(run.last_enqueued_at))
        yield succeeded
        yield enqueued

        lag = GaugeMetricFamily(
            "arki_access_log_sealing_lag_seconds",
            "Age of the oldest log row not yet sealed into the hash chain (0 when all are).",
            labels=["log"],
        )
        unsealed = GaugeMetricFamily(
            "arki_access_log_unsealed_rows",
            "Log rows not yet sealed into the hash chain.",
            labels=["log"],
        )
        for log in selectors.log_sealing():
            lag.add_metric([log.log], _age(now, log.oldest_unsealed_at))
            unsealed.add_metric([log.log], log.unsealed)
        yield lag
        yield unsealed


def scrape() -> bytes:
    """The text exposition of every series."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get(MULTIPROCESS_DIR_VARIABLE):
        MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_REGISTRY)
    registry.register(DatabaseCollector())
    return generate_latest(registry)
