"""A database outage answers a friendly 503 with Retry-After; nothing half-written; recovery."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator
from unittest import mock

import pytest
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse

from arki import env
from meetings.models import MeetingRecord, MeetingRecordRevision, Promise
from meetings.tests.helpers import network_with_meeting
from meetings.tests.test_views import record_post
from networks.models import MeetingStatus

FRIENDLY = "Arki cannot reach its database right now"
SIGN_IN = {"username": "a@example.fi", "password": "x" * 20}


@contextlib.contextmanager
def database_down(error: type[Exception] = OperationalError) -> Iterator[None]:
    """Every new cursor fails as it does when PostgreSQL has gone away."""
    with mock.patch.object(
        BaseDatabaseWrapper,
        "_cursor",
        side_effect=error("connection to server at 127.0.0.1, port 5432 failed"),
    ):
        yield


def no_raise_client(**defaults: str) -> Client:
    # The default test client re-raises any exception a middleware turned into a 500.
    return Client(raise_request_exception=False, **defaults)


def assert_friendly_503(response, language: str = "en") -> str:
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Language"] == language
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    return page


@pytest.mark.django_db
def test_an_outage_under_the_session_and_user_middleware_is_a_503():
    from accounts.models import User

    user = User.objects.create_user(email="a@example.fi", password="x" * 20, full_name="A B")
    client = no_raise_client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    with database_down():
        response = client.get(reverse("home:home"))
    page = assert_friendly_503(response)
    assert FRIENDLY in page
    assert "Traceback" not in page
    # The outer middleware still adds its headers.
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Request-ID"]
    # The database is back: the same session works again on the next request.
    assert client.get(reverse("home:home")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_an_outage_in_a_view_is_a_503(error):
    client = no_raise_client(HTTP_ACCEPT_LANGUAGE="en")
    with database_down(error):
        response = client.post(reverse("accounts:login"), SIGN_IN)
    assert FRIENDLY in assert_friendly_503(response)


@pytest.mark.django_db
def test_the_page_is_in_the_users_language():
    client = no_raise_client(HTTP_ACCEPT_LANGUAGE="sv")
    with database_down():
        assert_friendly_503(client.post(reverse("accounts:login"), SIGN_IN), "sv")
    client = no_raise_client()  # no preference: Finnish, the default language
    client.cookies["django_language"] = "fi"
    with database_down():
        assert_friendly_503(client.post(reverse("accounts:login"), SIGN_IN), "fi")


@pytest.mark.django_db
def test_other_errors_stay_500s():
    client = no_raise_client()
    with mock.patch.object(BaseDatabaseWrapper, "_cursor", side_effect=ValueError("bug")):
        response = client.post(reverse("accounts:login"), SIGN_IN)
    assert response.status_code == 500
    assert "Retry-After" not in response


@pytest.mark.django_db
def test_healthz_answers_503_while_the_database_is_down():
    client = no_raise_client()
    with database_down():
        assert client.get("/healthz").status_code == 503
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_an_outage_in_the_middle_of_a_save_writes_nothing(kaakkuri, children):
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    client = no_raise_client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(coordinator)
    url = reverse("meetings:record", args=[meeting.pk])
    # The connection drops after the record row is written but before the save finishes.
    with mock.patch.object(
        MeetingRecordRevision.objects,
        "create",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        response = client.post(url, record_post(network, meeting))
    assert FRIENDLY in assert_friendly_503(response)
    assert not MeetingRecord.objects.exists()
    assert not Promise.objects.exists()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    # Saving again once the database answers works from the same version.
    assert client.post(url, record_post(network, meeting)).status_code == 302
    assert MeetingRecord.objects.get().version == 1


def test_postgresql_settings_fail_fast_and_reconnect(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://arki@db.example:5432/arki")
    monkeypatch.delenv("DB_CONN_MAX_AGE", raising=False)
    monkeypatch.delenv("DB_CONNECT_TIMEOUT", raising=False)
    config = env.get_database(tmp_path / "unused.sqlite3")
    assert config["OPTIONS"]["connect_timeout"] == 2
    assert config["CONN_HEALTH_CHECKS"] is True
    assert config["CONN_MAX_AGE"] == 60
    monkeypatch.setenv("DB_CONN_MAX_AGE", "0")
    monkeypatch.setenv("DB_CONNECT_TIMEOUT", "5")
    config = env.get_database(tmp_path / "unused.sqlite3")
    assert config["CONN_MAX_AGE"] == 0
    assert config["OPTIONS"]["connect_timeout"] == 5


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_stopped_postgresql_is_a_fast_503_and_the_next_request_reconnects():
    """A real refused connection, not a patch: the server 'stops', then 'starts' again."""
    client = no_raise_client(HTTP_ACCEPT_LANGUAGE="en")
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = closed_port()
    try:
        started = time.monotonic()
        response = client.post(reverse("accounts:login"), SIGN_IN)
        assert time.monotonic() - started < 3
        assert FRIENDLY in assert_friendly_503(response)
        assert client.get("/healthz").status_code == 503
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert client.get("/healthz").status_code == 200


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_restarted_server_is_reconnected_on_the_next_request():
    """The persistent connection died with the server; the health check replaces it."""
    from django.db import close_old_connections, connections

    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    client = no_raise_client()

    def request_as_a_server_does() -> int:
        # The test client leaves out the request_started/finished connection housekeeping.
        close_old_connections()
        status = client.get("/healthz").status_code
        close_old_connections()
        return status

    max_age = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 60
    try:
        assert request_as_a_server_does() == 200
        backend_pid = connection.connection.info.backend_pid
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
        finally:
            other.close()
        # The server restarted under a kept connection: the next request is answered.
        assert request_as_a_server_does() == 200
        assert connection.connection.info.backend_pid != backend_pid
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = max_age
