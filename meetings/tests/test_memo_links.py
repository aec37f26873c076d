"""Issue #14, hole 4: personal feedback links appear only in the copy meant for that person."""

import shutil
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import FeedbackInvitation
from feedback.services import feedback_url
from meetings import memo
from meetings.services import RecordInput, save_meeting_record
from meetings.tests.helpers import network_with_meeting, participants
from networks import services as network_services

pytestmark = pytest.mark.django_db

NEUTRAL = "Everyone receives their own feedback link personally"


@pytest.fixture
def recorded(kaakkuri, children):
    """A held meeting with two family members and a teacher, each invited to give feedback."""
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    network_services.add_participant(
        network=network,
        by=coordinator,
        kind=network.programme.participant_kinds.get(code="parent"),
        name="Pekka Virtanen",
        relation="isä",
        email="pekka@example.fi",
    )
    save_meeting_record(
        meeting=meeting, by=coordinator, expected_version=0, data=RecordInput(common_goal="Arki")
    )
    return network, meeting, coordinator


def links(meeting):
    return {
        invitation.participant.name: feedback_url(invitation)
        for invitation in FeedbackInvitation.objects.filter(meeting=meeting).select_related(
            "participant"
        )
    }


def test_the_downloaded_pdf_carries_no_feedback_link(client, recorded):
    network, meeting, coordinator = recorded
    assert {"Maija Virtanen", "Pekka Virtanen"} <= set(links(meeting))
    client.force_login(coordinator)
    response = client.get(reverse("meetings:memo_pdf", args=[meeting.pk]) + "?lang=en")
    assert response.status_code == 200
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert "/feedback/" not in text
    assert "Eeli Virtanen" in text  # the memo itself is there
    assert NEUTRAL in " ".join(text.split())


def test_the_download_html_has_no_link_and_no_code(recorded):
    network, meeting, coordinator = recorded
    html = memo.memo_pdf_html(meeting, "en")
    assert "/feedback/" not in html and "data:image/svg" not in html
    assert NEUTRAL in html


def test_the_memo_page_has_no_link_and_says_each_member_gets_their_own(client, recorded):
    network, meeting, coordinator = recorded
    client.force_login(coordinator)
    page = client.get(reverse("meetings:memo", args=[meeting.pk]) + "?lang=en").content.decode()
    tokens = [url.rstrip("/").rsplit("/", 1)[1] for url in links(meeting).values()]
    assert len(tokens) == 3 and not any(token in page for token in tokens)
    assert NEUTRAL in page


def test_a_family_members_copy_carries_only_their_own_link(recorded):
    network, meeting, coordinator = recorded
    people, urls = participants(network), links(meeting)
    html = memo.memo_pdf_html(meeting, "fi", recipient=people["Maija Virtanen"])
    assert urls["Maija Virtanen"] in html
    assert urls["Pekka Virtanen"] not in html and urls["Olli Opettaja"] not in html
    assert html.count("data:image/svg") == 1
    assert NEUTRAL not in html


def test_a_professionals_copy_carries_no_link(recorded):
    network, meeting, coordinator = recorded
    teacher = participants(network)["Olli Opettaja"]
    html = memo.memo_pdf_html(meeting, "fi", recipient=teacher)
    assert "/feedback/" not in html and "data:image/svg" not in html


def test_a_used_or_expired_link_is_not_printed_in_the_own_copy(recorded):
    network, meeting, coordinator = recorded
    people = participants(network)
    FeedbackInvitation.objects.filter(participant=people["Maija Virtanen"]).update(
        used_at=timezone.now()
    )
    FeedbackInvitation.objects.filter(participant=people["Pekka Virtanen"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    for name in ("Maija Virtanen", "Pekka Virtanen"):
        html = memo.memo_pdf_html(meeting, "fi", recipient=people[name])
        assert "/feedback/" not in html, name


def test_the_recipients_copy_renders_as_a_pdf(recorded):
    network, meeting, coordinator = recorded
    pdf = memo.render_memo_pdf(meeting, "fi", recipient=participants(network)["Pekka Virtanen"])
    assert pdf.startswith(b"%PDF")


# --- the coordinator prints a family member's own copy (e.g. for a parent without email) -------


def copy_url(meeting, participant):
    return reverse("meetings:memo_family_copy", args=[meeting.pk, participant.pk]) + "?lang=fi"


def test_the_coordinator_prints_a_family_members_own_copy_and_it_is_logged(client, recorded):
    from audit.models import AccessLog, DisclosureLog

    network, meeting, coordinator = recorded
    mother = participants(network)["Maija Virtanen"]
    client.force_login(coordinator)
    page = client.get(reverse("meetings:memo", args=[meeting.pk]) + "?lang=en").content.decode()
    assert copy_url(meeting, mother).replace("?lang=fi", "") in page
    response = client.get(copy_url(meeting, mother))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    row = DisclosureLog.objects.get(recipient=f"participant {mother.pk}", channel="print")
    assert (row.subject_id, row.basis) == (str(network.pk), "coordinator")
    assert AccessLog.objects.filter(
        actor=coordinator, subject_id=str(network.pk), action="print", success=True
    ).exists()


def test_a_participant_cannot_print_a_family_members_copy(client, recorded):
    network, meeting, coordinator = recorded
    people = participants(network)
    teacher, mother = people["Olli Opettaja"], people["Maija Virtanen"]
    client.force_login(teacher.user)
    page = client.get(reverse("meetings:memo", args=[meeting.pk])).content.decode()
    assert "memo/family/" not in page
    assert client.get(copy_url(meeting, mother)).status_code == 403


def test_no_copy_for_a_professional_or_a_removed_family_member(client, recorded):
    network, meeting, coordinator = recorded
    people = participants(network)
    client.force_login(coordinator)
    assert client.get(copy_url(meeting, people["Olli Opettaja"])).status_code == 404
    network_services.remove_participant(participant=people["Pekka Virtanen"], by=coordinator)
    assert client.get(copy_url(meeting, people["Pekka Virtanen"])).status_code == 404
