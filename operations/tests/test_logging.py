"""One JSON line per request: ids, route name, status and duration; nothing that names anyone."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from operations.logs import JsonFormatter, current_request_id

FIELDS = {"time", "level", "logger", "message", "request_id", "user_id", "route", "method"}
FIELDS |= {"status", "duration_ms"}


@pytest.fixture
def request_lines():
    """The JSON lines written by the request logger while the test runs."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    request_logger = logging.getLogger("arki.requests")
    level = request_logger.level
    request_logger.addHandler(handler)
    request_logger.setLevel(logging.INFO)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    request_logger.removeHandler(handler)
    request_logger.setLevel(level)


@pytest.mark.django_db
def test_a_signed_in_users_page_is_one_line_with_ids_and_no_name_email_or_query(
    client, request_lines
):
    user = UserFactory(full_name="Maija Meikäläinen", email="maija.meikalainen@example.fi")
    client.force_login(user)

    response = client.get(reverse("home:home"), {"q": "Meikäläinen", "hetu": "010101-123N"})

    assert response.status_code == 200
    [line] = request_lines()
    assert set(line) >= FIELDS
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] == user.pk
    assert (line["route"], line["method"], line["status"]) == ("home:home", "GET", 200)
    assert line["level"] == "info"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    text = json.dumps(line, ensure_ascii=False)
    for secret in ("Maija", "Meikäläinen", "maija.meikalainen", "010101", "hetu", "?", "/"):
        assert secret not in text.replace(line["time"], "")


@pytest.mark.django_db
def test_form_data_never_reaches_the_log(client, request_lines):
    UserFactory(email="kirjautuja@example.fi")
    response = client.post(
        reverse("accounts:login"),
        {"username": "kirjautuja@example.fi", "password": "Salasana-Väärin-123"},
    )

    [line] = request_lines()
    assert line["route"] == "accounts:login"
    assert line["status"] == response.status_code
    assert line["user_id"] is None
    text = json.dumps(line, ensure_ascii=False)
    assert "kirjautuja" not in text
    assert "Salasana" not in text


@pytest.mark.django_db
def test_an_unknown_address_is_logged_without_its_path(client, request_lines):
    client.get("/networks/999999/family-link/secret-token/")

    [line] = request_lines()
    assert (line["route"], line["status"]) == ("unresolved", 404)
    assert "secret-token" not in json.dumps(line)


@pytest.mark.django_db
def test_a_proxys_request_id_is_the_lines_id(client, request_lines):
    client.get(reverse("home:healthz"), HTTP_X_REQUEST_ID="0123456789abcdef0123")

    [line] = request_lines()
    assert line["request_id"] == "0123456789abcdef0123"
    assert line["user_id"] is None


def test_other_lines_carry_the_request_id_and_only_plain_extra_fields():
    formatter = JsonFormatter()
    record = logging.LogRecord("arki.x", logging.WARNING, __file__, 1, "seal %s", ("late",), None)
    record.request = object()  # e.g. django.request's request: its repr would show the path
    record.rows = 3
    token = current_request_id.set("abcdef0123456789")
    try:
        line = json.loads(formatter.format(record))
    finally:
        current_request_id.reset(token)

    assert line["message"] == "seal late"
    assert line["level"] == "warning"
    assert line["request_id"] == "abcdef0123456789"
    assert line["rows"] == 3
    assert "request" not in line


def test_an_exception_is_one_line_with_its_traceback():
    formatter = JsonFormatter()
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "arki.x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    output = formatter.format(record)

    assert "\n" not in output
    assert "ValueError: boom" in json.loads(output)["exception"]
