"""Every network's convening deadline is recorded once, met in time or not (issue #17)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from contacts import services as contact_services
from contacts.tests.helpers import a_contact, coordinator_of
from indicators.models import Event, EventKind
from networks import services
from networks.deadlines import record_passed_deadlines
from networks.models import Network

pytestmark = pytest.mark.django_db
HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture
def network(kaakkuri, children):
    coordinator = coordinator_of(kaakkuri, children)
    network = contact_services.convene(
        contact=a_contact(kaakkuri, children, coordinator),
        by=coordinator,
        expected_version=1,
        subject_name="Eeli Virtanen",
        subject_birth_date=None,
    )
    # Contact on 2 March: the deadline is 16 March.
    Network.objects.filter(pk=network.pk).update(
        first_contact_at=datetime(2026, 3, 2, 9, tzinfo=HELSINKI),
        convening_deadline=date(2026, 3, 16),
    )
    network.refresh_from_db()
    return network, coordinator


def held_first_meeting(network, coordinator, on: date):
    starts = datetime.combine(on, datetime.min.time(), tzinfo=HELSINKI).replace(hour=10)
    meeting = services.schedule_meeting(
        network=network,
        by=coordinator,
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1, hours=1),
        place="Koulu",
        late_reason="Testi",
    )
    type(meeting).objects.filter(pk=meeting.pk).update(
        starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    meeting.refresh_from_db()
    services.mark_meeting_held(meeting=meeting, by=coordinator)


def deadline_events():
    return list(
        Event.objects.filter(kind=EventKind.CONVENING_DEADLINE).values_list(
            "outcome", "days", "occurred_at"
        )
    )


def test_nothing_is_recorded_before_the_deadline_has_passed(network):
    assert record_passed_deadlines(today=date(2026, 3, 16)) == 0
    assert deadline_events() == []


def test_a_network_that_never_met_is_recorded_late_on_its_deadline_day_once(network):
    assert record_passed_deadlines(today=date(2026, 3, 17)) == 1
    [(outcome, days, at)] = deadline_events()
    assert (outcome, days) == ("late", None)
    assert timezone.localtime(at).date() == date(2026, 3, 16)
    assert record_passed_deadlines(today=date(2026, 4, 30)) == 0  # once only
    network[0].refresh_from_db()
    assert network[0].deadline_recorded


def test_a_network_that_met_in_time_is_recorded_with_its_days(network):
    net, coordinator = network
    held_first_meeting(net, coordinator, date(2026, 3, 12))
    record_passed_deadlines(today=date(2026, 3, 20))
    assert [(o, d) for o, d, _at in deadline_events()] == [("in_time", 10)]


def test_a_network_that_met_after_its_deadline_stays_late(network):
    net, coordinator = network
    held_first_meeting(net, coordinator, date(2026, 3, 19))
    record_passed_deadlines(today=date(2026, 3, 25))
    assert [(o, d) for o, d, _at in deadline_events()] == [("late", None)]
