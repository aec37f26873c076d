"""/readyz: the database, the worker's heartbeat and the periodic tasks' last runs."""

from __future__ import annotations

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import OperationalError
from django.urls import reverse
from django.utils import timezone

from operations.models import ScheduledJob
from operations.selectors import HEARTBEAT_TASK

# Harmless periodic tasks: sealing an empty log and pruning an empty outbox.
TASKS = ["audit.tasks.seal_logs", "notifications.tasks.prune_outbox_task"]


@pytest.fixture
def periodic(settings):
    settings.ARKI_PERIODIC_TASKS = TASKS
    settings.ARKI_SCHEDULE_STALE_SECONDS = 3600


@pytest.mark.django_db
def test_before_anything_ran_it_is_not_ready_and_says_why(client, periodic):
    response = client.get(reverse("operations:readyz"))

    assert response.status_code == 503
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["worker"] == {"status": "never", "heartbeat_age_seconds": None}
    assert body["scheduler"]["status"] == "stale"
    assert body["scheduler"]["stale_after_seconds"] == 3600
    assert set(body["scheduler"]["jobs"]) == set(TASKS)
    assert body["scheduler"]["jobs"]["audit.tasks.seal_logs"] == {
        "status": "never",
        "last_success_age_seconds": None,
        "last_enqueued_age_seconds": None,
    }


@pytest.mark.django_db
def test_after_the_scheduler_and_worker_ran_everything_it_is_ready(client, periodic):
    # The test settings run tasks at once (ImmediateBackend): the scheduler's run is the worker's.
    call_command("scheduler", "--once", stdout=io.StringIO())

    response = client.get(reverse("operations:readyz"))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert body["worker"]["status"] == "ok"
    assert 0 <= body["worker"]["heartbeat_age_seconds"] < 60
    for job in body["scheduler"]["jobs"].values():
        assert job["status"] == "ok"
        assert 0 <= job["last_success_age_seconds"] < 60
        assert 0 <= job["last_enqueued_age_seconds"] < 60


@pytest.mark.django_db
def test_a_periodic_task_that_stopped_succeeding_makes_it_not_ready(client, periodic):
    now = timezone.now()
    for path in [*TASKS, HEARTBEAT_TASK]:
        ScheduledJob.objects.create(task_path=path, last_enqueued_at=now, last_succeeded_at=now)
    ScheduledJob.objects.filter(task_path="audit.tasks.seal_logs").update(
        last_succeeded_at=now - timedelta(seconds=3601)
    )

    response = client.get(reverse("operations:readyz"))

    assert response.status_code == 503
    body = response.json()
    assert body["worker"]["status"] == "ok"
    assert body["scheduler"]["status"] == "stale"
    assert body["scheduler"]["jobs"]["audit.tasks.seal_logs"]["status"] == "stale"
    assert body["scheduler"]["jobs"]["notifications.tasks.prune_outbox_task"]["status"] == "ok"


@pytest.mark.django_db
def test_a_silent_worker_makes_it_not_ready(client, periodic):
    now = timezone.now()
    for path in TASKS:
        ScheduledJob.objects.create(task_path=path, last_enqueued_at=now, last_succeeded_at=now)
    ScheduledJob.objects.create(
        task_path=HEARTBEAT_TASK, last_enqueued_at=now, last_succeeded_at=now - timedelta(hours=2)
    )

    body = client.get(reverse("operations:readyz")).json()

    assert body["status"] == "error"
    assert body["worker"] == {"status": "stale", "heartbeat_age_seconds": 7200}
    assert body["scheduler"]["status"] == "ok"


@pytest.mark.django_db
def test_without_the_database_it_is_not_ready(client, periodic):
    with mock.patch.object(
        BaseDatabaseWrapper, "_cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get(reverse("operations:readyz"))

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
