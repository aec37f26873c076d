"""Daily-work defects found by trying Arki as a coordinator, a participant and a family would
(issue #15, "Daily-work defects to fix")."""

import pytest
from django.core import mail
from django.urls import reverse

from contacts import services as contact_services
from contacts.models import Outcome, Source
from contacts.tests.helpers import a_contact, contact_data, coordinator_of, professional
from networks import services
from networks.tests.test_services import parse, soon, with_three_participants

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(kaakkuri, children):
    return coordinator_of(
        kaakkuri, children, email="koordinaattori@example.fi", full_name="Kaisa Koordinaattori"
    )


@pytest.fixture
def network(kaakkuri, children, coordinator):
    return contact_services.convene(
        contact=a_contact(kaakkuri, children, coordinator),
        by=coordinator,
        expected_version=1,
        subject_name="Eeli Virtanen",
        subject_birth_date=None,
    )


def test_the_participants_page_shows_no_errors_on_a_plain_get(client, network, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("networks:add_participant", args=[network.pk])).text
    assert "Tämä kenttä on pakollinen" not in page
    assert "errorlist" not in page


def test_a_participant_sees_the_link_to_the_memo(client, tuira, children):
    from meetings.services import RecordInput, save_meeting_record
    from meetings.tests.helpers import network_with_meeting, participants

    held, meeting, lead = network_with_meeting(tuira, children)
    save_meeting_record(
        meeting=meeting, by=lead, expected_version=0, data=RecordInput(common_goal="Arki")
    )
    teacher = participants(held)["Olli Opettaja"]
    client.force_login(teacher.user)
    page = client.get(reverse("networks:detail", args=[held.pk])).text
    assert reverse("meetings:memo", args=[meeting.pk]) in page


def invitation_to(address):
    return next(message for message in mail.outbox if message.to == [address])


def test_each_family_member_gets_their_own_invitation(network, coordinator):
    with_three_participants(network, coordinator)
    starts, ends = soon()
    mail.outbox.clear()
    services.schedule_meeting(
        network=network, by=coordinator, starts_at=starts, ends_at=ends, place="Koulu"
    )
    mother, coach = invitation_to("maija@example.fi"), invitation_to("pekka@example.fi")
    curator = invitation_to("kuraattori@example.fi")
    for message in (mother, coach):
        # A family member cannot sign in to Arki: they are told whom to contact instead.
        assert "Kirjaudu" not in message.body and "Sign in" not in message.body
        assert coordinator.full_name in message.body
    mother_attendees = {str(a) for a in parse(mother).walk("VEVENT")[0]["ATTENDEE"]}
    assert "mailto:maija@example.fi" in mother_attendees
    assert "mailto:pekka@example.fi" not in mother_attendees
    curator_event = parse(curator).walk("VEVENT")[0]
    attendees = curator_event["ATTENDEE"]
    curator_attendees = {
        str(a) for a in (attendees if isinstance(attendees, list) else [attendees])
    }
    assert not {"mailto:maija@example.fi", "mailto:pekka@example.fi"} & curator_attendees
    assert "Kirjaudu" in curator.body or "Sign in" in curator.body
    assert str(curator_event["ORGANIZER"]) == f"mailto:{coordinator.email}"
    content_type = next(
        line
        for line in mother.message().as_string().splitlines()
        if line.startswith("Content-Type: text/calendar")
    )
    assert content_type.lower().count("charset") == 1


def test_the_request_form_has_no_professional_picker_and_its_status_reads_as_a_status(
    client, kaakkuri, children, coordinator, network
):
    sender = professional(email="lahettaja@example.fi")
    client.force_login(sender)
    form = client.get(reverse("contacts:request")).text
    assert 'name="contact_person"' not in form
    contact, _created = contact_services.record_contact(
        recorded_by=sender, source=Source.REQUEST, data=contact_data(kaakkuri, children)
    )
    contact_services.join_network(
        contact=contact, by=coordinator, expected_version=contact.version, network=network
    )
    contact.refresh_from_db()
    assert contact.outcome == Outcome.JOINED
    page = client.get(reverse("contacts:my_requests")).text
    assert "Liitetty perheen avoimeen verkostoon" in page


def test_the_timeline_puts_a_booked_meeting_before_the_deadline_it_meets(network, coordinator):
    from datetime import timedelta

    from django.utils import timezone

    from networks.timeline import network_timeline

    starts = timezone.now() + timedelta(days=2)
    services.schedule_meeting(
        network=network,
        by=coordinator,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Koulu",
    )
    titles = [step.title for step in network_timeline(network)]
    meeting_at = next(i for i, title in enumerate(titles) if "tapaaminen" in title.lower())
    deadline_at = titles.index("Kutsu verkosto koolle (ensimmäinen tapaaminen viimeistään)")
    assert meeting_at < deadline_at, titles


def test_a_past_meeting_is_not_the_next_meeting(network, coordinator):
    from datetime import timedelta

    from django.utils import timezone

    from networks.models import Meeting
    from networks.selectors import next_meeting

    starts = timezone.now() + timedelta(days=2)
    meeting = services.schedule_meeting(
        network=network,
        by=coordinator,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Koulu",
    )
    assert next_meeting(network) == meeting
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(days=1, hours=1),
        ends_at=timezone.now() - timedelta(days=1),
    )
    assert next_meeting(network) is None  # held yesterday, waiting for its record


def test_two_meetings_on_one_day_are_told_apart_by_their_time():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.utils import translation

    from meetings.services import meeting_label
    from networks.models import Meeting

    zone = ZoneInfo("Europe/Helsinki")
    morning = Meeting(starts_at=datetime(2026, 12, 8, 9, 0, tzinfo=zone))
    afternoon = Meeting(starts_at=datetime(2026, 12, 8, 14, 30, tzinfo=zone))
    later = Meeting(starts_at=datetime(2026, 12, 15, 9, 0, tzinfo=zone))
    meetings = [morning, afternoon, later]
    with translation.override("fi"):
        labels = [meeting_label(m, meetings) for m in meetings]
    assert labels[0] != labels[1]
    assert "9.00" in labels[0] and "14.30" in labels[1]
    assert labels[2] == "15.12.2026"


def test_a_coordinator_without_a_directory_position_can_take_part_and_promise(
    client, network, coordinator
):
    from audit.roles import Role
    from networks.forms import ProfessionalParticipantForm

    assert not coordinator.positions.exists()
    colleague = coordinator_of(network.area, network.programme, email="toinen@example.fi")
    offered = list(ProfessionalParticipantForm(network).fields["user"].queryset)
    assert coordinator in offered and colleague in offered  # the area's coordinators
    client.force_login(coordinator)
    response = client.post(
        reverse("networks:add_participant", args=[network.pk]),
        {"which": "professional", "pro-user": coordinator.pk},
    )
    assert response.status_code == 302
    assert network.participants.filter(user=coordinator, removed_at__isnull=True).exists()
    assert coordinator.memberships.filter(role=Role.COORDINATOR).exists()
