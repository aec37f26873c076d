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
    """The clock of a contact: its deadline ``deadline_days`` after the contact's day."""
    return network_deadline_status(
        contact_at, convening_deadline(contact_at, deadline_days), warning_day, today
    )


def network_deadline_status(
    first_contact_at: datetime, deadline: date, warning_day: int, today: date | None = None
) -> DeadlineStatus:
    """A convening network's clock against the deadline kept on it (set when it started, so a
    programme's deadline changed later does not move it): overdue the day after the deadline."""
    today = today or timezone.localdate()
    day_number = (today - local_date(first_contact_at)).days
    if today > deadline:
        state = DeadlineState.OVERDUE
    elif day_number >= warning_day:
        state = DeadlineState.WARNING
    else:
        state = DeadlineState.ON_TIME
    return DeadlineStatus(day_number, (deadline - today).days, deadline, state)


def within_deadline(starts_at: datetime, deadline: date) -> bool:
    return local_date(starts_at) <= deadline


def record_passed_deadlines(today: date | None = None) -> int:
    """Record, once per network, whether it met by its convening deadline: an anonymous
    ``convening_deadline`` event dated on the deadline day, so that the indicator counts every
    network in the period of its deadline — a network that never meets counts as late, and one
    that meets later stays late. Run daily (``networks.tasks.record_convening_deadlines``);
    returns how many networks were recorded."""
    from django.db import transaction

    from indicators.events import record_event
    from indicators.models import EventKind
    from networks.models import Meeting, MeetingKind, MeetingStatus, Network

    today = today or timezone.localdate()
    recorded = 0
    with transaction.atomic():
        due = (
            Network.objects.select_for_update(skip_locked=True)
            .filter(deadline_recorded=False, convening_deadline__lt=today)
            .select_related("area", "programme")
        )
        for network in due:
            first = (
                Meeting.objects.filter(
                    network=network, kind=MeetingKind.FIRST, status=MeetingStatus.HELD
                )
                .order_by("starts_at")
                .values_list("starts_at", flat=True)
                .first()
            )
            in_time = first is not None and local_date(first) <= network.convening_deadline
            record_event(
                EventKind.CONVENING_DEADLINE,
                area=network.area,
                programme=network.programme,
                at=deadline_moment(network.convening_deadline),
                outcome="in_time" if in_time else "late",
                days=(local_date(first) - local_date(network.first_contact_at)).days
                if in_time and first is not None
                else None,
            )
            recorded += 1
        Network.objects.filter(pk__in=[n.pk for n in due]).update(deadline_recorded=True)
    return recorded


def deadline_moment(deadline: date) -> datetime:
    """Noon of the deadline day in Finnish time: the event's moment, inside the right month."""
    return timezone.make_aware(datetime.combine(deadline, datetime.min.time()).replace(hour=12))
