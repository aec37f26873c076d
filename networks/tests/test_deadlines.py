"""Deadline arithmetic in Finnish time, across DST changes and midnight."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from networks.deadlines import (
    DeadlineState,
    convening_deadline,
    deadline_status,
    local_date,
    within_deadline,
)

HELSINKI = ZoneInfo("Europe/Helsinki")


def helsinki(*args):
    return datetime(*args, tzinfo=HELSINKI)


def test_deadline_is_fourteen_calendar_days_after_the_contact_day():
    assert convening_deadline(helsinki(2026, 11, 2, 9, 0), 14) == date(2026, 11, 16)


def test_a_late_evening_contact_counts_on_its_finnish_date():
    # 23.30 in Helsinki is still 21.30 UTC on the same day, and 00.30 is the previous day in UTC.
    assert local_date(helsinki(2026, 11, 2, 23, 30)) == date(2026, 11, 2)
    assert local_date(datetime(2026, 11, 2, 22, 30, tzinfo=UTC)) == date(2026, 11, 3)


@pytest.mark.parametrize(
    ("contact", "expected"),
    [
        # Clocks go forward on 29 March 2026 and back on 25 October 2026.
        (helsinki(2026, 3, 20, 12, 0), date(2026, 4, 3)),
        (helsinki(2026, 3, 29, 2, 30), date(2026, 4, 12)),
        (helsinki(2026, 10, 20, 23, 59), date(2026, 11, 3)),
        (helsinki(2026, 10, 25, 3, 30), date(2026, 11, 8)),
    ],
)
def test_dst_changes_do_not_move_the_deadline(contact, expected):
    assert convening_deadline(contact, 14) == expected


@pytest.mark.parametrize(
    ("today", "state", "days_left"),
    [
        (date(2026, 11, 2), DeadlineState.ON_TIME, 14),
        (date(2026, 11, 11), DeadlineState.ON_TIME, 5),
        (date(2026, 11, 12), DeadlineState.WARNING, 4),
        (date(2026, 11, 16), DeadlineState.WARNING, 0),
        (date(2026, 11, 17), DeadlineState.OVERDUE, -1),
    ],
)
def test_warning_from_day_ten_and_overdue_after_fourteen(today, state, days_left):
    status = deadline_status(helsinki(2026, 11, 2, 8, 15), 14, 10, today=today)
    assert (status.state, status.days_left) == (state, days_left)
    assert status.day_number == (today - date(2026, 11, 2)).days


def test_meeting_on_the_deadline_day_is_in_time_but_not_the_day_after():
    deadline = date(2026, 11, 16)
    assert within_deadline(helsinki(2026, 11, 16, 23, 0), deadline)
    assert not within_deadline(helsinki(2026, 11, 17, 0, 30), deadline)


@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31)),
    st.integers(min_value=1, max_value=60),
)
def test_deadline_is_always_the_contact_date_plus_days(naive, days):
    contact = naive.replace(tzinfo=UTC)
    deadline = convening_deadline(contact, days)
    assert deadline - contact.astimezone(HELSINKI).date() == timedelta(days=days)
    status = deadline_status(contact, days, days - 1 if days > 1 else 0, today=deadline)
    assert status.days_left == 0
    assert status.state != DeadlineState.OVERDUE
