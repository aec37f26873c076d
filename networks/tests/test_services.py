"""Convening: participants, meetings, invitations with iCalendar, events for indicators."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from contacts import services as contact_services
from contacts.tests.helpers import a_contact, coordinator_of, professional
from core.errors import StaleEdit, ValidationError
from indicators.models import Event, EventKind
from networks import services
from networks.models import MeetingKind, MeetingStatus, NetworkStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(kaakkuri, children):
    return coordinator_of(kaakkuri, children, email="koordinaattori@example.fi")


@pytest.fixture
def network(kaakkuri, children, coordinator):
    contact = a_contact(kaakkuri, children, coordinator)
    return contact_services.convene(
        contact=contact,
        by=coordinator,
        expected_version=1,
        subject_name="Eeli Virtanen",
        subject_birth_date=None,
    )


def family_kind(network):
    return network.programme.participant_kinds.filter(is_family=True).first()


def with_three_participants(network, coordinator):
    services.add_participant(
        network=network,
        by=coordinator,
        kind=services.professional_kind(network),
        user=professional(email="kuraattori@example.fi"),
    )
    services.add_participant(
        network=network,
        by=coordinator,
        kind=family_kind(network),
        name="Maija Virtanen",
        relation="äiti",
        email="maija@example.fi",
    )
    services.add_participant(
        network=network,
        by=coordinator,
        kind=family_kind(network),
        name="Pekka Korhonen",
        relation="jalkapallovalmentaja",
        email="pekka@example.fi",
    )


def soon(days=3, hour=10):
    start = timezone.localtime() + timedelta(days=days)
    start = start.replace(hour=hour, minute=0, second=0, microsecond=0)
    return start, start + timedelta(hours=1, minutes=30)


def parse(message):
    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    return Calendar.from_ical(attachment[1])


def test_invitations_carry_an_icalendar_request(network, coordinator):
    with_three_participants(network, coordinator)
    starts, ends = soon()
    mail.outbox.clear()
    meeting = services.schedule_meeting(
        network=network,
        by=coordinator,
        starts_at=starts,
        ends_at=ends,
        place="Kaakkurin koulu, neuvotteluhuone",
    )
    assert meeting.kind == MeetingKind.FIRST
    assert sorted(m.to[0] for m in mail.outbox) == [
        "kuraattori@example.fi",
        "maija@example.fi",
        "pekka@example.fi",
    ]
    for message in mail.outbox:
        assert "Virtanen" not in message.subject
        calendar = parse(message)
        assert calendar["METHOD"] == "REQUEST"
        (event,) = calendar.walk("VEVENT")
        assert event["SEQUENCE"] == 0
        assert event.decoded("DTSTART") == starts
        assert str(event["DTSTART"].params["TZID"]) == "Europe/Helsinki"
        assert calendar.walk("VTIMEZONE")


def test_moving_and_cancelling_send_updates_with_a_higher_sequence(network, coordinator):
    with_three_participants(network, coordinator)
    starts, ends = soon()
    meeting = services.schedule_meeting(
        network=network, by=coordinator, starts_at=starts, ends_at=ends, place="Koulu"
    )
    uid = str(parse(mail.outbox[0]).walk("VEVENT")[0]["UID"])
    mail.outbox.clear()
    meeting = services.move_meeting(
        meeting=meeting,
        by=coordinator,
        expected_version=1,
        starts_at=starts + timedelta(days=1),
        ends_at=ends + timedelta(days=1),
        place="Koulu",
    )
    moved = parse(mail.outbox[0])
    assert moved["METHOD"] == "REQUEST"
    assert moved.walk("VEVENT")[0]["SEQUENCE"] == 1
    assert str(moved.walk("VEVENT")[0]["UID"]) == uid
    with pytest.raises(StaleEdit):
        services.move_meeting(
            meeting=meeting,
            by=coordinator,
            expected_version=1,
            starts_at=starts,
            ends_at=ends,
            place="Koulu",
        )
    mail.outbox.clear()
    services.cancel_meeting(meeting=meeting, by=coordinator, reason="Perhe sairastui")
    cancelled = parse(mail.outbox[0])
    assert cancelled["METHOD"] == "CANCEL"
    assert cancelled.walk("VEVENT")[0]["SEQUENCE"] == 2
    assert str(cancelled.walk("VEVENT")[0]["UID"]) == uid


def test_a_meeting_in_the_past_or_without_a_place_is_refused(network, coordinator):
    past = timezone.now() - timedelta(hours=2)
    with pytest.raises(ValidationError) as error:
        services.schedule_meeting(
            network=network,
            by=coordinator,
            starts_at=past,
            ends_at=past + timedelta(hours=1),
            place="Koulu",
        )
    assert "starts_at" in error.value.message_dict
    starts, ends = soon()
    with pytest.raises(ValidationError) as error:
        services.schedule_meeting(network=network, by=coordinator, starts_at=starts, ends_at=ends)
    assert "place" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.schedule_meeting(
            network=network, by=coordinator, starts_at=starts, ends_at=starts, place="Koulu"
        )
    assert "ends_at" in error.value.message_dict
    assert network.meetings.count() == 0


def test_a_first_meeting_before_the_contact_is_refused(network, coordinator):
    network.first_contact_at = timezone.now() + timedelta(days=5)
    network.save()
    starts, ends = soon(days=2)
    with pytest.raises(ValidationError) as error:
        services.schedule_meeting(
            network=network, by=coordinator, starts_at=starts, ends_at=ends, place="Koulu"
        )
    assert "starts_at" in error.value.message_dict


def test_a_first_meeting_after_the_deadline_needs_a_reason_which_is_kept(network, coordinator):
    starts, ends = soon(days=20)
    with pytest.raises(ValidationError) as error:
        services.schedule_meeting(
            network=network, by=coordinator, starts_at=starts, ends_at=ends, place="Koulu"
        )
    assert "late_reason" in error.value.message_dict
    meeting = services.schedule_meeting(
        network=network,
        by=coordinator,
        starts_at=starts,
        ends_at=ends,
        place="Koulu",
        late_reason="Vanhemman leikkaus",
    )
    assert meeting.late_reason == "Vanhemman leikkaus"
    assert meeting.changes.get().reason == "Vanhemman leikkaus"


def test_holding_the_first_meeting_convenes_the_network(network, coordinator, monkeypatch):
    starts, ends = soon(days=2)
    meeting = services.schedule_meeting(
        network=network, by=coordinator, starts_at=starts, ends_at=ends, place="Koulu"
    )
    with pytest.raises(ValidationError):
        services.mark_meeting_held(meeting=meeting, by=coordinator)
    later = starts + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    services.mark_meeting_held(meeting=meeting, by=coordinator)
    meeting.refresh_from_db()
    network.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert network.status == NetworkStatus.ACTIVE
    convened = Event.objects.get(kind=EventKind.NETWORK_CONVENED)
    assert convened.days == 2
    assert convened.count == 1
    assert Event.objects.filter(kind=EventKind.MEETING_HELD).count() == 1
    follow_up = services.schedule_meeting(
        network=network,
        by=coordinator,
        starts_at=starts + timedelta(days=30),
        ends_at=ends + timedelta(days=30),
        place="Koulu",
    )
    assert follow_up.kind == MeetingKind.FOLLOW_UP


def test_a_professional_joins_once_and_the_own_worker_is_unique(kaakkuri, working_age):
    coordinator = coordinator_of(kaakkuri, working_age)
    contact = a_contact(
        kaakkuri, working_age, coordinator, contacted_by="client", contact_person_name=""
    )
    worker = professional(title="Sosiaaliohjaaja", service_name="Aikuissosiaalityö")
    other = professional(title="Työkykykoordinaattori", service_name="Työkykytiimi")
    with pytest.raises(ValidationError) as error:
        contact_services.convene(
            contact=contact,
            by=coordinator,
            expected_version=1,
            subject_name="Asiakas Esimerkki",
            subject_birth_date=None,
        )
    assert "own_worker" in error.value.message_dict
    network = contact_services.convene(
        contact=contact,
        by=coordinator,
        expected_version=1,
        subject_name="Asiakas Esimerkki",
        subject_birth_date=None,
        own_worker=worker,
    )
    own = network.participants.get(is_own_worker=True)
    assert (own.user, own.role.code) == (worker, "own-worker")
    kind = services.professional_kind(network)
    with pytest.raises(ValidationError):
        services.add_participant(network=network, by=coordinator, kind=kind, user=worker)
    services.add_participant(
        network=network, by=coordinator, kind=kind, user=other, is_own_worker=True
    )
    assert list(network.participants.filter(is_own_worker=True).values_list("user", flat=True)) == [
        other.pk
    ]
