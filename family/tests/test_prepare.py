"""Preparing the meeting together: a parent prepares the meeting through their plan page, the
coordinator sees it on the network page and in the meeting record as the family's own words."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from family.tests.factories import FamilyLinkFactory
from family.tests.test_plan_page import IDENTITY_CODE, identified
from feedback.models import FeedbackInvitation
from feedback.services import invite, token_for
from meetings.models import FamilyPreparation
from networks import services as network_services
from networks.identity import hash_identity_code
from networks.models import Meeting, MeetingStatus
from networks.tests.factories import MeetingFactory, NetworkFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

ANSWERS = {
    "goes_well": "Aamut sujuvat.\nKoulumatka on helppo.",
    "worries": "Illat ovat riitaisia.",
    "wishes": "Että sovitaan yhdessä iltarutiinit.",
    "who_to_invite": "Mummo",
    "child_view": "Välitunnit on kivoja. Matikka on vaikeaa.",
}


@pytest.fixture
def family(kaakkuri, children):
    """A family's network with a meeting planned for tomorrow and the mother's opened link."""
    network = NetworkFactory(area=kaakkuri, programme=children, subject_name="Eeli Virtanen")
    mother = ParticipantFactory(
        network=network,
        name="Maija Virtanen",
        relation="äiti",
        identity_code_hash=hash_identity_code(IDENTITY_CODE),
    )
    meeting = MeetingFactory(network=network)
    link = FamilyLinkFactory(participant=mother)
    return network, mother, meeting, link


def opened(link):
    """A browser that entered the link's code."""
    browser = Client()
    response = browser.post(reverse("family:plan", args=[link.token]), {"code": link.code})
    assert response.status_code == 302
    return browser


def prepare_url(link, meeting):
    return reverse("family:prepare", args=[link.token, meeting.pk])


def started(meeting):
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5),
        ends_at=timezone.now() + timedelta(minutes=55),
    )


def test_a_parent_prepares_the_meeting_and_the_coordinator_sees_it_in_the_record(family):
    network, mother, meeting, link = family
    browser = opened(link)
    plan = browser.get(reverse("family:plan", args=[link.token])).content.decode()
    assert 'id="prepare-heading"' in plan
    assert prepare_url(link, meeting) in plan

    form = browser.get(prepare_url(link, meeting))
    assert form.status_code == 200
    page = form.content.decode()
    assert 'for="id_child_view"' in page and 'id="id_child_view"' in page
    assert page.count("<fieldset") == 2  # the child's part is a fieldset of its own

    response = browser.post(prepare_url(link, meeting), ANSWERS)
    assert response.status_code == 302
    assert response["Location"] == reverse("family:plan", args=[link.token])
    saved = FamilyPreparation.objects.get()
    assert (saved.meeting, saved.participant, saved.worries) == (
        meeting,
        mother,
        "Illat ovat riitaisia.",
    )
    plan = browser.get(reverse("family:plan", args=[link.token])).content.decode()
    assert "Illat ovat riitaisia." in plan

    # Edited again before the meeting starts: the same answers change.
    browser.post(prepare_url(link, meeting), {**ANSWERS, "worries": "Ei enää huolta."})
    assert FamilyPreparation.objects.get().worries == "Ei enää huolta."

    coordinator = Client()
    coordinator.force_login(network.coordinator)
    detail = coordinator.get(reverse("networks:detail", args=[network.pk])).content.decode()
    record_url = reverse("meetings:record", args=[meeting.pk])
    assert f"{record_url}#family-words" in detail
    record = coordinator.get(record_url).content.decode()
    assert 'id="family-words-heading"' in record
    assert "Aamut sujuvat.<br>Koulumatka on helppo." in record
    assert "Matikka on vaikeaa." in record
    assert "Maija Virtanen" in record


def test_every_opening_and_change_is_logged_with_the_family_link_basis(family):
    network, mother, meeting, link = family
    browser = opened(link)
    browser.get(prepare_url(link, meeting))
    browser.post(prepare_url(link, meeting), ANSWERS)
    rows = AccessLog.objects.filter(view_name="family:prepare").order_by("pk")
    assert [(r.action, r.basis, r.success, r.subject_id) for r in rows] == [
        ("view", "family-link", True, str(network.pk)),
        ("update", "family-link", True, str(network.pk)),
    ]
    assert {r.actor_label for r in rows} == {f"family-member:{mother.pk}"}


def test_the_answers_are_escaped(family):
    network, mother, meeting, link = family
    browser = opened(link)
    browser.post(prepare_url(link, meeting), {"worries": "<script>alert(1)</script>"})
    coordinator = Client()
    coordinator.force_login(network.coordinator)
    record = coordinator.get(reverse("meetings:record", args=[meeting.pk])).content.decode()
    assert "<script>alert(1)</script>" not in record
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in record
    plan = browser.get(reverse("family:plan", args=[link.token])).content.decode()
    assert "<script>alert(1)</script>" not in plan


def test_a_too_long_answer_is_refused_with_a_clear_message(family):
    network, mother, meeting, link = family
    browser = opened(link)
    response = browser.post(prepare_url(link, meeting), {"worries": "x" * 2001})
    assert response.status_code == 200
    assert "2000" in response.content.decode()
    assert not FamilyPreparation.objects.exists()


def test_after_the_start_the_form_is_closed_and_a_post_writes_nothing(family):
    network, mother, meeting, link = family
    browser = opened(link)
    browser.post(prepare_url(link, meeting), ANSWERS)
    started(meeting)
    page = browser.get(prepare_url(link, meeting))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Illat ovat riitaisia." in text
    assert "<textarea" not in text
    response = browser.post(prepare_url(link, meeting), {**ANSWERS, "worries": "Myöhässä"})
    assert response.status_code == 403
    assert FamilyPreparation.objects.get().worries == "Illat ovat riitaisia."
    assert AccessLog.objects.filter(
        view_name="family:prepare", action="update", success=False
    ).exists()


def test_a_cancelled_meeting_cannot_be_prepared(family):
    network, mother, meeting, link = family
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
    browser = opened(link)
    assert browser.post(prepare_url(link, meeting), ANSWERS).status_code == 403
    assert not FamilyPreparation.objects.exists()


def test_another_network_s_meeting_is_refused(family, kaakkuri, children):
    network, mother, meeting, link = family
    other = MeetingFactory(network=NetworkFactory(area=kaakkuri, programme=children))
    browser = opened(link)
    assert browser.get(prepare_url(link, other)).status_code == 403
    assert browser.post(prepare_url(link, other), ANSWERS).status_code == 403
    assert not FamilyPreparation.objects.exists()
    assert AccessLog.objects.filter(
        view_name="family:prepare", success=False, subject_id=str(network.pk)
    ).exists()


def test_without_the_code_the_link_asks_for_it(family):
    network, mother, meeting, link = family
    response = Client().post(prepare_url(link, meeting), ANSWERS)
    assert response.status_code == 302
    assert response["Location"] == reverse("family:plan", args=[link.token])
    assert not FamilyPreparation.objects.exists()


def test_an_outside_professional_with_a_link_cannot_prepare(family):
    network, mother, meeting, link = family
    therapist = network_services.add_outside_professional(
        network=network,
        by=network.coordinator,
        name="Terhi Terapeutti",
        organisation="Terapiakeskus Oy",
        email="terapeutti@example.fi",
    )
    their_link = FamilyLinkFactory(participant=therapist)
    browser = opened(their_link)
    plan = browser.get(reverse("family:plan", args=[their_link.token])).content.decode()
    assert 'id="prepare-heading"' not in plan
    assert browser.post(prepare_url(their_link, meeting), ANSWERS).status_code == 403
    assert not FamilyPreparation.objects.exists()


def test_a_removed_participant_can_no_longer_open_or_change_it(family):
    network, mother, meeting, link = family
    browser = opened(link)
    browser.post(prepare_url(link, meeting), ANSWERS)
    network_services.remove_participant(participant=mother, by=network.coordinator)
    assert browser.get(prepare_url(link, meeting)).status_code == 403
    response = browser.post(prepare_url(link, meeting), {**ANSWERS, "worries": "Muutettu"})
    assert response.status_code == 403
    assert FamilyPreparation.objects.get().worries == "Illat ovat riitaisia."


def test_the_strongly_identified_parent_prepares_through_their_own_door(client, family):
    network, mother, meeting, link = family
    identified(client, mother)
    url = reverse("family:me_prepare", args=[mother.pk, meeting.pk])
    plan = client.get(reverse("family:me_plan", args=[mother.pk])).content.decode()
    assert url in plan
    response = client.post(url, ANSWERS)
    assert response.status_code == 302
    assert response["Location"] == reverse("family:me_plan", args=[mother.pk])
    assert FamilyPreparation.objects.get().participant == mother
    row = AccessLog.objects.filter(view_name="family:me_prepare", action="update").get()
    assert (row.basis, row.success) == ("strong-identification", True)


def test_an_identified_person_cannot_prepare_for_someone_else(client, family):
    network, mother, meeting, link = family
    father = ParticipantFactory(network=network, name="Matti Virtanen", relation="isä")
    identified(client, mother)
    url = reverse("family:me_prepare", args=[father.pk, meeting.pk])
    assert client.post(url, ANSWERS).status_code == 403
    assert not FamilyPreparation.objects.exists()


def test_without_a_planned_meeting_there_is_no_card(family):
    network, mother, meeting, link = family
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
    browser = opened(link)
    plan = browser.get(reverse("family:plan", args=[link.token])).content.decode()
    assert 'id="prepare-heading"' not in plan


def test_the_plan_shows_the_next_meeting_s_own_preparation_only(family):
    """The plan reads the member's preparations with its other reads and shows the next
    meeting's: answers given for a later meeting wait for that meeting."""
    network, mother, meeting, link = family
    later = MeetingFactory(
        network=network,
        starts_at=meeting.starts_at + timedelta(days=14),
        ends_at=meeting.ends_at + timedelta(days=14),
    )
    FamilyPreparation.objects.create(meeting=later, participant=mother, worries="Myöhempi huoli.")
    browser = opened(link)
    plan = browser.get(reverse("family:plan", args=[link.token])).content.decode()
    assert prepare_url(link, meeting) in plan and "Myöhempi huoli." not in plan
    FamilyPreparation.objects.create(meeting=meeting, participant=mother, worries="Nyt huolettaa.")
    plan = browser.get(reverse("family:plan", args=[link.token])).content.decode()
    assert "Nyt huolettaa." in plan and "Myöhempi huoli." not in plan


def test_the_plan_offers_the_newest_unused_feedback_link_only(family):
    """Read with the plan's other reads: the newest unused, unexpired invitation's link."""
    network, mother, meeting, link = family
    invitations = invite(network=network, occasion="meeting", meeting=meeting)
    (invitation,) = [i for i in invitations if i.participant_id == mother.pk]
    browser = opened(link)
    url = reverse("feedback:answer", args=[token_for(invitation)])
    assert url in browser.get(reverse("family:plan", args=[link.token])).content.decode()
    FeedbackInvitation.objects.filter(pk=invitation.pk).update(used_at=timezone.now())
    assert url not in browser.get(reverse("family:plan", args=[link.token])).content.decode()
    FeedbackInvitation.objects.filter(pk=invitation.pk).update(
        used_at=None, expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert url not in browser.get(reverse("family:plan", args=[link.token])).content.decode()
