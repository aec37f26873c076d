"""/metrics: behind a bearer token, request series by route name, database figures at scrape time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from accounts.tests.factories import UserFactory
from audit.access import record_access
from operations import metrics
from operations.models import ScheduledJob
from operations.selectors import HEARTBEAT_TASK
from operations.tasks import worker_heartbeat

TOKEN = "a-metrics-token-long-enough-for-production"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(series: dict, name: str, **labels: str) -> float:
    return series[(name, frozenset(labels.items()))]


def scrape(client) -> dict[tuple[str, frozenset], float]:
    response = client.get(reverse("operations:metrics"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    return samples(response.content.decode())


@pytest.fixture
def token(settings):
    settings.ARKI_METRICS_TOKEN = TOKEN


@pytest.mark.django_db
def test_without_a_configured_token_the_endpoint_does_not_exist(client, settings):
    settings.ARKI_METRICS_TOKEN = ""
    response = client.get(reverse("operations:metrics"), HTTP_AUTHORIZATION="Bearer anything")
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header", [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x"]
)
def test_a_missing_or_wrong_token_is_refused(client, token, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get(reverse("operations:metrics"), **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"arki_" not in response.content


@pytest.mark.django_db
def test_the_scrape_has_request_task_schedule_and_sealing_series(client, token, settings):
    before = scrape(client)
    user = UserFactory(full_name="Maija Meikäläinen")
    client.force_login(user)
    client.get(reverse("home:home"))
    client.get(reverse("home:home"))
    client.get("/networks/424242/")  # someone else's or no network: the label is the route name
    client.get(reverse("operations:readyz"))  # the test world has run no periodic task: 503
    record_access(actor=user, subject=user, action="view", basis="", success=True)
    ScheduledJob.objects.create(task_path=HEARTBEAT_TASK, last_succeeded_at=timezone.now())
    settings.TASKS = DATABASE_TASKS
    worker_heartbeat.enqueue()

    series = scrape(client)

    def grew(name: str, by: float, **labels: str) -> bool:
        key = (name, frozenset(labels.items()))
        return series[key] - before.get(key, 0.0) == by

    assert grew("arki_http_request_duration_seconds_count", 2, route="home:home", method="GET")
    assert grew("arki_http_responses_total", 2, route="home:home", method="GET", status="200")
    assert grew(
        "arki_http_responses_total", 1, route="operations:readyz", method="GET", status="503"
    )
    assert (
        value(series, "arki_http_request_duration_seconds_sum", route="home:home", method="GET") > 0
    )
    routes = {dict(labels)["route"] for _name, labels in series if "route" in dict(labels)}
    assert "networks:detail" in routes
    assert not any("/" in route or "424242" in route for route in routes)

    assert value(series, "arki_database_up") == 1
    assert value(series, "arki_task_queue_depth", queue="default") == 1
    assert 0 <= value(series, "arki_task_queue_oldest_age_seconds", queue="default") < 60
    for path in django_settings.ARKI_PERIODIC_TASKS:
        assert value(series, "arki_scheduled_task_last_success_timestamp_seconds", task=path) == 0
        assert value(series, "arki_scheduled_task_last_enqueued_timestamp_seconds", task=path) == 0
    heartbeat = value(
        series, "arki_scheduled_task_last_success_timestamp_seconds", task=HEARTBEAT_TASK
    )
    assert abs(heartbeat - timezone.now().timestamp()) < 60
    assert value(series, "arki_access_log_unsealed_rows", log="audit.accesslog") == 1
    assert 0 <= value(series, "arki_access_log_sealing_lag_seconds", log="audit.accesslog") < 60
    assert value(series, "arki_access_log_unsealed_rows", log="audit.disclosurelog") == 0

    text = "\n".join(str(labels) for _name, labels in series)
    assert "Maija" not in text and str(user.email) not in text


@pytest.mark.django_db
def test_a_database_outage_leaves_the_request_series_and_says_so(client, token, monkeypatch):
    from django.db import OperationalError

    from operations import selectors

    def broken():
        raise OperationalError("connection refused")

    monkeypatch.setattr(selectors, "task_queues", broken)
    series = scrape(client)
    assert value(series, "arki_database_up") == 0
    assert not any(name.startswith("arki_task_queue") for name, _labels in series)


@pytest.mark.django_db
def test_multiprocess_mode_adds_up_every_workers_counts(tmp_path: Path, monkeypatch):
    """As under gunicorn (deploy/): each process writes its counts to PROMETHEUS_MULTIPROC_DIR."""
    worker = (
        "import django; django.setup()\n"
        "from operations.metrics import observe_request\n"
        "observe_request('home:home', 'GET', 200, 0.2)\n"
        "observe_request('home:home', 'GET', 500, 0.3)\n"
    )
    environment = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "arki.settings",
        "ARKI_LOCAL_DIR": str(tmp_path / "local"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }
    for _process in range(2):
        subprocess.run(
            [sys.executable, "-c", worker],
            env=environment,
            cwd=django_settings.BASE_DIR,
            check=True,
            timeout=60,
        )
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))

    series = samples(metrics.scrape().decode())

    get = {"route": "home:home", "method": "GET"}
    assert value(series, "arki_http_request_duration_seconds_count", **get) == 4
    assert value(series, "arki_http_responses_total", status="500", **get) == 2
    assert value(series, "arki_database_up") == 1
