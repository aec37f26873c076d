"""A network with a held-ready first meeting, for meeting-record tests.

The network and its participants come from the factories; the meetings are scheduled through
``schedule_meeting``, whose invitations (REQUEST, .ics) later updates and cancellations follow,
and then moved into the past."""

from datetime import timedelta

from django.utils import timezone

from contacts.tests.helpers import coordinator_of, professional
from networks import services as network_services
from networks.tests.factories import (
    NetworkFactory,
    ParticipantFactory,
    ProfessionalParticipantFactory,
)


def network_with_meeting(area, programme, *, hours_ago=1):
    coordinator = coordinator_of(area, programme, email="koordinaattori@example.fi")
    network = NetworkFactory(
        area=area,
        programme=programme,
        coordinator=coordinator,
        subject_name="Eeli Virtanen",
        subject_birth_date=None,
    )
    teacher = professional(
        email="opettaja@example.fi", full_name="Olli Opettaja", title="Luokanopettaja"
    )
    ProfessionalParticipantFactory(network=network, user=teacher)
    ParticipantFactory(
        network=network, name="Maija Virtanen", relation="äiti", email="maija@example.fi"
    )
    meeting = _scheduled(network, coordinator)
    # The meeting has now taken place.
    _moved(meeting, starts_at=timezone.now() - timedelta(hours=hours_ago))
    return network, meeting, coordinator


def participants(network):
    return {p.name: p for p in network.participants.all()}


def later_meeting(network, coordinator, days=30):
    """A follow-up that has just taken place."""
    meeting = _scheduled(network, coordinator)
    _moved(meeting, starts_at=timezone.now() - timedelta(minutes=30))
    return meeting


def _scheduled(network, coordinator):
    starts = timezone.now() + timedelta(days=1)
    return network_services.schedule_meeting(
        network=network,
        by=coordinator,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Kaakkurin koulu",
    )


def _moved(meeting, *, starts_at):
    type(meeting).objects.filter(pk=meeting.pk).update(starts_at=starts_at, ends_at=timezone.now())
    meeting.refresh_from_db()
