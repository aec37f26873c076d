"""Meeting pages: the record form, the memo (HTML and PDF), my promises, closing."""

import shutil
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AccessLog, DisclosureLog
from contacts.tests.helpers import professional
from core.tests.test_pdf import assert_archive_ready
from meetings.models import Promise
from meetings.tests.helpers import network_with_meeting, participants

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def setup(kaakkuri, children):
    return network_with_meeting(kaakkuri, children)


def record_post(network, meeting, **extra):
    people = participants(network)
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    data = {
        "version": "0",
        "present": [p.pk for p in people.values()],
        "family_view": XSS,
        f"childview-{network.children.get().pk}": "Haluan pelata jalkapalloa.",
        "common_goal": "Eelin toimiva arki",
        "protective_factors": "Isovanhemmat",
        "newgoal-0-owner": "child",
        "newgoal-0-text": "Vähemmän poissaoloja",
        "newgoal-0-rating": "3",
        "promise-0-participant": people["Olli Opettaja"].pk,
        "promise-0-act": XSS,
        "promise-0-due": due,
        "promise-1-participant": people["Maija Virtanen"].pk,
        "promise-1-act": "Herätys klo 7",
        "promise-1-due": due,
    }
    data.update(extra)
    return data


def test_record_form_saves_and_escapes_free_text(client, setup):
    network, meeting, coordinator = setup
    client.force_login(coordinator)
    url = reverse("meetings:record", args=[meeting.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, record_post(network, meeting))
    assert response.status_code == 302
    assert Promise.objects.count() == 2
    page = client.get(reverse("networks:detail", args=[network.pk])).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    memo = client.get(reverse("meetings:memo", args=[meeting.pk])).content.decode()
    assert "<script>alert" not in memo and "&lt;img src=x" in memo


def test_a_promise_row_without_a_date_is_a_form_error(client, setup):
    network, meeting, coordinator = setup
    client.force_login(coordinator)
    response = client.post(
        reverse("meetings:record", args=[meeting.pk]),
        record_post(network, meeting, **{"promise-1-due": ""}),
    )
    assert response.status_code == 200
    assert "promise-1-due" in response.context["form"].errors
    assert not Promise.objects.exists()


def test_the_later_save_is_told_and_keeps_its_text(client, setup):
    network, meeting, coordinator = setup
    client.force_login(coordinator)
    url = reverse("meetings:record", args=[meeting.pk])
    client.post(url, record_post(network, meeting))
    second = record_post(
        network,
        meeting,
        family_view="Toinen versio",
        **{
            "promise-0-act": "",
            "promise-0-participant": "",
            "promise-0-due": "",
            "promise-1-act": "",
            "promise-1-participant": "",
            "promise-1-due": "",
            "newgoal-0-text": "",
            "newgoal-0-rating": "",
        },
    )
    client.post(url, {**second, "version": "1", "common_goal": "Ensimmäinen muutos"})
    response = client.post(url, {**second, "version": "1", "common_goal": "Myöhästynyt muutos"})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert coordinator.full_name in errors
    assert response.context["form"]["common_goal"].value() == "Myöhästynyt muutos"
    assert response.context["form"]["version"].value() == "2"


def test_memo_pdf_is_disclosure_logged_and_contains_the_promises(client, setup):
    network, meeting, coordinator = setup
    client.force_login(coordinator)
    client.post(reverse("meetings:record", args=[meeting.pk]), record_post(network, meeting))
    response = client.get(reverse("meetings:memo_pdf", args=[meeting.pk]) + "?lang=fi")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert_archive_ready(response.content, language="fi")  # PDF/A, tagged (issue #20)
    disclosure = DisclosureLog.objects.get(channel="download")  # the invitations were emailed
    assert disclosure.subject_id == str(network.pk)
    assert AccessLog.objects.filter(action="print", subject_id=str(network.pk)).exists()
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
        assert "Herätys klo 7" in text
        assert "Olli Opettaja" in text and "Maija Virtanen" in text
        assert '<script>alert("x")</script>' in text  # shown as text, never run


def test_memo_in_swedish_and_english(client, setup):
    network, meeting, coordinator = setup
    client.force_login(coordinator)
    client.post(reverse("meetings:record", args=[meeting.pk]), record_post(network, meeting))
    swedish = client.get(reverse("meetings:memo", args=[meeting.pk]) + "?lang=sv").content.decode()
    english = client.get(reverse("meetings:memo", args=[meeting.pk]) + "?lang=en").content.decode()
    heading = "Promises: who does what, by when"
    with translation.override("sv"):
        swedish_heading = translation.gettext(heading)
    assert swedish_heading != heading, "the Swedish catalogue lacks the memo's headings"
    assert '<article lang="sv">' in swedish and swedish_heading in swedish
    assert '<article lang="en">' in english and heading in english


def test_outsiders_cannot_record_or_print(client, setup):
    network, meeting, coordinator = setup
    client.force_login(professional(email="outsider@example.fi"))
    assert client.get(reverse("meetings:record", args=[meeting.pk])).status_code == 403
    assert client.get(reverse("meetings:memo_pdf", args=[meeting.pk])).status_code == 403
    assert not DisclosureLog.objects.filter(channel="download").exists()


def test_participant_sees_the_memo_but_cannot_write_the_record(client, setup):
    network, meeting, coordinator = setup
    client.force_login(coordinator)
    client.post(reverse("meetings:record", args=[meeting.pk]), record_post(network, meeting))
    teacher = participants(network)["Olli Opettaja"].user
    client.force_login(teacher)
    assert client.get(reverse("meetings:memo", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("meetings:record", args=[meeting.pk])).status_code == 403


def test_my_promises_lists_open_promises_across_networks(client, setup):
    network, meeting, coordinator = setup
    client.force_login(coordinator)
    client.post(reverse("meetings:record", args=[meeting.pk]), record_post(network, meeting))
    teacher = participants(network)["Olli Opettaja"].user
    client.force_login(teacher)
    response = client.get(reverse("meetings:my_promises"))
    assert [p.act for p in response.context["promises"]] == [XSS]
    assert AccessLog.objects.filter(
        actor=teacher, action="list", subject_id=str(network.pk)
    ).exists()
