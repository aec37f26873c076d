"""/metrics scraped after real work, as Prometheus would (issue #20).

Pages answered (one of them a server error), the scheduler run once, a worker run until the
queue was empty, more tasks and access-log rows waiting: then one scrape with the bearer token,
parsed with prometheus_client's own parser, and the key series checked — request latency by
route, 5xx counts, the task queue's depth and age, the last success of every periodic task and
the access log's sealing lag.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from accounts.tests.factories import UserFactory
from audit.access import record_access
from operations.selectors import HEARTBEAT_TASK
from operations.tasks import worker_heartbeat

TOKEN = "a-metrics-token-long-enough-for-production"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
Series = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: Client) -> tuple[Series, dict[str, str]]:
    """The samples by name and labels, and each family's type."""
    response = client.get(reverse("operations:metrics"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    families = list(text_string_to_metric_families(response.content.decode()))
    samples = {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in families
        for sample in family.samples
    }
    return samples, {family.name: family.type for family in families}


def get(series: Series, name: str, **labels: str) -> float:
    return series.get((name, frozenset(labels.items())), 0.0)


@pytest.mark.django_db(transaction=True)
def test_a_scrape_after_real_work_has_the_key_series(settings, tmp_path: Path, monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    settings.ARKI_METRICS_TOKEN = TOKEN
    settings.ARKI_CHECKPOINT_DIR = tmp_path / "checkpoints"
    settings.TASKS = DATABASE_TASKS
    client = Client(raise_request_exception=False)
    before, _types = scrape(client)

    # Pages: three answered, one address that matches no page, one server error.
    user = UserFactory()
    client.force_login(user)
    for _ in range(3):
        assert client.get(reverse("home:home")).status_code == 200
    assert client.get("/no-such-page/").status_code == 404

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in a view")

    with monkeypatch.context() as patch:
        patch.setattr("home.views._programmes_of", broken)
        assert client.get(reverse("home:home")).status_code == 500

    # The scheduler once, a worker until the queue is empty: every periodic task has succeeded.
    record_access(actor=user, subject=user, action="view", basis="", success=True)
    call_command("scheduler", "--once", stdout=None)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    worked = time.time()
    # Then work that waits: two tasks in the queue, one access-log row not yet sealed.
    worker_heartbeat.enqueue()
    worker_heartbeat.enqueue()
    record_access(actor=user, subject=user, action="view", basis="", success=True)

    series, types = scrape(client)

    def grew(name: str, **labels: str) -> float:
        return get(series, name, **labels) - get(before, name, **labels)

    # Request latency by route: a histogram with buckets, count and sum.
    assert types["arki_http_request_duration_seconds"] == "histogram"
    home = {"route": "home:home", "method": "GET"}
    assert grew("arki_http_request_duration_seconds_count", **home) == 4
    assert grew("arki_http_request_duration_seconds_sum", **home) > 0
    assert grew("arki_http_request_duration_seconds_bucket", le="+Inf", **home) == 4
    assert get(series, "arki_http_request_duration_seconds_bucket", le="0.01", **home) <= get(
        series, "arki_http_request_duration_seconds_bucket", le="30.0", **home
    )
    # Responses by status: the 5xx is counted, under its route name.
    assert types["arki_http_responses"] == "counter"
    assert grew("arki_http_responses_total", status="200", **home) == 3
    assert grew("arki_http_responses_total", status="500", **home) == 1
    unresolved = {"route": "unresolved", "method": "GET", "status": "404"}
    assert grew("arki_http_responses_total", **unresolved) == 1
    server_errors = sum(
        value - before.get(key, 0.0)
        for key, value in series.items()
        if key[0] == "arki_http_responses_total" and dict(key[1])["status"].startswith("5")
    )
    assert server_errors == 1

    # The database figures.
    assert get(series, "arki_database_up") == 1
    assert get(series, "arki_task_queue_depth", queue="default") == 2
    assert 0 <= get(series, "arki_task_queue_oldest_age_seconds", queue="default") < 60
    for task in [*django_settings.ARKI_PERIODIC_TASKS, HEARTBEAT_TASK]:
        succeeded = get(series, "arki_scheduled_task_last_success_timestamp_seconds", task=task)
        enqueued = get(series, "arki_scheduled_task_last_enqueued_timestamp_seconds", task=task)
        assert worked - 60 < enqueued <= succeeded <= worked + 1, task
    assert get(series, "arki_access_log_unsealed_rows", log="audit.accesslog") == 1
    lag = get(series, "arki_access_log_sealing_lag_seconds", log="audit.accesslog")
    assert 0 <= lag < 60
    assert get(series, "arki_access_log_unsealed_rows", log="audit.disclosurelog") == 0
    assert get(series, "arki_access_log_sealing_lag_seconds", log="audit.disclosurelog") == 0
