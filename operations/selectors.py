"""What the metrics and the readiness check read from the database: the task queue, the periodic
tasks' last runs and how far the logs' hash chain lags behind. Read when asked, so every app
server answers the same; nothing here names a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Min
from django_tasks_db.models import DBTaskResult

from audit.chain import LOGS
from operations.models import ScheduledJob

HEARTBEAT_TASK = "operations.tasks.worker_heartbeat"


@dataclass(frozen=True)
class QueueFigures:
    queue: str
    waiting: int  # tasks ready to run now
    oldest_enqueued_at: datetime | None


@dataclass(frozen=True)
class JobRun:
    task_path: str
    last_enqueued_at: datetime | None
    last_succeeded_at: datetime | None


@dataclass(frozen=True)
class SealingFigures:
    log: str
    unsealed: int
    oldest_unsealed_at: datetime | None


def periodic_tasks() -> list[str]:
    """The scheduler's tasks, the worker's heartbeat among them."""
    return list(dict.fromkeys([*settings.ARKI_PERIODIC_TASKS, HEARTBEAT_TASK]))


def task_queues() -> list[QueueFigures]:
    """Per queue, the tasks waiting to run now and the oldest one's enqueue time ("default"
    is always listed, so its series exists while it is empty)."""
    rows = (
        DBTaskResult.objects.ready()
        .order_by()
        .values("queue_name")
        .annotate(waiting=Count("pk"), oldest=Min("enqueued_at"))
    )
    figures = {
        row["queue_name"]: QueueFigures(row["queue_name"], row["waiting"], row["oldest"])
        for row in rows
    }
    figures.setdefault("default", QueueFigures("default", 0, None))
    return sorted(figures.values(), key=lambda figure: figure.queue)


def job_runs() -> list[JobRun]:
    """Every periodic task's last enqueue and last success (``None``: never)."""
    known = {
        job.task_path: job for job in ScheduledJob.objects.filter(task_path__in=periodic_tasks())
    }
    return [
        JobRun(
            path,
            known[path].last_enqueued_at if path in known else None,
            known[path].last_succeeded_at if path in known else None,
        )
        for path in periodic_tasks()
    ]


def log_sealing() -> list[SealingFigures]:
    """Per chained log, the rows not yet sealed into the hash chain and the oldest one's time.

    ``seq IS NULL`` is answered from the unique index on ``seq``: only the rows written since
    the last ``audit.tasks.seal_logs`` are visited.
    """
    figures = []
    for model in LOGS:
        row = model._base_manager.filter(seq__isnull=True).aggregate(
            unsealed=Count("pk"), oldest=Min("at")
        )
        figures.append(SealingFigures(model._meta.label_lower, row["unsealed"], row["oldest"]))
    return figures
