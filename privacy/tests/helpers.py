"""A closed network with something in every personal field.

The network, its contact and participants come from the factories; the meeting, its record,
the personal link and the closing go through the services, so that every row they leave behind
(meeting changes, invitations, revisions, feedback invitations, events) is there to be erased.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from contacts.tests.helpers import coordinator_of, professional
from family import services as family_services
from meetings import services as meeting_services
from meetings.models import GoalOwner
from meetings.services import NewGoal, NewPromise, RecordInput
from networks import services as network_services
from networks.models import Meeting, Network, Participant
from networks.tests.factories import (
    NetworkFactory,
    OutsideProfessionalFactory,
    ParticipantFactory,
    ProfessionalParticipantFactory,
)

# Every text the builder stores; none may survive erasure anywhere.
SECRETS = {
    "subject": "Eeli Virtanen",
    "mother": "Maija Virtanen",
    "teacher": "Olli Opettaja",
    "relation": "äiti",
    "mother_email": "maija@example.fi",
    "mother_phone": "0401234567",
    "caller": "Opettaja Aino",
    "caller_service": "Kaakkurin yläkoulu",
    "caller_phone": "0407654321",
    "caller_email": "aino.opettaja@example.fi",
    "concern": "Poissaoloja koulusta, perheen tilanne muuttunut.",
    "place": "Virtasten koti, Kaakkurintie 5",
    "family_view": "Aamut ovat raskaita.",
    "child_view": "Haluan mennä kouluun kaverin kanssa.",
    "common_goal": "Eelin toimiva arki",
    "protective_factors": "Jalkapallo ja isovanhemmat",
    "strengths": "Hyvä kaveri naapurissa",
    "vulnerabilities": "Väsymys aamuisin",
    "goal": "Vähemmän poissaoloja",
    "scale_note": "0 = ei koulussa, 10 = joka päivä",
    "promise": "Soitan perheelle joka perjantai",
    "review_note": "Sovittu yhdessä Maijan kanssa",
    "closing_summary": "Eeli käy koulua joka päivä.",
    "deacon": "Diakoni Daniel",
    "deacon_organisation": "Kaakkurin seurakunta",
    "deacon_phone": "0409876543",
}
BIRTH_DATE = date(2015, 5, 17)


@dataclass
class Built:
    network: Network
    coordinator: Any
    teacher: Any
    mother: Participant
    meeting: Meeting


def a_network(
    area: Any,
    programme: Any,
    *,
    name: str = SECRETS["subject"],
    close: bool = True,
    coordinator: Any | None = None,
) -> Built:
    """A network with a held meeting, a record, goals, promises and a personal link; closed."""
    coordinator = coordinator or coordinator_of(area, programme)
    network = NetworkFactory.create(
        area=area,
        programme=programme,
        coordinator=coordinator,
        subject_name=name,
        subject_birth_date=BIRTH_DATE,
        contact__contact_person_name=SECRETS["caller"],
        contact__contact_person_service=SECRETS["caller_service"],
        contact__contact_person_phone=SECRETS["caller_phone"],
        contact__contact_person_email=SECRETS["caller_email"],
        contact__concern=SECRETS["concern"],
    )
    teacher = professional(full_name=SECRETS["teacher"], service_name="Kaakkurin koulu")
    teacher_participant = ProfessionalParticipantFactory.create(network=network, user=teacher)
    mother = ParticipantFactory.create(
        network=network,
        name=SECRETS["mother"],
        relation=SECRETS["relation"],
        email=SECRETS["mother_email"],
        phone=SECRETS["mother_phone"],
    )
    # A professional without an Arki account, with a free-text organisation.
    OutsideProfessionalFactory(
        network=network,
        name=SECRETS["deacon"],
        organisation=SECRETS["deacon_organisation"],
        phone=SECRETS["deacon_phone"],
    )
    starts = timezone.now() + timedelta(days=1)
    meeting = network_services.schedule_meeting(
        network=network,
        by=coordinator,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place=SECRETS["place"],
    )
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now()
    )
    meeting.refresh_from_db()
    life_area = programme.life_areas.order_by("order").first()
    meeting_services.save_meeting_record(
        meeting=meeting,
        by=coordinator,
        expected_version=0,
        data=RecordInput(
            present=[teacher_participant, mother],
            family_view=SECRETS["family_view"],
            child_views={network.children.get().pk: SECRETS["child_view"]},
            common_goal=SECRETS["common_goal"],
            protective_factors=SECRETS["protective_factors"],
            life_areas={life_area.pk: (SECRETS["strengths"], SECRETS["vulnerabilities"])},
            new_goals=[NewGoal(GoalOwner.CHILD, SECRETS["goal"], 3, SECRETS["scale_note"])],
            new_promises=[
                NewPromise(
                    teacher_participant,
                    SECRETS["promise"],
                    timezone.localdate() + timedelta(days=14),
                )
            ],
        ),
    )
    family_services.create_link(participant=mother, by=coordinator)
    if close:
        meeting_services.resolve_open_promises(
            network=network, by=coordinator, note=SECRETS["review_note"]
        )
        meeting_services.close_network(
            network=network,
            by=coordinator,
            reason="goal_reached",
            summary=SECRETS["closing_summary"],
        )
    network.refresh_from_db()
    return Built(network, coordinator, teacher, mother, meeting)
