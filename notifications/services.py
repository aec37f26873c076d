"""The one way Arki sends a notification: an email queued for the background worker.

Subjects and bodies must carry no personal data beyond what the recipient already
has a right to see; subjects never name the family.

The message waits in the outbox (``OutgoingEmail``) and the task gets only the row's id, so the
task queue never holds a message. The row is written in the caller's transaction and the task
row with it (the database backend), so a rolled-back service sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notifications.models import OutgoingEmail

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str


def send_email(
    *, to: Sequence[str], subject: str, body: str, attachments: Sequence[Attachment] = ()
) -> None:
    """Queue one email to each recipient (recipients never see each other's addresses)."""
    from notifications.tasks import deliver_email

    files = [[a.filename, a.content, a.mimetype] for a in attachments]
    with transaction.atomic():
        for address in to:
            row = OutgoingEmail.objects.create(
                to=address, subject=subject, body=body, attachments=files
            )
            deliver_email.enqueue(outgoing_email_id=row.pk)


def deliver(outgoing_email_id: int) -> str:
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
            row.failed_at = timezone.now()
            row.error = f"{type(error).__module__}.{type(error).__qualname__}"[:200]
            row.save(update_fields=["status", "failed_at", "error", "attempts"])
            logger.warning("email %s not delivered: %s", row.pk, row.error)
            return row.status
        row.status = OutgoingEmail.Status.SENT
        row.sent_at = timezone.now()
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
    finished; queued emails and tasks waiting or running are kept.
    """
    before = now - timedelta(days=settings.ARKI_OUTBOX_RETENTION_DAYS)
    with transaction.atomic():
        emails, _ = OutgoingEmail.objects.filter(
            Q(status=OutgoingEmail.Status.SENT, sent_at__lte=before)
            | Q(status=OutgoingEmail.Status.FAILED, failed_at__lte=before)
        ).delete()
        task_results, _ = DBTaskResult.objects.finished().filter(finished_at__lte=before).delete()
    return {"emails": emails, "task_results": task_results}
