"""The events' own counts (EventCount): kept in the same transaction as each event, equal to
grouping the events afresh, and what the dashboards read."""

from collections import Counter
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.computations import shared_events
from indicators.events import record_event
from indicators.models import COUNTED_FIELDS, Event, EventCount, EventKind
from indicators.periods import parse_period

pytestmark = pytest.mark.django_db
HELSINKI = ZoneInfo("Europe/Helsinki")


def counts():
    return {
        (c.programme_id, c.kind, c.area_id, c.month, *(getattr(c, f) for f in COUNTED_FIELDS)): (
            c.how_many
        )
        for c in EventCount.objects.all()
    }


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


def test_a_group_another_transaction_made_meanwhile_is_added_to(kaakkuri, children):
    """Two first events of a group at once: the one whose insert meets the other's row adds to
    it (the unique key), instead of failing or counting one."""
    record_event(EventKind.CONTACT_RECEIVED, area=kaakkuri, programme=children)
    (only,) = EventCount.objects.all()
    real_update = type(EventCount.objects.all()).update
    calls = []

    def update_missing_once(queryset, **values):
        calls.append(values)
        return 0 if len(calls) == 1 else real_update(queryset, **values)  # the other's row unseen

    with mock.patch.object(type(EventCount.objects.all()), "update", update_missing_once):
        record_event(EventKind.CONTACT_RECEIVED, area=kaakkuri, programme=children)

    only.refresh_from_db()
    assert only.how_many == 2 and len(calls) == 2
    assert EventCount.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        EventCount.objects.create(
            key=only.key, programme=children, kind="x", area=kaakkuri, month=only.month
        )


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
    # A count no event stands behind: the tally reads the counts, not the events.
    EventCount.objects.update(how_many=7)

    with shared_events(*parse_period("2026-03").bounds()) as tally:
        (row,) = tally.rows[(children.pk, EventKind.CONTACT_RECEIVED)]
    assert row[0] == kaakkuri.pk and row[1].isoformat() == "2026-03-01" and row[-1] == 7

    lower, upper = parse_period("2026-03").bounds()
    with pytest.raises(ValueError), shared_events(lower + timedelta(hours=1), upper):
        pass
