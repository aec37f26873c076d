"""The events' own counts (EventCount): kept in the same transaction as each event, equal to
grouping the events afresh, and what the dashboards read."""

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.computations import shared_events
from indicators.events import record_event
from indicators.models import COUNTED_FIELDS, Event, EventCount, EventKind
from indicators.periods import parse_period
from indicators.tasks import compact_event_counts

pytestmark = pytest.mark.django_db
HELSINKI = ZoneInfo("Europe/Helsinki")


def counts():
    """Each group's count: the sum of its rows."""
    summed: Counter[tuple] = Counter()
    for c in EventCount.objects.all():
        group = (c.programme_id, c.kind, c.area_id, c.month)
        summed[(*group, *(getattr(c, f) for f in COUNTED_FIELDS))] += c.how_many
    return dict(summed)


def grouped_by_hand():
    """The events grouped in Python, each in its Finnish calendar month."""
    return dict(
        Counter(
            (
                e.programme_id,
                e.kind,
                e.area_id,
                e.occurred_at.astimezone(HELSINKI).date().replace(day=1),
                *(getattr(e, f) for f in COUNTED_FIELDS),
            )
            for e in Event.objects.all()
        )
    )


moments = st.datetimes(min_value=datetime(2025, 12, 31, 20), max_value=datetime(2026, 4, 1, 4)).map(
    lambda moment: moment.replace(tzinfo=ZoneInfo("UTC"))
)  # New Year, the March DST change
events = st.lists(
    st.tuples(
        st.sampled_from([EventKind.CONTACT_RECEIVED, EventKind.CONVENING_DEADLINE]),
        st.booleans(),  # which area
        moments,
        st.one_of(st.none(), st.integers(0, 3)),  # days
        st.sampled_from(["", "in_time", "late"]),  # outcome
        st.booleans(),  # written one by one or together
    ),
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(written=events)
def test_the_counts_equal_the_events_grouped_however_they_are_written(
    written, kaakkuri, tuira, children
):
    Event.objects.all().delete()
    EventCount.objects.all().delete()
    together = []
    for kind, first_area, when, days, outcome, bulk in written:
        fields = {
            "kind": kind,
            "area": kaakkuri if first_area else tuira,
            "programme": children,
            "occurred_at": when,
            "days": days,
            "outcome": outcome,
        }
        if bulk:
            together.append(Event(**fields))
        else:
            record_event(fields.pop("kind"), at=fields.pop("occurred_at"), **fields)
    Event.objects.bulk_create(together)

    assert counts() == grouped_by_hand()
    EventCount.recount()
    assert counts() == grouped_by_hand()


def test_an_event_and_its_count_are_written_together_or_not_at_all(kaakkuri, children):
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(EventKind.CONTACT_RECEIVED, area=kaakkuri, programme=children)
        raise RuntimeError("the service failed after the event")
    assert not Event.objects.exists() and not EventCount.objects.exists()


def test_writes_only_add_rows_and_merging_them_changes_no_count(kaakkuri, tuira, children):
    """Two writes of the same group add a row each (no row is updated, so two services
    counting at once never wait for each other); the daily merge leaves one row per group."""
    for area in (kaakkuri, kaakkuri, kaakkuri, tuira):
        record_event(EventKind.CONTACT_RECEIVED, area=area, programme=children)
    Event.objects.bulk_create(
        Event(
            kind=EventKind.CONTACT_RECEIVED,
            area=kaakkuri,
            programme=children,
            occurred_at=timezone.now(),
        )
        for _ in range(2)
    )
    before = counts()
    assert EventCount.objects.count() == 5 and before == grouped_by_hand()

    assert compact_event_counts.call() == 3
    assert EventCount.objects.count() == 2
    assert counts() == before
    assert EventCount.compact() == 0  # nothing left to merge


@pytest.mark.filterwarnings("ignore:DateTimeField Event.occurred_at received a naive")
def test_a_write_that_may_skip_events_is_refused(kaakkuri, children):
    event = Event(
        kind=EventKind.CONTACT_RECEIVED,
        area=kaakkuri,
        programme=children,
        occurred_at=timezone.now(),
    )
    for option in ("ignore_conflicts", "update_conflicts"):
        with pytest.raises(TypeError):
            Event.objects.bulk_create([event], **{option: True})
    with pytest.raises(ValueError):  # a moment without a time zone has no Finnish month
        record_event(
            EventKind.CONTACT_RECEIVED,
            area=kaakkuri,
            programme=children,
            at=datetime(2026, 3, 31, 23, 30),
        )
    assert not EventCount.objects.exists()


def test_the_figures_are_computed_afresh_after_a_recount(kaakkuri, children):
    from indicators.computations import _events_stamp

    record_event(EventKind.CONTACT_RECEIVED, area=kaakkuri, programme=children)
    stamp = _events_stamp()
    EventCount.recount()
    assert _events_stamp() != stamp


def test_the_operators_recount_restores_counts_lost(kaakkuri, children, capsys):
    for days in (1, 1, 2):
        record_event(EventKind.CONVENING_DEADLINE, area=kaakkuri, programme=children, days=days)
    before = counts()
    EventCount.objects.all().delete()

    call_command("recount_events")

    assert counts() == before == grouped_by_hand()
    assert "3 events counted in 2 groups" in capsys.readouterr().out


def test_the_dashboards_tally_reads_the_counts_and_only_whole_months(kaakkuri, children):
    when = datetime(2026, 3, 31, 23, 30, tzinfo=HELSINKI)  # 31 March in Finland, a Tuesday
    record_event(EventKind.CONTACT_RECEIVED, area=kaakkuri, programme=children, at=when)
    # Counts no event stands behind: the tally reads the counts (summed), not the events.
    EventCount.objects.update(how_many=3)
    EventCount.objects.create(**{**EventCount.objects.values().get(), "id": None, "how_many": 4})

    with shared_events(*parse_period("2026-03").bounds()) as tally:
        (row,) = tally.rows[(children.pk, EventKind.CONTACT_RECEIVED)]
    assert row[0] == kaakkuri.pk and row[1].isoformat() == "2026-03-01" and row[-1] == 7

    lower, upper = parse_period("2026-03").bounds()
    with pytest.raises(ValueError), shared_events(lower + timedelta(hours=1), upper):
        pass
