"""Periodic tasks: enqueued once per interval however many servers run the scheduler, and their
last successful runs recorded for ``/readyz`` and ``/metrics``.

``manage.py scheduler`` may run on every app server (a systemd timer each, deploy/systemd/):
:func:`enqueue_due` takes a database lock and enqueues only the tasks that no server enqueued
in the last half interval, so two servers never enqueue the same task twice; the workers then
claim each queued task exactly once (django-tasks-db's ``SELECT … FOR UPDATE SKIP LOCKED``).
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResult, TaskResultStatus

from operations.models import ScheduledJob
from operations.selectors import periodic_tasks

# The PostgreSQL advisory lock every scheduler takes while it enqueues (a fixed 32-bit key).
SCHEDULER_LOCK = zlib.crc32(b"arki.operations.scheduler")


def take_scheduler_lock() -> bool:
    """Inside a transaction: whether this process may enqueue now.

    PostgreSQL: ``pg_try_advisory_xact_lock``, held until the transaction ends (a session lock
    would outlive the transaction behind pgbouncer in transaction mode); False while another
    server holds it. SQLite: always True — the transaction is IMMEDIATE (settings), so it
    already holds the database's only write lock and no other process can enqueue meanwhile.
    """
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SCHEDULER_LOCK])
        row = cursor.fetchone()
    return bool(row and row[0])


def enqueue_due(now: datetime, interval: timedelta) -> list[str] | None:
    """Enqueue every periodic task not enqueued in the last half ``interval``; returns their
    paths, or None when another server is enqueueing at this moment.

    Half an interval: servers whose timers fire in the same interval (clocks apart by less than
    half of it) enqueue once between them, and each interval's run is still due at the next.
    """
    with transaction.atomic():
        if not take_scheduler_lock():
            return None
        enqueued = []
        for path in periodic_tasks():
            job, _created = ScheduledJob.objects.select_for_update().get_or_create(task_path=path)
            if job.last_enqueued_at is not None and now - job.last_enqueued_at < interval / 2:
                continue
            import_string(path).enqueue()
            job.last_enqueued_at = now
            job.save(update_fields=["last_enqueued_at"])
            enqueued.append(path)
    return enqueued


def record_finished(sender: Any, task_result: TaskResult[Any], **kwargs: Any) -> None:
    """``task_finished`` receiver: remember when a periodic task last succeeded."""
    if task_result.status != TaskResultStatus.SUCCESSFUL:
        return
    path = task_result.task.module_path
    if path not in periodic_tasks():
        return
    ScheduledJob.objects.update_or_create(
        task_path=path, defaults={"last_succeeded_at": timezone.now()}
    )
