"""Computed indicators against hand-counted fixtures, across period boundaries and DST."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backbone.computations import TRAINED_STAFF
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


def deadline_event(when, area, programme, days, deadline=14):
    """A network's convening deadline passed: met in time after ``days``, or late."""
    in_time = days <= deadline
    return event(
        EventKind.CONVENING_DEADLINE,
        when,
        area,
        programme,
        outcome="in_time" if in_time else "late",
        days=days if in_time else None,
    )


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
        deadline_event(at(2026, 5, days, 12), kaakkuri, children, days)
    period = [parse_period("2026Q2")]
    share = REGISTRY["convened_within_deadline"](children, [kaakkuri.pk], period)[
        (kaakkuri.pk, "2026Q2")
    ]
    assert (share.value, share.base) == (round(100 * 4 / 6, 1), 6)
    # The two late networks are censored at 15 days: median of 3, 9, 10, 14, 15, 15.
    median = REGISTRY["median_days_to_first_meeting"](children, [kaakkuri.pk], period)[
        (kaakkuri.pk, "2026Q2")
    ]
    assert median.value == 12.0
    average = REGISTRY["sectors_per_network"](children, [kaakkuri.pk], period)[
        (kaakkuri.pk, "2026Q2")
    ]
    assert average.value == round(15 / 6, 1)


def test_a_network_that_never_meets_counts_as_late_in_the_period_of_its_deadline(
    kaakkuri, children
):
    """Issue #17: before, a network past its deadline was not counted until it met, so the
    figure stayed at 100 %. Three met in time in March; one's deadline passed on 30 March
    without a meeting."""
    for days in (5, 8, 12):
        deadline_event(at(2026, 3, 10, 12), kaakkuri, children, days)
    deadline_event(at(2026, 3, 30, 12), kaakkuri, children, 99)  # late
    march = [parse_period("2026-03")]
    share = REGISTRY["convened_within_deadline"](children, [kaakkuri.pk], march)[
        (kaakkuri.pk, "2026-03")
    ]
    assert (share.value, share.base) == (75.0, 4)
    median = REGISTRY["median_days_to_first_meeting"](children, [kaakkuri.pk], march)[
        (kaakkuri.pk, "2026-03")
    ]
    assert median.value == 10.0  # 5, 8, 12 and the late one censored at 15


def test_the_median_is_over_the_deadline_when_half_are_late(kaakkuri, children):
    for days in (4, 30, 40):
        deadline_event(at(2026, 3, 10, 12), kaakkuri, children, days)
    march = [parse_period("2026-03")]
    median = REGISTRY["median_days_to_first_meeting"](children, [kaakkuri.pk], march)[
        (kaakkuri.pk, "2026-03")
    ]
    assert median.value == 15.0  # "over 14": the censoring point, never a made-up number


def test_promises_kept_share(kaakkuri, children):
    for outcome in ["kept", "kept", "partly", "not_kept", "kept"]:
        event(EventKind.PROMISE_REVIEWED, at(2026, 8, 3, 12), kaakkuri, children, outcome=outcome)
    result = REGISTRY["promises_kept"](children, [kaakkuri.pk], [parse_period("2026Q3")])
    assert result[(kaakkuri.pk, "2026Q3")].value == 60.0


@pytest.fixture
def mixed_events(boundary_contacts, kaakkuri, tuira, children, working_age):
    """Events of every kind the computations read, in two programmes and areas."""
    for days, sectors, area in [(3, 2, kaakkuri), (15, 1, tuira), (9, 4, kaakkuri), (30, 3, tuira)]:
        event(
            EventKind.NETWORK_CONVENED,
            at(2026, 5, days, 12),
            area,
            children,
            days=days,
            sectors=sectors,
        )
    event(EventKind.NETWORK_CONVENED, at(2026, 5, 2, 12), kaakkuri, working_age, days=40)
    # The same networks' deadlines: met in time with their days, or late (days unknown).
    for days, area in [(3, kaakkuri), (15, tuira), (9, kaakkuri), (30, tuira)]:
        deadline_event(at(2026, 5, days, 12), area, children, days)
    deadline_event(at(2026, 5, 2, 12), kaakkuri, working_age, 12)
    for outcome in ["kept", "partly", "not_kept", "kept"]:
        event(EventKind.PROMISE_REVIEWED, at(2026, 8, 3, 12), tuira, children, outcome=outcome)
    event(EventKind.NETWORK_OPENED, at(2026, 2, 28, 23, 50), kaakkuri, children)
    event(EventKind.MEETING_HELD, at(2026, 9, 30, 23, 59), tuira, children)
    # The working-age programme's own: who contacted and how, own workers, ratings, outcomes.
    for outcome, channel in [("client", "web"), ("professional", "phone"), ("client", "phone")]:
        event(
            EventKind.CONTACT_RECEIVED,
            at(2026, 4, 3, 12),
            kaakkuri,
            working_age,
            channel=channel,
            outcome=outcome,
        )
    event(EventKind.NETWORK_CONVENED, at(2026, 5, 3, 12), tuira, working_age, outcome="own_worker")
    for moment, rating in [("start", 3), ("close", 6), ("start", 4), ("close", 8)]:
        event(
            EventKind.SELF_RATED,
            at(2026, 6, 1, 12),
            kaakkuri,
            working_age,
            outcome=moment,
            count=rating,
        )
    for outcome in ["work", "none"]:
        event(EventKind.OUTCOME_AT_CLOSING, at(2026, 6, 1, 12), tuira, working_age, outcome=outcome)
    return kaakkuri, tuira


def test_the_event_based_computations_are_known():
    from indicators.computations import EVENT_BASED

    assert {
        "contacts_received",
        "lp_method_use",
        "networks_opened",
        "networks_closed",
        "convened_within_deadline",
        "median_days_to_first_meeting",
        "sectors_per_network",
        "promises_kept",
        "contacts_by_client_share",
        "contacts_by_web_form",
        "own_worker_named",
        "self_rating_at_start",
        "self_rating_at_close",
        "closing_progress",
    } == EVENT_BASED


@pytest.mark.parametrize(
    "codes", [["2026Q1", "2026Q2", "2026Q3", "2026Q4"], ["2026-03", "2026-04"]]
)
def test_a_shared_tally_gives_the_same_figures_as_separate_queries(
    mixed_events, children, working_age, codes
):
    from indicators.computations import EVENT_BASED, shared_events

    kaakkuri, tuira = mixed_events
    periods = [parse_period(code) for code in codes]
    scopes = [[kaakkuri.pk, tuira.pk], [tuira.pk]]
    separate = {
        (name, programme.pk, tuple(ids)): REGISTRY[name](programme, ids, periods)
        for name in sorted(EVENT_BASED)
        for programme in (children, working_age)
        for ids in scopes
    }
    assert any(figure.value for result in separate.values() for figure in result.values())
    wide = parse_period("2026")
    with CaptureQueriesContext(connection) as captured, shared_events(*wide.bounds()):
        shared = {
            (name, programme.pk, tuple(ids)): REGISTRY[name](programme, ids, periods)
            for name in sorted(EVENT_BASED)
            for programme in (children, working_age)
            for ids in scopes
        }
    assert shared == separate
    event_queries = [query for query in captured if "indicators_event" in query["sql"]]
    assert len(event_queries) == 1


def test_a_tally_that_does_not_cover_the_periods_is_not_used(boundary_contacts, children):
    from indicators.computations import shared_events

    kaakkuri, _tuira = boundary_contacts
    narrow = parse_period("2026Q2")
    with shared_events(*narrow.bounds()):
        result = counts(children, [kaakkuri], ["2026", "2027"])
    assert result[(kaakkuri.pk, "2026")] == 7
    assert result[(kaakkuri.pk, "2027")] == 1


def test_a_tally_of_one_programme_is_not_used_for_another(mixed_events, children, working_age):
    from indicators.computations import shared_events

    kaakkuri, _tuira = mixed_events
    periods = [parse_period("2026Q2")]
    expected = REGISTRY["median_days_to_first_meeting"](working_age, [kaakkuri.pk], periods)
    with shared_events(*parse_period("2026").bounds(), programme=children):
        found = REGISTRY["median_days_to_first_meeting"](working_age, [kaakkuri.pk], periods)
    assert found == expected
    assert found[(kaakkuri.pk, "2026Q2")].value == 12


def test_cached_figures_are_served_until_a_new_event_arrives(boundary_contacts, children, settings):
    from indicators.computations import compute

    settings.ARKI_INDICATOR_CACHE_SECONDS = 600
    kaakkuri, tuira = boundary_contacts
    periods = [parse_period("2026Q2")]
    ids = [kaakkuri.pk, tuira.pk]
    first = compute("contacts_received", children, ids, periods)
    assert first[(None, "2026Q2")].value == 3
    with CaptureQueriesContext(connection) as captured:
        again = compute("contacts_received", children, ids, periods)
    assert again == first
    assert not [q for q in captured if "GROUP BY" in q["sql"]]  # only the data stamp was read
    event(EventKind.CONTACT_RECEIVED, at(2026, 5, 5, 12), tuira, children, channel="phone")
    fresh = compute("contacts_received", children, ids, periods)
    assert fresh[(None, "2026Q2")].value == 4
    assert fresh[(tuira.pk, "2026Q2")].value == 2


def test_the_cache_can_be_turned_off(boundary_contacts, children, settings):
    from django.core.cache import cache

    from indicators.computations import compute

    settings.ARKI_INDICATOR_CACHE_SECONDS = 0
    kaakkuri, _tuira = boundary_contacts
    compute("contacts_received", children, [kaakkuri.pk], [parse_period("2026Q2")])
    assert not cache._cache


def test_a_kind_the_tally_does_not_count_is_queried_on_its_own(kaakkuri, children):
    from indicators.computations import TALLIED_KINDS, _events, shared_events

    assert EventKind.CONTACT_RESOLVED not in TALLIED_KINDS
    event(EventKind.CONTACT_RESOLVED, at(2026, 5, 5, 12), kaakkuri, children)
    event(EventKind.CONTACT_RECEIVED, at(2026, 5, 5, 11), kaakkuri, children)
    periods = [parse_period("2026Q2")]
    with shared_events(*parse_period("2026").bounds()):
        resolved = _events([EventKind.CONTACT_RESOLVED], children, [kaakkuri.pk], periods)
        received = _events([EventKind.CONTACT_RECEIVED], children, [kaakkuri.pk], periods)
    assert len(resolved[(kaakkuri.pk, "2026Q2")]) == 1
    assert len(received[(kaakkuri.pk, "2026Q2")]) == 1


def test_every_computation_says_what_it_reads():
    from feedback.computations import FEEDBACK_BASED
    from indicators.computations import EVENT_BASED

    assert set(REGISTRY) == EVENT_BASED | set(FEEDBACK_BASED) | set(TRAINED_STAFF)
    assert not EVENT_BASED & set(FEEDBACK_BASED)
