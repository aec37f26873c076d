"""SQLite, the embedded default, under concurrent use: the same answers as PostgreSQL, no 5xx.

Two people saving one meeting record at the same moment: one save wins, the other gets the
form back with the stale-record message and their text kept. Sixty wrong family codes at once:
the link locks after exactly ``MAX_ATTEMPTS`` and every answer is 200 or 403.

The test database of the suite lives in memory (shared cache), where SQLite reports a locked
table at once instead of waiting; a real installation uses a file. These tests therefore copy
the test database into a file and point every connection at it for the duration of the test.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite configuration"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def file_database(tmp_path: Path) -> Iterator[Path]:
    """Every connection opened during the test uses a file copy of the (empty) test database."""
    settings_dict = connection.settings_dict
    memory_name = settings_dict["NAME"]
    connection.ensure_connection()
    memory = connection.connection
    path = tmp_path / "arki.sqlite3"
    target = sqlite3.connect(path)
    memory.backup(target)
    target.close()
    # Detach the in-memory connection without closing it (closing would drop that database).
    connection.connection = None
    settings_dict["NAME"] = str(path)
    try:
        yield path
    finally:
        connection.close()
        settings_dict["NAME"] = memory_name
        connection.connection = memory


def race(*jobs: Callable[[], Any]) -> list[Any]:
    """Run the jobs in threads (each with its own database connection), released together."""
    start = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            start.wait(timeout=30)
            results[index] = job()
        except Exception as error:  # the test inspects what each side got
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a request hung"
    return results


def test_the_connection_is_configured_for_several_users(file_database):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
    assert connection.transaction_mode == "IMMEDIATE"


def english_client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


@pytest.mark.parametrize("attempt", range(3))
def test_two_saves_of_one_meeting_record_one_wins_the_other_keeps_their_text(
    kaakkuri, children, attempt
):
    from contacts.tests.helpers import coordinator_of
    from meetings.models import MeetingRecord, Promise
    from meetings.tests.helpers import network_with_meeting
    from meetings.tests.test_views import record_post

    network, meeting, first = network_with_meeting(kaakkuri, children)
    second = coordinator_of(kaakkuri, children, email="toinen@example.fi", full_name="Toini Toinen")
    url = reverse("meetings:record", args=[meeting.pk])
    clients = {}
    for user in (first, second):
        client = english_client(user)
        assert client.get(url).status_code == 200  # both open version 0
        clients[user.full_name] = client

    def post(name: str) -> Callable[[], Any]:
        data = record_post(network, meeting, common_goal=f"{name}: yhteinen tavoite")
        data["promise-1-act"] = f"{name}: herätys"
        return lambda: clients[name].post(url, data)

    responses = dict(zip(clients, race(post(first.full_name), post(second.full_name)), strict=True))

    statuses = sorted(str(getattr(r, "status_code", r)) for r in responses.values())
    assert statuses == ["200", "302"], responses
    winner = next(name for name, r in responses.items() if r.status_code == 302)
    loser = next(name for name, r in responses.items() if r.status_code == 200)
    form = responses[loser].context["form"]
    assert f"{winner} saved this record while you were writing" in " ".join(form.non_field_errors())
    assert form["common_goal"].value() == f"{loser}: yhteinen tavoite"
    record = MeetingRecord.objects.get(meeting=meeting)
    assert (record.version, record.common_goal) == (1, f"{winner}: yhteinen tavoite")
    acts = set(Promise.objects.values_list("act", flat=True))
    assert f"{winner}: herätys" in acts
    assert not any(act.startswith(loser) for act in acts)


def test_sixty_wrong_family_codes_at_once_lock_the_link_without_errors(kaakkuri, children):
    from family import services
    from family.models import FamilyLink
    from meetings.tests.helpers import network_with_meeting, participants

    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    issued = services.create_link(
        participant=participants(network)["Maija Virtanen"], by=coordinator
    )
    url = reverse("family:plan", args=[issued.token])
    wrong = "000000" if issued.code != "000000" else "111111"

    responses = race(*[lambda: Client().post(url, {"code": wrong}) for _ in range(60)])

    statuses = [getattr(r, "status_code", r) for r in responses]
    assert sorted(set(statuses)) == [200, 403], statuses
    assert statuses.count(200) == services.MAX_ATTEMPTS - 1
    link = FamilyLink.objects.get()
    assert link.failed_attempts == services.MAX_ATTEMPTS
    assert link.locked_at is not None
    # The right code no longer opens it.
    assert Client().post(url, {"code": issued.code}).status_code == 403
