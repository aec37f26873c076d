"""The readiness report behind ``/readyz``: the database, the worker's heartbeat and the periodic
tasks' last runs, each with a verdict. Job names and ages only: nothing about anyone's data."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection

from operations.selectors import HEARTBEAT_TASK, JobRun, job_runs

OK, STALE, NEVER = "ok", "stale", "never"


def _age(now: datetime, moment: datetime | None) -> int | None:
    return None if moment is None else max(0, round((now - moment).total_seconds()))


def _verdict(age: int | None, stale_after: timedelta) -> str:
    if age is None:
        return NEVER
    return OK if age <= stale_after.total_seconds() else STALE


def _job(now: datetime, run: JobRun, stale_after: timedelta) -> dict[str, Any]:
    age = _age(now, run.last_succeeded_at)
    return {
        "status": _verdict(age, stale_after),
        "last_success_age_seconds": age,
        "last_enqueued_age_seconds": _age(now, run.last_enqueued_at),
    }


def readiness(now: datetime) -> tuple[bool, dict[str, Any]]:
    """(ready, report). Ready when the database answers, the worker's heartbeat task and every
    periodic task succeeded within ``ARKI_SCHEDULE_STALE_SECONDS``."""
    stale_after = timedelta(seconds=settings.ARKI_SCHEDULE_STALE_SECONDS)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        runs = job_runs()
    except DatabaseError:
        return False, {"status": "error", "database": "unavailable"}
    jobs = {run.task_path: _job(now, run, stale_after) for run in runs}
    heartbeat = jobs.pop(HEARTBEAT_TASK)
    worker_ok = heartbeat["status"] == OK
    scheduler_ok = all(job["status"] == OK for job in jobs.values())
    report = {
        "status": OK if worker_ok and scheduler_ok else "error",
        "database": OK,
        "worker": {
            "status": heartbeat["status"],
            "heartbeat_age_seconds": heartbeat["last_success_age_seconds"],
        },
        "scheduler": {
            "status": OK if scheduler_ok else STALE,
            "stale_after_seconds": round(stale_after.total_seconds()),
            "jobs": jobs,
        },
    }
    return worker_ok and scheduler_ok, report
