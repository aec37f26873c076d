"""A network whose first meeting was recorded, so five participants hold feedback links."""

from django.core import mail

from contacts.tests.helpers import professional
from feedback import services
from feedback.models import FeedbackInvitation
from meetings.services import RecordInput, save_meeting_record
from meetings.tests.helpers import network_with_meeting
from networks.tests.factories import ParticipantFactory, ProfessionalParticipantFactory


def held_meeting(area, programme):
    network, meeting, coordinator = network_with_meeting(area, programme)
    ParticipantFactory(
        network=network, name="Pekka Virtanen", relation="isä", email="pekka@example.fi"
    )
    for n in range(2):
        ProfessionalParticipantFactory(
            network=network,
            user=professional(email=f"pro{n}@example.fi", full_name=f"Ammattilainen {n}"),
        )
    mail.outbox.clear()
    save_meeting_record(
        meeting=meeting, by=coordinator, expected_version=0, data=RecordInput(common_goal="Arki")
    )
    return network, meeting, coordinator


def tokens(network, audience):
    return [
        services.token_for(i)
        for i in FeedbackInvitation.objects.filter(participant__network=network)
        if services.audience_for(i.participant) == audience
    ]
