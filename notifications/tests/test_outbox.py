"""The outbox: task rows carry an id, message content is erased after delivery, rows are pruned."""

from datetime import timedelta
from smtplib import SMTPRecipientsRefused
from unittest.mock import patch

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notifications.models import OutgoingEmail
from notifications.services import Attachment, prune_outbox, send_email

pytestmark = pytest.mark.django_db

BODY = (
    "Answer here: https://arki.example.fi/feedback/SECRET-TOKEN-1234/ (promise: call Eeli's school)"
)
SUBJECT = "Arki: network 7 – your promise"
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_queue(settings):
    """The production backend: tasks are stored in django_tasks_db rows for a worker."""
    settings.TASKS = DATABASE_BACKEND
    return settings


def run_worker() -> None:
    """What ``manage.py db_worker`` does, inside the test's transaction (which it would close)."""
    with patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def send_one() -> None:
    send_email(
        to=["liisa@example.fi", "olli@example.fi"],
        subject=SUBJECT,
        body=BODY,
        attachments=[Attachment("muistio.ics", "BEGIN:VCALENDAR SECRET", "text/calendar")],
    )


def stored_text(model) -> str:
    return " ".join(str(value) for row in model.objects.values() for value in row.values()).lower()


def test_the_task_row_carries_an_id_not_the_message(database_queue):
    send_one()
    rows = DBTaskResult.objects.all()
    assert rows.count() == 2  # one task per recipient
    text = stored_text(DBTaskResult)
    for secret in ("liisa@example.fi", "secret-token-1234", "eeli", "promise", "vcalendar"):
        assert secret not in text
    assert {row.args_kwargs["kwargs"]["outgoing_email_id"] for row in rows} == set(
        OutgoingEmail.objects.values_list("pk", flat=True)
    )


def test_delivery_sends_the_message_and_erases_its_content(database_queue):
    send_one()
    assert mail.outbox == []
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["liisa@example.fi", "olli@example.fi"]
    message = mail.outbox[0]
    assert (message.subject, message.body) == (SUBJECT, BODY)
    assert message.attachments == [("muistio.ics", "BEGIN:VCALENDAR SECRET", "text/calendar")]
    for row in OutgoingEmail.objects.all():
        assert row.status == OutgoingEmail.Status.SENT
        assert row.sent_at is not None
        assert (row.to, row.subject, row.body, row.attachments) == ("", "", "", [])
    assert "secret" not in stored_text(OutgoingEmail)
    assert "secret" not in stored_text(DBTaskResult)


def test_the_immediate_backend_of_the_tests_still_sends_at_once():
    send_one()
    assert len(mail.outbox) == 2
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {"sent"}


def test_an_email_sent_in_a_rolled_back_transaction_is_never_queued(database_queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_one()
        raise RuntimeError("the service failed after queueing")
    assert not OutgoingEmail.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_failed_delivery_keeps_the_message_for_a_retry_but_logs_no_content(
    database_queue, monkeypatch
):
    def refuse(self, fail_silently=False):
        raise SMTPRecipientsRefused({"liisa@example.fi": (550, b"no such user")})

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    send_email(to=["liisa@example.fi"], subject=SUBJECT, body=BODY)
    run_worker()
    row = OutgoingEmail.objects.get()
    assert row.status == OutgoingEmail.Status.FAILED
    assert row.error == "smtplib.SMTPRecipientsRefused"
    assert row.body == BODY  # kept until it is retried or pruned
    assert "liisa" not in stored_text(DBTaskResult)
    assert "secret" not in stored_text(DBTaskResult)

    monkeypatch.undo()
    call_command("retry_emails", verbosity=0)
    run_worker()
    row.refresh_from_db()
    assert row.status == OutgoingEmail.Status.SENT and row.body == ""
    assert [m.to for m in mail.outbox] == [["liisa@example.fi"]]


def test_prune_removes_old_outbox_and_finished_task_rows(database_queue):
    database_queue.ARKI_OUTBOX_RETENTION_DAYS = 7
    send_one()
    run_worker()
    send_email(to=["late@example.fi"], subject=SUBJECT, body=BODY)  # still queued
    now = timezone.now()
    old = now - timedelta(days=8)
    OutgoingEmail.objects.filter(status="sent").update(created_at=old, sent_at=old)
    DBTaskResult.objects.filter(status="SUCCESSFUL").update(enqueued_at=old, finished_at=old)

    assert prune_outbox(now=now) == {"emails": 2, "texts": 0, "task_results": 2}

    assert list(OutgoingEmail.objects.values_list("status", flat=True)) == ["queued"]
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["READY"]
    assert prune_outbox(now=now) == {"emails": 0, "texts": 0, "task_results": 0}


def test_recent_rows_are_kept_for_operations(database_queue):
    send_one()
    run_worker()
    assert prune_outbox(now=timezone.now()) == {"emails": 0, "texts": 0, "task_results": 0}
    assert OutgoingEmail.objects.count() == 2


def test_a_failed_email_is_pruned_with_its_content(database_queue, monkeypatch):
    monkeypatch.setattr(
        "django.core.mail.EmailMessage.send", lambda self, fail_silently=False: 1 / 0
    )
    send_email(to=["liisa@example.fi"], subject=SUBJECT, body=BODY)
    run_worker()
    later = timezone.now() + timedelta(days=database_queue.ARKI_OUTBOX_RETENTION_DAYS, hours=1)
    assert prune_outbox(now=later)["emails"] == 1
    assert not OutgoingEmail.objects.exists()


def test_the_prune_is_a_periodic_task(settings):
    assert "notifications.tasks.prune_outbox_task" in settings.ARKI_PERIODIC_TASKS
    from notifications.tasks import prune_outbox_task

    prune_outbox_task.enqueue()  # the immediate backend runs it
