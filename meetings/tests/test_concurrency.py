"""Two users save the same meeting record at the same moment: exactly one wins, the other is told.

Real concurrency needs real row locks and separate connections, so these tests run only on
PostgreSQL (CI runs the suite there too). On SQLite ``select_for_update`` is a no-op and the
test database lives in memory; the stale-version logic itself is covered in test_services.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contacts.tests.helpers import coordinator_of
from meetings import services
from meetings.models import Goal, MeetingRecord, MeetingRecordRevision, Promise
from meetings.services import RecordInput
from meetings.tests.helpers import network_with_meeting, participants
from meetings.tests.test_views import record_post

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has no row locks and its test database is in memory",
    ),
    pytest.mark.django_db(transaction=True),
]

# Long enough that, without the row lock, both saves would pass the version check.
SLOW_WRITE = 0.3


def race(*jobs: Callable[[], Any]) -> list[Any]:
    """Run the jobs in threads (each with its own database connection), released together."""
    start = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            start.wait(timeout=10)
            results[index] = job()
        except Exception as error:  # the test inspects what each side got
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive(), "a save hung"
    return results


def slow_goals() -> Any:
    """Widen the window between the version check and the end of the transaction."""
    original = services._save_goals

    def slow(meeting: Any, data: RecordInput, *read: Any) -> None:
        time.sleep(SLOW_WRITE)
        original(meeting, data, *read)

    return mock.patch.object(services, "_save_goals", slow)


@pytest.fixture
def setup(kaakkuri, children):
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    other = coordinator_of(kaakkuri, children, email="toinen@example.fi", full_name="Toini Toinen")
    return network, meeting, coordinator, other


@pytest.mark.parametrize("opened_version", [0, 1])
def test_two_saves_of_the_same_version_one_wins_one_is_told(setup, opened_version):
    network, meeting, first, second = setup
    if opened_version:
        services.save_meeting_record(
            meeting=meeting, by=first, expected_version=0, data=RecordInput(common_goal="Alku")
        )
    teacher = participants(network)["Olli Opettaja"]
    due = timezone.localdate() + timedelta(days=7)

    def save(user: Any, goal: str) -> Callable[[], Any]:
        def job() -> Any:
            return services.save_meeting_record(
                meeting=meeting,
                by=user,
                expected_version=opened_version,
                data=RecordInput(
                    common_goal=goal,
                    new_promises=[services.NewPromise(teacher, f"Lupaus: {goal}", due)],
                ),
            )

        return job

    with slow_goals():
        results = race(save(first, "Ensimmäisen versio"), save(second, "Toisen versio"))

    winners = [r for r in results if isinstance(r, MeetingRecord)]
    losers = [r for r in results if isinstance(r, services.StaleRecord)]
    assert len(winners) == 1 and len(losers) == 1, results
    record = MeetingRecord.objects.get(meeting=meeting)
    assert record.version == opened_version + 1
    assert record.common_goal == winners[0].common_goal
    assert losers[0].saved_by == record.saved_by.full_name
    assert "common_goal" in losers[0].changed
    # Nothing of the loser's save was written: one revision per version, only the winner's promise.
    assert MeetingRecordRevision.objects.filter(record=record).count() == opened_version + 1
    assert list(Promise.objects.values_list("act", flat=True)) == [f"Lupaus: {record.common_goal}"]


def test_through_the_form_the_later_user_gets_the_form_back_with_the_message(setup):
    network, meeting, first, second = setup
    url = reverse("meetings:record", args=[meeting.pk])
    clients = {}
    for user in (first, second):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.cookies["django_language"] = "en"
        client.force_login(user)
        assert client.get(url).status_code == 200  # both open version 0
        clients[user.full_name] = client

    def post(name: str) -> Callable[[], Any]:
        data = record_post(network, meeting, common_goal=f"{name}: yhteinen tavoite")
        data["promise-1-act"] = f"{name}: herätys"
        data["newgoal-0-text"] = f"{name}: uusi tavoite"
        return lambda: clients[name].post(url, data)

    with slow_goals():
        responses = dict(
            zip(clients, race(post(first.full_name), post(second.full_name)), strict=True)
        )

    statuses = sorted(r.status_code for r in responses.values())
    assert statuses == [200, 302], responses
    winner = next(name for name, r in responses.items() if r.status_code == 302)
    loser = next(name for name, r in responses.items() if r.status_code == 200)
    form = responses[loser].context["form"]
    message = " ".join(form.non_field_errors())
    assert f"{winner} saved this record while you were writing" in message
    # The loser's text is kept in the form, now based on the saved version...
    assert form["common_goal"].value() == f"{loser}: yhteinen tavoite"
    assert form["version"].value() == "1"
    # ...and offers what the other save added (its new goal, to rate).
    added = Goal.objects.get(text=f"{winner}: uusi tavoite")
    assert f"goal-{added.pk}-rating" in form.fields
    # ...and nothing of theirs was written.
    record = MeetingRecord.objects.get(meeting=meeting)
    assert record.version == 1
    assert record.common_goal == f"{winner}: yhteinen tavoite"
    assert record.saved_by.full_name == winner
    acts = set(Promise.objects.values_list("act", flat=True))
    assert f"{winner}: herätys" in acts
    assert not any(act.startswith(loser) for act in acts)
