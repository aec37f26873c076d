"""Text messages: the outbox, the backends and the HTTP gateway, against a local fake gateway.

The fake gateway is an ``http.server`` on 127.0.0.1 started by the tests. It answers from a
script (200, 500, 400, or a timeout that accepts the message but answers too late), records every
request and, like a real gateway, delivers a message once per idempotency key.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.tests.factories import user_with_role
from audit.roles import Role
from core.errors import ValidationError
from core.tests.test_configuration import run_manage
from notifications import services, sms
from notifications.models import OutgoingSms
from notifications.services import SmsUnavailable, deliver_sms, prune_outbox, send_sms
from notifications.tests.test_outbox import DATABASE_BACKEND, run_worker, stored_text

pytestmark = pytest.mark.django_db

NUMBER = "+358401234567"
TEXT = "Arki: koodisi on 482913. Älä kerro sitä kenellekään."
TOKEN = "gateway-token-0123456789"


class FakeGateway:
    """A local SMS gateway: ``script`` is consumed one answer per request, then 200."""

    def __init__(self) -> None:
        self.script: list[int | str] = []
        self.requests: list[dict] = []
        self.delivered: dict[str, dict] = {}  # idempotency key -> the message
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with gateway.lock:
                    gateway.requests.append(
                        {"path": self.path, "headers": dict(self.headers), "body": body}
                    )
                    answer = gateway.script.pop(0) if gateway.script else 200
                key = self.headers.get("Idempotency-Key", "")
                if answer == "timeout":  # accepted, but the answer comes too late
                    gateway.deliver(key, body)
                    time.sleep(1.5)
                    answer = 200
                if answer != 200:
                    self.respond(answer, {"error": f"refused {body['to']}"})
                    return
                self.respond(200, {"id": gateway.deliver(key, body)})

            def respond(self, status: int, data: dict) -> None:
                payload = json.dumps(data).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/messages"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def deliver(self, key: str, body: dict) -> str:
        with self.lock:
            self.delivered.setdefault(key, body)
            return f"gw-{list(self.delivered).index(key) + 1}"

    def keys(self) -> list[str]:
        return [request["headers"]["Idempotency-Key"] for request in self.requests]


@pytest.fixture
def gateway(settings):
    fake = FakeGateway()
    fake.thread.start()
    settings.ARKI_SMS_BACKEND = "http"
    settings.ARKI_SMS_GATEWAY_URL = fake.url
    settings.ARKI_SMS_GATEWAY_TOKEN = TOKEN
    settings.ARKI_SMS_SENDER = "Oulu Arki"
    settings.ARKI_SMS_TIMEOUT_SECONDS = 1
    settings.ARKI_SMS_MAX_ATTEMPTS = 3
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture(autouse=True)
def waits(monkeypatch):
    """The waits between attempts, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(services, "sleep", slept.append)
    sms.outbox.clear()
    return slept


def the_row() -> OutgoingSms:
    return OutgoingSms.objects.get()


def assert_erased(row: OutgoingSms) -> None:
    assert (row.to, row.text) == ("", "")
    text = stored_text(OutgoingSms)
    assert "482913" not in text and "401234567" not in text and "koodisi" not in text


# --- The HTTP gateway -----------------------------------------------------------------------


def test_a_text_goes_to_the_gateway_once_and_only_its_log_stays(gateway, waits):
    pk = send_sms("040 123 4567", TEXT, purpose="code")

    [request] = gateway.requests
    row = the_row()
    assert row.pk == pk
    assert request["path"] == "/api/messages"
    headers = request["headers"]
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["Content-Type"] == "application/json"
    assert headers["Idempotency-Key"] == str(row.idempotency_key)
    assert request["body"] == {
        "to": NUMBER,
        "from": "Oulu Arki",
        "text": TEXT,
        "reference": str(row.idempotency_key),
    }
    assert row.status == OutgoingSms.Status.SENT
    assert (row.attempts, row.gateway_message_id, row.error) == (1, "gw-1", "")
    assert row.sent_at is not None and row.failed_at is None
    assert (row.purpose, row.recipient_hint) == ("code", "+358 …67")
    assert_erased(row)
    assert waits == []


def test_a_server_error_is_tried_again_with_the_same_key(gateway, waits):
    gateway.script = [500, 502]
    send_sms(NUMBER, TEXT, purpose="reminder")

    row = the_row()
    assert row.status == OutgoingSms.Status.SENT
    assert row.attempts == 3
    assert gateway.keys() == [str(row.idempotency_key)] * 3
    assert len(gateway.delivered) == 1
    assert waits == [1.0, 2.0]  # backoff: doubled after each failure
    assert_erased(row)


def test_a_timeout_is_tried_again_and_the_gateway_drops_the_repeat(gateway, waits):
    gateway.script = ["timeout"]
    send_sms(NUMBER, TEXT, purpose="invitation")

    row = the_row()
    assert row.status == OutgoingSms.Status.SENT
    assert row.attempts == 2
    assert gateway.keys() == [str(row.idempotency_key)] * 2
    # The first attempt arrived although its answer did not: the key kept it from a second send.
    assert len(gateway.delivered) == 1
    assert row.gateway_message_id == "gw-1"
    assert waits == [1.0]


def test_a_refused_message_fails_at_once_and_is_erased(gateway, waits, caplog):
    gateway.script = [400]
    with caplog.at_level(logging.INFO, logger="notifications"):
        send_sms(NUMBER, TEXT, purpose="code")

    row = the_row()
    assert row.status == OutgoingSms.Status.FAILED
    assert (row.attempts, row.error) == (1, "http 400")
    assert row.failed_at is not None and row.sent_at is None
    assert len(gateway.requests) == 1 and not gateway.delivered
    assert waits == []
    assert_erased(row)
    assert "http 400" in caplog.text
    assert "401234567" not in caplog.text and "482913" not in caplog.text


def test_a_gateway_that_stays_down_fails_after_the_last_attempt(gateway, waits, settings):
    settings.ARKI_SMS_MAX_ATTEMPTS = 4
    gateway.script = [503, 503, 503, 503]
    send_sms(NUMBER, TEXT, purpose="reminder")

    row = the_row()
    assert (row.status, row.attempts, row.error) == ("failed", 4, "http 503")
    assert len(gateway.requests) == 4
    assert waits == [1.0, 2.0, 4.0]
    assert_erased(row)


def test_too_many_requests_is_temporary(gateway):
    gateway.script = [429]
    send_sms(NUMBER, TEXT, purpose="reminder")
    assert (the_row().status, the_row().attempts) == ("sent", 2)


def test_an_unreachable_gateway_is_a_connection_failure(settings, waits):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.ARKI_SMS_BACKEND = "http"
    settings.ARKI_SMS_GATEWAY_URL = f"http://127.0.0.1:{port}/"
    settings.ARKI_SMS_MAX_ATTEMPTS = 2
    send_sms(NUMBER, TEXT, purpose="code")
    row = the_row()
    assert (row.status, row.attempts, row.error) == ("failed", 2, "connection")
    assert waits == [1.0]


def test_a_delivered_row_is_never_sent_again(gateway):
    pk = send_sms(NUMBER, TEXT, purpose="code")
    assert deliver_sms(pk) == "gone"
    assert deliver_sms(pk) == "gone"
    gateway.script = [400]
    failed = send_sms(NUMBER, TEXT, purpose="code")
    assert deliver_sms(failed) == "gone"
    assert len(gateway.requests) == 2
    assert len(gateway.delivered) == 1


def test_the_worker_sends_once_and_the_task_row_holds_only_the_id(gateway, settings):
    settings.TASKS = DATABASE_BACKEND
    pk = send_sms("040 123 4567", TEXT, purpose="code")
    [task] = DBTaskResult.objects.all()
    assert task.args_kwargs["kwargs"] == {"outgoing_sms_id": pk}
    assert "401234567" not in stored_text(DBTaskResult)
    assert "482913" not in stored_text(DBTaskResult)
    assert gateway.requests == []  # nothing leaves before the worker runs

    run_worker()
    # The same task queued again (a retried task) finds the row sent and sends nothing.
    from notifications.tasks import deliver_sms as deliver_sms_task

    deliver_sms_task.enqueue(outgoing_sms_id=pk)
    run_worker()
    assert len(gateway.requests) == 1
    assert the_row().status == "sent"
    assert "482913" not in stored_text(DBTaskResult)


def test_a_text_sent_in_a_rolled_back_transaction_is_never_queued(gateway, settings):
    settings.TASKS = DATABASE_BACKEND
    with pytest.raises(RuntimeError), transaction.atomic():
        send_sms(NUMBER, TEXT, purpose="code")
        raise RuntimeError("the service failed after queueing")
    assert not OutgoingSms.objects.exists() and not DBTaskResult.objects.exists()
    assert gateway.requests == []


def test_a_redirect_is_refused_rather_than_followed(settings, gateway):
    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(307)
            self.send_header("Location", gateway.url)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.ARKI_SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_address[1]}/"
        send_sms(NUMBER, TEXT, purpose="code")
    finally:
        server.shutdown()
        server.server_close()
    assert (the_row().status, the_row().error) == ("failed", "http 307")
    assert gateway.requests == []  # the token never went to the redirect's target


# --- send_sms ---------------------------------------------------------------------------------


def test_an_invalid_number_or_purpose_queues_nothing():
    with pytest.raises(ValidationError):
        send_sms("09 123 4567", TEXT, purpose="code")
    with pytest.raises(ValueError, match="purpose"):
        send_sms(NUMBER, TEXT, purpose="newsletter")
    with pytest.raises(ValueError):
        send_sms(NUMBER, "x" * (services.MAX_SMS_LENGTH + 1), purpose="code")
    with pytest.raises(ValueError):
        send_sms(NUMBER, "  ", purpose="code")
    assert not OutgoingSms.objects.exists() and sms.outbox == []


def test_with_text_messages_off_nothing_is_queued(settings):
    settings.ARKI_SMS_BACKEND = "off"
    assert not sms.sms_available()
    with pytest.raises(SmsUnavailable):
        send_sms(NUMBER, TEXT, purpose="code")
    assert not OutgoingSms.objects.exists()


def test_a_row_queued_before_text_messages_were_turned_off_fails(settings):
    settings.TASKS = DATABASE_BACKEND
    send_sms(NUMBER, TEXT, purpose="code")
    settings.ARKI_SMS_BACKEND = "off"
    run_worker()
    row = the_row()
    assert (row.status, row.error, row.attempts) == ("failed", "not configured", 0)
    assert_erased(row)


def test_a_custom_backends_error_is_recorded_by_class(settings):
    settings.ARKI_SMS_BACKEND = "notifications.tests.test_sms.BrokenBackend"
    send_sms(NUMBER, TEXT, purpose="code")
    row = the_row()
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.error == "builtins.KeyError"
    assert_erased(row)


class BrokenBackend:
    def send(self, message):
        raise KeyError(message.to)


# --- The development and test backends ---------------------------------------------------------


def test_the_tests_use_the_locmem_backend():
    pk = send_sms("+46 70 123 45 67", TEXT, purpose="invitation")
    [message] = sms.outbox
    assert (message.to, message.text, message.purpose) == ("+46701234567", TEXT, "invitation")
    row = OutgoingSms.objects.get(pk=pk)
    assert message.idempotency_key == str(row.idempotency_key)
    assert row.status == "sent" and row.gateway_message_id.startswith("locmem-")
    assert row.recipient_hint == "+46 …67"


def test_the_console_backend_prints_the_message(settings, capsys):
    settings.ARKI_SMS_BACKEND = "console"
    send_sms("040 123 4567", TEXT, purpose="code")
    printed = capsys.readouterr().out
    assert NUMBER in printed and TEXT in printed and "(code)" in printed
    assert the_row().status == "sent"
    stream = StringIO()
    sms.ConsoleBackend(stream).send(sms.SmsMessage(NUMBER, "hei", "reminder", "k"))
    assert "hei" in stream.getvalue()


def test_the_file_backend_appends_json_lines(settings, tmp_path):
    path = tmp_path / "sms" / "outbox.jsonl"
    settings.ARKI_SMS_BACKEND = "file"
    settings.ARKI_SMS_FILE_PATH = path
    send_sms("040 123 4567", TEXT, purpose="code")
    send_sms("+46 70 123 45 67", "Tapaaminen ti 14.1. klo 14 Kaakkurin koulu", purpose="invitation")
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(line["to"], line["purpose"]) for line in lines] == [
        (NUMBER, "code"),
        ("+46701234567", "invitation"),
    ]
    assert lines[0]["text"] == TEXT
    assert lines[0]["idempotency_key"] == str(OutgoingSms.objects.order_by("pk")[0].idempotency_key)
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_an_unknown_backend_is_named(settings):
    settings.ARKI_SMS_BACKEND = "notifications.nowhere.Backend"
    with pytest.raises(ImproperlyConfigured, match="ARKI_SMS_BACKEND"):
        sms.get_backend()


# --- The delivery log: admin and pruning ----------------------------------------------------------


def test_the_admin_shows_the_log_but_never_the_number_or_text(client, settings):
    settings.TASKS = DATABASE_BACKEND
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    queued = send_sms(NUMBER, TEXT, purpose="code")
    pages = [
        reverse("admin:notifications_outgoingsms_changelist"),
        reverse("admin:notifications_outgoingsms_change", args=[queued]),
    ]
    for _run in ("queued", "delivered"):
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert "482913" not in html and "401234567" not in html
            assert "+358 …67" in html
        run_worker()
    assert client.get(reverse("admin:notifications_outgoingsms_add")).status_code == 403


def test_prune_removes_old_text_rows(settings):
    settings.ARKI_OUTBOX_RETENTION_DAYS = 7
    send_sms(NUMBER, TEXT, purpose="code")
    now = timezone.now()
    assert prune_outbox(now=now)["texts"] == 0
    old = now - timedelta(days=8)
    OutgoingSms.objects.update(created_at=old, sent_at=old)
    assert prune_outbox(now=now)["texts"] == 1
    assert not OutgoingSms.objects.exists()


# --- The settings -------------------------------------------------------------------------------

PRODUCTION = {
    "ARKI_ENV": "production",
    "SECRET_KEY": "k" * 60,
    "ALLOWED_HOSTS": "arki.example.fi",
    "ARKI_CHECKPOINT_DIR": "/var/lib/arki/checkpoints",
    "ARKI_CHECKPOINT_KEY": "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
}


@pytest.mark.parametrize(
    ("environment", "named"),
    [
        ({**PRODUCTION, "ARKI_SMS_BACKEND": "console"}, "ARKI_SMS_BACKEND"),
        ({**PRODUCTION, "ARKI_SMS_BACKEND": "notifications.sms.FileBackend"}, "ARKI_SMS_BACKEND"),
        ({**PRODUCTION, "ARKI_SMS_BACKEND": "http"}, "ARKI_SMS_GATEWAY_URL"),
        (
            {
                **PRODUCTION,
                "ARKI_SMS_BACKEND": "http",
                "ARKI_SMS_GATEWAY_URL": "http://sms.example.fi/api",
                "ARKI_SMS_GATEWAY_TOKEN": TOKEN,
            },
            "ARKI_SMS_GATEWAY_URL",
        ),
        (
            {
                **PRODUCTION,
                "ARKI_SMS_BACKEND": "http",
                "ARKI_SMS_GATEWAY_URL": "https://sms.example.fi/api",
            },
            "ARKI_SMS_GATEWAY_TOKEN",
        ),
        ({"ARKI_SMS_BACKEND": "pigeon"}, "ARKI_SMS_BACKEND"),
        ({"ARKI_SMS_SENDER": "Arki Oulun kaupunki"}, "ARKI_SMS_SENDER"),
        ({"ARKI_SMS_MAX_ATTEMPTS": "0"}, "ARKI_SMS_MAX_ATTEMPTS"),
        ({"ARKI_SMS_TIMEOUT_SECONDS": "soon"}, "ARKI_SMS_TIMEOUT_SECONDS"),
    ],
)
def test_a_wrong_sms_setting_stops_start_up_and_is_named(environment, named):
    result = run_manage("check", **environment)
    assert result.returncode != 0
    assert named in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_production_sends_through_the_gateway_or_not_at_all():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.ARKI_SMS_BACKEND)",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "off"
    result = run_manage(
        "check",
        **PRODUCTION,
        ARKI_SMS_BACKEND="HTTP",
        ARKI_SMS_GATEWAY_URL="https://sms.example.fi/api/messages",
        ARKI_SMS_GATEWAY_TOKEN=TOKEN,
    )
    assert result.returncode == 0, result.stderr
