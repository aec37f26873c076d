"""A network with a held-ready first meeting, for meeting-record tests."""

from datetime import timedelta

from django.utils import timezone

from contacts import services as contact_services
from contacts.tests.helpers import a_contact, coordinator_of, professional
from networks import services as network_services


def network_with_meeting(area, programme, *, hours_ago=1):
    coordinator = coordinator_of(area, programme, email="koordinaattori@example.fi")
    contact = a_contact(area, programme, coordinator)
    network = contact_services.convene(
        contact=contact,
        by=coordinator,
        expected_version=1,
        subject_name="Eeli Virtanen",
        subject_birth_date=None,
    )
    teacher = professional(
        email="opettaja@example.fi", full_name="Olli Opettaja", title="Luokanopettaja"
    )
    kind = network_services.professional_kind(network)
    network_services.add_participant(network=network, by=coordinator, kind=kind, user=teacher)
    family = network.programme.participant_kinds.get(code="parent")
    network_services.add_participant(
        network=network,
        by=coordinator,
        kind=family,
        name="Maija Virtanen",
        relation="äiti",
        email="maija@example.fi",
    )
    starts = timezone.now() + timedelta(days=1)
    meeting = network_services.schedule_meeting(
        network=network,
        by=coordinator,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Kaakkurin koulu",
    )
    # The meeting has now taken place.
    type(meeting).objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(hours=hours_ago), ends_at=timezone.now()
    )
    meeting.refresh_from_db()
    return network, meeting, coordinator


def participants(network):
    return {p.name: p for p in network.participants.all()}


def later_meeting(network, coordinator, days=30):
    starts = timezone.now() + timedelta(days=1)
    meeting = network_services.schedule_meeting(
        network=network,
        by=coordinator,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Kaakkurin koulu",
    )
    type(meeting).objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(minutes=30), ends_at=timezone.now()
    )
    meeting.refresh_from_db()
    return meeting
