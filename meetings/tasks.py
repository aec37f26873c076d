from __future__ import annotations

from django_tasks import task

from meetings.reminders import send_promise_reminders as send_due_reminders


@task()
def send_promise_reminders() -> int:
    """Periodic: reminder emails about promises due in two days or overdue."""
    return send_due_reminders()
