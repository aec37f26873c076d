"""The scheduler enqueues each periodic task once per interval, however many servers run it."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from operations import schedule
from operations.models import ScheduledJob
from operations.selectors import HEARTBEAT_TASK

TASKS = ["audit.tasks.seal_logs", "notifications.tasks.prune_outbox_task"]
INTERVAL = timedelta(minutes=15)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queued(settings):
    """Tasks go to the database queue, as in production, instead of running at once."""
    settings.ARKI_PERIODIC_TASKS = TASKS
    settings.TASKS = DATABASE_TASKS


@task()
def failing() -> None:
    raise RuntimeError("a periodic task that fails")


@task()
def succeeding() -> None:
    return None


def queue() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


@pytest.mark.django_db
def test_a_second_server_in_the_same_interval_enqueues_nothing(queued):
    now = timezone.now()
    first = schedule.enqueue_due(now, INTERVAL)
    second = schedule.enqueue_due(now + timedelta(minutes=2), INTERVAL)

    assert first == [*TASKS, HEARTBEAT_TASK]
    assert second == []
    assert queue() == sorted([*TASKS, HEARTBEAT_TASK])


@pytest.mark.django_db
def test_the_next_interval_enqueues_again(queued):
    now = timezone.now()
    schedule.enqueue_due(now, INTERVAL)
    assert schedule.enqueue_due(now + INTERVAL - timedelta(seconds=5), INTERVAL) == [
        *TASKS,
        HEARTBEAT_TASK,
    ]
    assert len(queue()) == 2 * 3


@pytest.mark.django_db
def test_the_command_prints_what_it_enqueued(queued):
    out = io.StringIO()
    call_command("scheduler", "--once", "--interval", "900", stdout=out)
    assert out.getvalue().splitlines() == [f"enqueued {path}" for path in [*TASKS, HEARTBEAT_TASK]]
    assert ScheduledJob.objects.get(task_path=TASKS[0]).last_succeeded_at is None


@pytest.mark.django_db
def test_only_a_periodic_tasks_success_is_recorded(settings):
    failing_path = "operations.tests.test_scheduler.failing"
    settings.ARKI_PERIODIC_TASKS = [failing_path, *TASKS]

    schedule.enqueue_due(timezone.now(), INTERVAL)  # the test settings run each task at once
    succeeding.enqueue()  # not a periodic task

    recorded = dict(ScheduledJob.objects.values_list("task_path", "last_succeeded_at"))
    assert set(recorded) == {failing_path, *TASKS, HEARTBEAT_TASK}
    assert recorded[failing_path] is None
    assert recorded["audit.tasks.seal_logs"] is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")
def test_while_another_server_holds_the_lock_nothing_is_enqueued(queued):
    import psycopg

    config = connection.settings_dict
    other = psycopg.connect(
        dbname=config["NAME"],
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or None,
        autocommit=True,
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [schedule.SCHEDULER_LOCK])
        assert schedule.enqueue_due(timezone.now(), INTERVAL) is None
        assert queue() == []
        other.execute("SELECT pg_advisory_unlock(%s)", [schedule.SCHEDULER_LOCK])
        assert schedule.enqueue_due(timezone.now(), INTERVAL) == [*TASKS, HEARTBEAT_TASK]
    finally:
        other.close()
