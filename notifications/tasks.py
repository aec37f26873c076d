from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from notifications import services


@task()
def deliver_email(outgoing_email_id: int) -> str:
    """Send one email of the outbox; the task row holds only its id."""
    return services.deliver(outgoing_email_id)


@task()
def deliver_sms(outgoing_sms_id: int) -> str:
    """Send one text message of the outbox; the task row holds only its id."""
    return services.deliver_sms(outgoing_sms_id)


@task()
def prune_outbox_task() -> dict[str, int]:
    """Periodic: remove delivered and failed emails and texts and finished task rows (a week)."""
    return services.prune_outbox(now=timezone.now())
