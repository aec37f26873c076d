"""Finnish public holidays named where a coordinator plans: the deadline, the meetings."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from contacts import services as contact_services
from contacts.tests.helpers import a_contact, coordinator_of
from core.public_holidays import public_holiday

HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.mark.parametrize(
    ("language", "name"),
    [("fi", "Itsenäisyyspäivä"), ("sv", "Självständighetsdagen"), ("en", "Independence Day")],
)
def test_a_holiday_is_named_in_the_readers_language(language, name):
    with translation.override(language):
        assert public_holiday(date(2027, 12, 6)) == name
    assert public_holiday(date(2027, 12, 6), language) == name


def test_an_ordinary_day_and_the_moving_holidays():
    assert public_holiday(date(2027, 12, 2), "fi") is None
    assert public_holiday(date(2027, 6, 25), "fi") == "Juhannusaatto"  # Midsummer Eve moves
    assert public_holiday(date(2027, 3, 26), "fi") == "Pitkäperjantai"  # so does Good Friday


@pytest.fixture
def network(db, kaakkuri, children):
    coordinator = coordinator_of(kaakkuri, children, email="koordinaattori@example.fi")
    network = contact_services.convene(
        contact=a_contact(kaakkuri, children, coordinator),
        by=coordinator,
        expected_version=1,
        subject_name="Eeli Virtanen",
        subject_birth_date=None,
    )
    return network, coordinator


def test_the_queue_and_the_network_page_say_the_deadline_falls_on_a_holiday(client, network):
    network, coordinator = network
    # A contact on 22 November: the first meeting is due on Independence Day.
    contact_at = datetime(2026, 11, 22, 12, tzinfo=HELSINKI)
    type(network).objects.filter(pk=network.pk).update(
        first_contact_at=contact_at, convening_deadline=date(2026, 12, 6)
    )
    client.force_login(coordinator)
    assert "pyhäpäivä: Itsenäisyyspäivä" in client.get(reverse("contacts:queue")).text
    page = client.get(reverse("networks:detail", args=[network.pk])).text
    assert "pyhäpäivä: Itsenäisyyspäivä" in page


def test_scheduling_a_meeting_on_a_holiday_warns_but_keeps_it(client, network):
    network, coordinator = network
    today = timezone.localdate()
    christmas_eve = date(today.year, 12, 24)
    if christmas_eve <= today:
        christmas_eve = date(today.year + 1, 12, 24)
    start = datetime.combine(christmas_eve, datetime.min.time()).replace(hour=10)
    client.force_login(coordinator)
    response = client.post(
        reverse("networks:schedule_meeting", args=[network.pk]),
        {
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Kaakkurin koulu",
            "late_reason": "Perhe toivoi joulun alle.",
        },
        follow=True,
    )
    assert network.meetings.count() == 1
    assert "Tapaaminen on pyhäpäivänä (Jouluaatto)" in response.text


def test_an_ordinary_day_has_no_note(client, network):
    network, coordinator = network
    type(network).objects.filter(pk=network.pk).update(convening_deadline=date(2026, 12, 2))
    client.force_login(coordinator)
    assert "pyhäpäivä" not in client.get(reverse("networks:detail", args=[network.pk])).text
