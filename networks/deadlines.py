"""Convening deadlines in Finnish time: counted in local calendar days, so DST changes do not matter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone


class DeadlineState:
    ON_TIME = "on_time"
    WARNING = "warning"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class DeadlineStatus:
    day_number: int  # days since the contact: the contact day is day 0
    days_left: int  # days until the deadline day; negative when overdue
    deadline: date
    state: str

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


def local_date(moment: datetime) -> date:
    """The calendar date of ``moment`` in the installation's time zone (Europe/Helsinki)."""
    return timezone.localtime(moment).date()


def convening_deadline(contact_at: datetime, deadline_days: int) -> date:
    """The last day on which the first network meeting may be held."""
    return local_date(contact_at) + timedelta(days=deadline_days)


def deadline_status(
    contact_at: datetime,
    deadline_days: int,
    warning_day: int,
    today: date | None = None,
) -> DeadlineStatus:
    today = today or timezone.localdate()
    deadline = convening_deadline(contact_at, deadline_days)
    day_number = (today - local_date(contact_at)).days
    if day_number > deadline_days:
        state = DeadlineState.OVERDUE
    elif day_number >= warning_day:
        state = DeadlineState.WARNING
    else:
        state = DeadlineState.ON_TIME
    return DeadlineStatus(day_number, (deadline - today).days, deadline, state)


def within_deadline(starts_at: datetime, deadline: date) -> bool:
    return local_date(starts_at) <= deadline
