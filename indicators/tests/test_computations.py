"""Computed indicators against hand-counted fixtures, across period boundaries and DST."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from indicators.computations import REGISTRY
from indicators.models import Event, EventKind
from indicators.periods import parse_period

pytestmark = pytest.mark.django_db
HELSINKI = ZoneInfo("Europe/Helsinki")


def at(*args):
    return datetime(*args, tzinfo=HELSINKI)


def event(kind, when, area, programme, **fields):
    return Event.objects.create(
        kind=kind, occurred_at=when, area=area, programme=programme, **fields
    )


@pytest.fixture
def boundary_contacts(kaakkuri, tuira, children):
    moments = [
        at(2026, 3, 31, 23, 30),  # March, Q1, S1 – already 1 April in no time zone, 31 March in UTC
        at(2026, 4, 1, 0, 30),  # April, Q2 – still 31 March in UTC (summer time began 29 March)
        at(2026, 3, 29, 3, 30),  # the hour clocks moved forward: March
        at(2026, 6, 30, 23, 59),  # June, Q2, S1
        at(2026, 7, 1, 0, 1),  # July, Q3, S2
        at(2026, 10, 25, 3, 30),  # the hour clocks moved back: October, Q4
        at(2026, 12, 31, 23, 30),  # December, 2026
        at(2027, 1, 1, 0, 10),  # January 2027 – still 2026 in UTC
    ]
    for moment in moments:
        event(EventKind.CONTACT_RECEIVED, moment, kaakkuri, children, channel="phone")
    event(EventKind.CONTACT_RECEIVED, at(2026, 4, 2, 12), tuira, children, channel="web")
    return kaakkuri, tuira


def counts(programme, areas, codes):
    periods = [parse_period(code) for code in codes]
    result = REGISTRY["contacts_received"](programme, [a.pk for a in areas], periods)
    return {(area, code): figure.value for (area, code), figure in result.items()}


def test_monthly_counts_follow_finnish_calendar_months(boundary_contacts, children):
    kaakkuri, tuira = boundary_contacts
    result = counts(
        children,
        [kaakkuri, tuira],
        ["2026-03", "2026-04", "2026-06", "2026-07", "2026-10", "2026-12", "2027-01"],
    )
    assert result[(kaakkuri.pk, "2026-03")] == 2
    assert result[(kaakkuri.pk, "2026-04")] == 1
    assert result[(tuira.pk, "2026-04")] == 1
    assert result[(None, "2026-04")] == 2
    assert result[(kaakkuri.pk, "2026-06")] == 1
    assert result[(kaakkuri.pk, "2026-07")] == 1
    assert result[(kaakkuri.pk, "2026-10")] == 1
    assert result[(kaakkuri.pk, "2026-12")] == 1
    assert result[(kaakkuri.pk, "2027-01")] == 1


def test_quarters_half_years_and_years(boundary_contacts, children):
    kaakkuri, tuira = boundary_contacts
    quarters = counts(children, [kaakkuri], ["2026Q1", "2026Q2", "2026Q3", "2026Q4", "2027Q1"])
    assert [
        quarters[(kaakkuri.pk, q)] for q in ["2026Q1", "2026Q2", "2026Q3", "2026Q4", "2027Q1"]
    ] == [2, 2, 1, 2, 1]
    halves = counts(children, [kaakkuri, tuira], ["2026S1", "2026S2"])
    assert (halves[(kaakkuri.pk, "2026S1")], halves[(kaakkuri.pk, "2026S2")]) == (4, 3)
    assert halves[(None, "2026S1")] == 5
    years = counts(children, [kaakkuri], ["2026", "2027"])
    assert (years[(kaakkuri.pk, "2026")], years[(kaakkuri.pk, "2027")]) == (7, 1)


def test_other_programmes_and_areas_are_not_counted(boundary_contacts, children, working_age):
    kaakkuri, tuira = boundary_contacts
    event(EventKind.CONTACT_RECEIVED, at(2026, 3, 10, 12), kaakkuri, working_age)
    assert counts(children, [kaakkuri], ["2026-03"])[(kaakkuri.pk, "2026-03")] == 2
    assert counts(children, [tuira], ["2026-03"])[(None, "2026-03")] == 0


def test_lp_method_use_counts_discussions_and_meetings(kaakkuri, children):
    event(EventKind.LP_DISCUSSION_HELD, at(2026, 2, 1, 12), kaakkuri, children)
    event(EventKind.MEETING_HELD, at(2026, 3, 1, 12), kaakkuri, children, meeting_kind="first")
    event(EventKind.MEETING_HELD, at(2026, 4, 1, 12), kaakkuri, children, meeting_kind="follow_up")
    result = REGISTRY["lp_method_use"](children, [kaakkuri.pk], [parse_period("2026Q1")])
    assert result[(kaakkuri.pk, "2026Q1")].value == 2


def test_convening_share_median_and_sectors(kaakkuri, children):
    for days, sectors in [(3, 2), (10, 3), (14, 3), (15, 1), (20, 4), (9, 2)]:
        event(
            EventKind.NETWORK_CONVENED,
            at(2026, 5, days, 12),
            kaakkuri,
            children,
            days=days,
            sectors=sectors,
        )
    period = [parse_period("2026Q2")]
    share = REGISTRY["convened_within_deadline"](children, [kaakkuri.pk], period)[
        (kaakkuri.pk, "2026Q2")
    ]
    assert (share.value, share.base) == (round(100 * 4 / 6, 1), 6)
    median = REGISTRY["median_days_to_first_meeting"](children, [kaakkuri.pk], period)[
        (kaakkuri.pk, "2026Q2")
    ]
    assert median.value == 12.0
    average = REGISTRY["sectors_per_network"](children, [kaakkuri.pk], period)[
        (kaakkuri.pk, "2026Q2")
    ]
    assert average.value == round(15 / 6, 1)


def test_promises_kept_share(kaakkuri, children):
    for outcome in ["kept", "kept", "partly", "not_kept", "kept"]:
        event(EventKind.PROMISE_REVIEWED, at(2026, 8, 3, 12), kaakkuri, children, outcome=outcome)
    result = REGISTRY["promises_kept"](children, [kaakkuri.pk], [parse_period("2026Q3")])
    assert result[(kaakkuri.pk, "2026Q3")].value == 60.0
