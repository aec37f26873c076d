"""The one way Arki sends a notification: an email or a text message queued for the worker.

Subjects and bodies must carry no personal data beyond what the recipient already
has a right to see; subjects never name the family.

The message waits in the outbox (``OutgoingEmail``) and the task gets only the row's id, so the
task queue never holds a message. The row is written in the caller's transaction and the task
row with it (the database backend), so a rolled-back service sends nothing.

Text messages (``send_sms``) wait in ``OutgoingSms`` the same way; the backend of
``ARKI_SMS_BACKEND`` (``notifications/sms.py``) delivers them, and the number and the text are
erased when the delivery ends.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django_tasks_db.models import DBTaskResult

from core.clock import now_or
from notifications import sms
from notifications.models import OutgoingEmail, OutgoingSms
from notifications.phone import normalise_phone, recipient_hint
from notifications.sms import sms_available

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str


def send_email(
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    attachments: Sequence[Attachment] = (),
    now: datetime | None = None,
) -> None:
    """Queue one email to each recipient (recipients never see each other's addresses)."""
    from notifications.tasks import deliver_email

    now = now_or(now)
    files = [[a.filename, a.content, a.mimetype] for a in attachments]
    with transaction.atomic():
        for address in to:
            row = OutgoingEmail.objects.create(
                to=address, subject=subject, body=body, attachments=files, created_at=now
            )
            deliver_email.enqueue(outgoing_email_id=row.pk)


def deliver(outgoing_email_id: int, *, now: datetime | None = None) -> str:
    """Send one queued email and erase its content; returns the row's new status.

    A failure is recorded on the row (the exception's class, never its message) and not raised,
    so that no traceback naming the recipient lands in the task queue; the content is kept
    for ``retry_failed_emails`` until the row is pruned.
    """
    with transaction.atomic():
        row = (
            OutgoingEmail.objects.select_for_update()
            .filter(pk=outgoing_email_id, status=OutgoingEmail.Status.QUEUED)
            .first()
        )
        if row is None:  # already sent, or pruned
            return "gone"
        row.attempts += 1
        message = EmailMessage(
            subject=row.subject,
            body=row.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[row.to],
        )
        for filename, content, mimetype in row.attachments:
            message.attach(filename, content, mimetype)
        try:
            message.send()
        except Exception as error:  # any failure of the mail server
            row.status = OutgoingEmail.Status.FAILED
            row.failed_at = now_or(now)
            row.error = f"{type(error).__module__}.{type(error).__qualname__}"[:200]
            row.save(update_fields=["status", "failed_at", "error", "attempts"])
            logger.warning("email %s not delivered: %s", row.pk, row.error)
            return row.status
        row.status = OutgoingEmail.Status.SENT
        row.sent_at = now_or(now)
        row.error = ""
        row.to = row.subject = row.body = ""
        row.attachments = []
        row.save()
        return row.status


def retry_failed_emails() -> int:
    """Queue the failed emails again (after the mail server was fixed); returns how many."""
    from notifications.tasks import deliver_email

    with transaction.atomic():
        ids = list(
            OutgoingEmail.objects.select_for_update()
            .filter(status=OutgoingEmail.Status.FAILED)
            .values_list("pk", flat=True)
        )
        OutgoingEmail.objects.filter(pk__in=ids).update(status=OutgoingEmail.Status.QUEUED)
        for pk in ids:
            deliver_email.enqueue(outgoing_email_id=pk)
    return len(ids)


def prune_outbox(*, now: datetime) -> dict[str, int]:
    """Delete sent and failed outbox rows and finished task rows older than the retention time.

    ``ARKI_OUTBOX_RETENTION_DAYS`` (default 7) is counted from when the row was sent, failed or
    finished; queued emails and text messages and tasks waiting or running are kept.
    """
    before = now - timedelta(days=settings.ARKI_OUTBOX_RETENTION_DAYS)
    with transaction.atomic():
        emails, _ = OutgoingEmail.objects.filter(
            Q(status=OutgoingEmail.Status.SENT, sent_at__lte=before)
            | Q(status=OutgoingEmail.Status.FAILED, failed_at__lte=before)
        ).delete()
        texts, _ = OutgoingSms.objects.filter(
            Q(status=OutgoingSms.Status.SENT, sent_at__lte=before)
            | Q(status=OutgoingSms.Status.FAILED, failed_at__lte=before)
        ).delete()
        task_results, _ = DBTaskResult.objects.finished().filter(finished_at__lte=before).delete()
    return {"emails": emails, "texts": texts, "task_results": task_results}


# Four concatenated segments of the GSM alphabet (which has ä, ö and å); a longer text is a bug.
MAX_SMS_LENGTH = 612
# Seconds before the second attempt; doubled for each further one, at most MAX_BACKOFF_SECONDS.
BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0
sleep = time.sleep


class SmsUnavailable(Exception):
    """This installation sends no text messages (``ARKI_SMS_BACKEND=off``): use email."""


def send_sms(to: str, text: str, *, purpose: str, now: datetime | None = None) -> int:
    """Queue one text message to one mobile number; returns the outbox row's id.

    ``purpose`` is one of ``OutgoingSms.Purpose`` ("code", "invitation", "reminder"). The text
    must name no family, child or topic: a phone's lock screen shows it. ``to`` is normalised
    (``ValidationError`` if it is not a mobile number). Ask ``sms_available()`` first: with text
    messages off this raises ``SmsUnavailable``.
    """
    from notifications.tasks import deliver_sms as deliver_sms_task

    if purpose not in OutgoingSms.Purpose.values:
        raise ValueError(f"unknown text message purpose {purpose!r}")
    if not text.strip() or len(text) > MAX_SMS_LENGTH:
        raise ValueError(f"a text message has 1 to {MAX_SMS_LENGTH} characters")
    if not sms_available():
        raise SmsUnavailable
    number = normalise_phone(to)
    with transaction.atomic():
        row = OutgoingSms.objects.create(
            to=number,
            text=text,
            purpose=purpose,
            recipient_hint=recipient_hint(number),
            created_at=now_or(now),
        )
        deliver_sms_task.enqueue(outgoing_sms_id=row.pk)
    return row.pk


def backoff(attempt: int) -> float:
    """Seconds to wait after the failed ``attempt`` (1, 2, …) before the next one."""
    return float(min(BACKOFF_SECONDS * 2 ** (attempt - 1), MAX_BACKOFF_SECONDS))


def deliver_sms(outgoing_sms_id: int, *, now: datetime | None = None) -> str:
    """Send one queued text message and erase its number and text; returns the row's status.

    Up to ``ARKI_SMS_MAX_ATTEMPTS`` attempts, waiting ``backoff`` between them, while the
    backend answers a temporary failure; a permanent one ends at once. Every attempt carries the
    row's idempotency key, so a gateway that received a message whose answer was lost drops the
    repeat. Only a queued row is sent: a task run again after the delivery finds it sent and
    sends nothing. A failure is recorded (its kind, never the gateway's words) and not raised,
    so that no traceback holding the number lands in the task queue.
    """
    with transaction.atomic():
        row = (
            OutgoingSms.objects.select_for_update()
            .filter(pk=outgoing_sms_id, status=OutgoingSms.Status.QUEUED)
            .first()
        )
        if row is None:  # already sent or failed, or pruned
            return "gone"
        message = sms.SmsMessage(
            to=row.to, text=row.text, purpose=row.purpose, idempotency_key=str(row.idempotency_key)
        )
        error = ""
        try:
            backend = sms.get_backend()
        except ImproperlyConfigured:
            backend = None
            error = "not configured"
        max_attempts = max(1, int(settings.ARKI_SMS_MAX_ATTEMPTS))
        while backend is not None:
            row.attempts += 1
            try:
                row.gateway_message_id = backend.send(message)[:200]
            except sms.TemporaryFailure as failure:
                error = failure.kind
                if row.attempts < max_attempts:
                    sleep(backoff(row.attempts))
                    continue
            except sms.PermanentFailure as failure:
                error = failure.kind
            except Exception as failure:  # a custom backend's bug: its class, not its words
                error = f"{type(failure).__module__}.{type(failure).__qualname__}"
            else:
                error = ""
            break
        if error:
            row.status = OutgoingSms.Status.FAILED
            row.failed_at = now_or(now)
            row.error = error[:200]
            logger.warning(
                "text message %s (%s) not delivered after %d attempt(s): %s",
                row.pk,
                row.purpose,
                row.attempts,
                row.error,
            )
        else:
            row.status = OutgoingSms.Status.SENT
            row.sent_at = now_or(now)
            logger.info(
                "text message %s (%s) sent after %d attempt(s)", row.pk, row.purpose, row.attempts
            )
        row.to = row.text = ""
        row.save()
        return row.status
