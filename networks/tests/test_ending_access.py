"""What ends must end everywhere at once: a ban, a withdrawal or a removal reaches every path.

Pages are covered by the access rule; these tests walk the other ways a network reaches a
person: "my promises", reminders, meeting and feedback invitations, lists, emergency access.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from audit.roles import Role
from contacts.tests.helpers import professional
from core.errors import ValidationError
from directory.models import Position, Service
from feedback.models import FeedbackInvitation
from feedback.services import invite
from meetings.models import Promise
from meetings.reminders import send_promise_reminders
from meetings.tests.helpers import network_with_meeting, participants
from networks import consent, services
from networks.access import networks_visible_to
from networks.tests.helpers import withdraw_share

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(kaakkuri, children):
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    teacher = participants(network)["Olli Opettaja"]
    return network, meeting, coordinator, teacher


def promise_of(participant, meeting, act="Soitan kotiin viikoittain", days=2):
    return Promise.objects.create(
        network=participant.network,
        made_in=meeting,
        participant=participant,
        act=act,
        due=timezone.localdate() + timedelta(days=days),
    )


def ban(network, coordinator, **named):
    return consent.ban_disclosure(
        network=network, by=coordinator, requested_by="Maija Virtanen, äiti", **named
    )


def sent_to(address):
    return [message for message in mail.outbox if address in message.to]


def officer(area=None, email="tietosuoja@example.fi"):
    user = UserFactory(email=email)
    Membership.objects.create(user=user, role=Role.DATA_PROTECTION_OFFICER, area=area)
    return user


# --- my promises -------------------------------------------------------------------------------


@pytest.mark.parametrize("ending", ["ban", "withdrawal", "service ban"])
def test_my_promises_leaves_out_networks_whose_access_ended(client, world, ending):
    network, meeting, coordinator, teacher = world
    promise_of(teacher, meeting, act="Soitan kotiin viikoittain")
    client.force_login(teacher.user)
    assert "Soitan kotiin viikoittain" in client.get(reverse("meetings:my_promises")).text
    if ending == "ban":
        ban(network, coordinator, participant=teacher)
    elif ending == "service ban":
        ban(network, coordinator, service=teacher.service)
    else:
        withdraw_share(network, coordinator)
    page = client.get(reverse("meetings:my_promises"))
    assert page.status_code == 200
    assert "Soitan kotiin viikoittain" not in page.text


def test_my_promises_is_not_logged_as_a_participants_listing_after_a_ban(client, world):
    from audit.models import AccessLog

    network, meeting, coordinator, teacher = world
    promise_of(teacher, meeting)
    ban(network, coordinator, participant=teacher)
    client.force_login(teacher.user)
    client.get(reverse("meetings:my_promises"))
    assert not AccessLog.objects.filter(
        actor=teacher.user, view_name="meetings:my_promises", subject_id=str(network.pk)
    ).exists()


# --- reminders and invitations -----------------------------------------------------------------


def test_no_reminder_when_the_ban_names_another_service_the_person_works_in(
    world, django_capture_on_commit_callbacks
):
    """The person, not only the participant row: a ban on any service they work in holds."""
    network, meeting, coordinator, teacher = world
    evening = Service.objects.create(
        organisation=teacher.service.organisation, name="Iltapäiväkerho"
    )
    Position.objects.create(user=teacher.user, service=evening, title="Ohjaaja")
    promise_of(teacher, meeting)
    ban(network, coordinator, service=evening)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_promise_reminders()
    assert not sent_to(teacher.email)
    assert consent.participant_excluded(teacher)


def test_a_ban_on_the_person_holds_when_they_are_added_again(
    world, django_capture_on_commit_callbacks
):
    network, meeting, coordinator, teacher = world
    ban(network, coordinator, participant=teacher)
    services.remove_participant(participant=teacher, by=coordinator)
    again = services.add_participant(
        network=network, by=coordinator, kind=teacher.kind, user=teacher.user
    )
    assert consent.participant_excluded(again)
    promise_of(again, meeting)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_promise_reminders()
        services.send_invitations(meeting, "REQUEST")
    assert not sent_to(teacher.email)


@pytest.mark.parametrize("ending", ["ban", "withdrawal"])
def test_no_feedback_invitation_after_a_ban_or_a_withdrawal(
    world, ending, django_capture_on_commit_callbacks
):
    network, meeting, coordinator, teacher = world
    mother = participants(network)["Maija Virtanen"]
    if ending == "ban":
        ban(network, coordinator, participant=teacher)
    else:
        withdraw_share(network, coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invite(network=network, occasion="meeting", meeting=meeting)
    assert not FeedbackInvitation.objects.filter(participant=teacher).exists()
    assert not sent_to(teacher.email)
    # The family's own feedback is still asked.
    assert FeedbackInvitation.objects.filter(participant=mother).exists()


def test_an_everyday_adults_access_rests_on_the_familys_consent(
    world, django_capture_on_commit_callbacks
):
    """A coach or a neighbour is in the network by the family's consent; a parent by right."""
    network, meeting, coordinator, _teacher = world
    coach = services.add_participant(
        network=network,
        by=coordinator,
        kind=network.programme.participant_kinds.get(code="everyday-adult"),
        name="Valmentaja Ville",
        email="ville@example.fi",
    )
    mother = participants(network)["Maija Virtanen"]
    withdraw_share(network, coordinator)
    assert consent.participant_excluded(coach)
    assert not consent.participant_excluded(mother)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_invitations(meeting, "REQUEST")
    assert not sent_to("ville@example.fi") and sent_to("maija@example.fi")


def test_the_coordinator_keeps_their_promises_after_a_withdrawal(client, world):
    network, meeting, coordinator, _teacher = world
    own = services.add_participant(
        network=network,
        by=coordinator,
        kind=services.professional_kind(network),
        user=coordinator,
    )
    promise_of(own, meeting, act="Kutsun seurantatapaamisen koolle")
    withdraw_share(network, coordinator)
    assert not consent.participant_excluded(own)
    client.force_login(coordinator)
    assert "Kutsun seurantatapaamisen koolle" in client.get(reverse("meetings:my_promises")).text


# --- lists ---------------------------------------------------------------------------------------


def test_a_ban_on_another_service_of_the_person_removes_the_network_from_their_list(world):
    network, _meeting, coordinator, teacher = world
    evening = Service.objects.create(
        organisation=teacher.service.organisation, name="Iltapäiväkerho"
    )
    Position.objects.create(user=teacher.user, service=evening, title="Ohjaaja")
    assert network in networks_visible_to(teacher.user)
    ban(network, coordinator, service=evening)
    assert network not in networks_visible_to(teacher.user)


# --- emergency access --------------------------------------------------------------------------


@pytest.mark.parametrize("named", ["participant", "service"])
def test_a_person_a_ban_names_cannot_use_emergency_access(client, world, named):
    network, _meeting, coordinator, teacher = world
    if named == "participant":
        ban(network, coordinator, participant=teacher)
    else:
        ban(network, coordinator, service=teacher.service)
    with pytest.raises(ValidationError):
        consent.grant_break_glass(
            network=network, user=teacher.user, reason="Lapsen turvallisuus on vaarassa nyt."
        )
    client.force_login(teacher.user)
    response = client.post(
        reverse("networks:break_glass", args=[network.pk]),
        {"reason": "Lapsen turvallisuus on vaarassa nyt."},
    )
    assert response.status_code == 200
    assert "Hätäkäyttöä ei voi käyttää tällä verkoston numerolla" in response.text
    assert not network.break_glass.exists()
    assert client.get(reverse("networks:detail", args=[network.pk])).status_code == 403


def test_a_ban_ends_an_emergency_access_granted_before_it(client, world):
    network, _meeting, coordinator, _teacher = world
    nurse = professional(email="terveydenhoitaja@example.fi", service_name="Neuvola")
    consent.grant_break_glass(
        network=network, user=nurse, reason="Lapsen turvallisuus on vaarassa nyt."
    )
    client.force_login(nurse)
    assert client.get(reverse("networks:detail", args=[network.pk])).status_code == 200
    ban(network, coordinator, service=nurse.positions.get().service)
    assert not consent.has_break_glass(nurse, network)
    assert client.get(reverse("networks:detail", args=[network.pk])).status_code == 403


def test_emergency_access_tells_the_data_protection_officers_at_once(
    world, tuira, django_capture_on_commit_callbacks
):
    network, _meeting, _coordinator, _teacher = world
    here = officer(area=network.area, email="tietosuoja@example.fi")
    everywhere = officer(email="tietosuojavastaava@example.fi")
    elsewhere = officer(area=tuira, email="tuira-tietosuoja@example.fi")
    nurse = professional(email="terveydenhoitaja@example.fi", full_name="Terhi Terveydenhoitaja")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        consent.grant_break_glass(
            network=network, user=nurse, reason="Salainen syy: perheen osoite muuttunut."
        )
    assert sent_to(here.email) and sent_to(everywhere.email)
    assert not sent_to(elsewhere.email)
    (message,) = sent_to(here.email)
    text = message.subject + message.body
    assert str(network.pk) in message.subject
    assert "Eeli" not in text and "Virtanen" not in text
    assert "Salainen syy" not in text  # the reason stays in Arki
    assert reverse("audit:break_glass") in message.body


def test_my_requests_stops_pointing_to_a_network_after_a_ban(client, kaakkuri, children):
    from contacts import services as contact_services
    from contacts.models import Source
    from contacts.tests.helpers import contact_data, coordinator_of

    coordinator = coordinator_of(kaakkuri, children)
    sender = professional(email="kuraattori@example.fi")
    contact, _created = contact_services.record_contact(
        recorded_by=sender, source=Source.REQUEST, data=contact_data(kaakkuri, children)
    )
    network = contact_services.convene(
        contact=contact,
        by=coordinator,
        expected_version=contact.version,
        subject_name="Eeli Virtanen",
        subject_birth_date=None,
    )
    link = reverse("networks:detail", args=[network.pk])
    client.force_login(sender)
    assert link in client.get(reverse("contacts:my_requests")).text
    assert link in client.get(reverse("contacts:detail", args=[contact.pk])).text
    ban(network, coordinator, service=sender.positions.get().service)
    assert link not in client.get(reverse("contacts:my_requests")).text
    assert link not in client.get(reverse("contacts:detail", args=[contact.pk])).text


def test_the_withdrawal_notice_goes_to_those_whose_access_it_ended(
    world, django_capture_on_commit_callbacks
):
    network, _meeting, coordinator, teacher = world
    services.add_participant(
        network=network,
        by=coordinator,
        kind=network.programme.participant_kinds.get(code="everyday-adult"),
        name="Valmentaja Ville",
        email="ville@example.fi",
    )
    nurse = professional(email="terveydenhoitaja@example.fi", service_name="Neuvola")
    services.add_participant(network=network, by=coordinator, kind=teacher.kind, user=nurse)
    ban(network, coordinator, service=nurse.positions.get().service)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_share(network, coordinator)
    assert sent_to("ville@example.fi") and sent_to(teacher.email)
    # The banned nurse lost access already: the withdrawal is not theirs to hear of.
    assert not sent_to(nurse.email) and not sent_to("maija@example.fi")
