"""XSS: payloads typed into free-text fields through the real forms come back escaped."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from networks.models import Participant
from tests.security.world import PART

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS = "javascript:alert(1)"
PAYLOAD = f"{SCRIPT}{IMG} {JS}"
RAW = (SCRIPT, "<img src=x onerror")


def assert_escaped(html: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, f"{where}: the payload {raw!r} is rendered raw"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, f"{where}: the payload is missing"
    assert 'href="javascript:' not in html.lower(), f"{where}: a javascript: link"


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_contact_concern_is_escaped(world, clients, db):
    own = world[PART]
    response = clients["coordinator"].post(
        reverse("contacts:edit", args=[own.contact.pk]),
        {
            "submission_token": own.contact.submission_token,
            "version": own.contact.version,
            "channel": "web",
            "area": own.area.pk,
            "programme": world.programme.pk,
            "contacted_by": "professional",
            "contact_person": own.professional.pk,
            "concern": PAYLOAD,
            "lp_discussion": "unknown",
            "consent": "agrees",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    for role in ("coordinator", "professional"):
        assert_escaped(page(clients[role], reverse("contacts:detail", args=[own.contact.pk])), role)


def test_network_subject_and_participant_names_are_escaped(world, clients, db):
    own = world[PART]
    client = clients["coordinator"]
    response = client.post(
        reverse("contacts:convene", args=[own.contact.pk]),
        {"version": own.contact.version, "subject_name": PAYLOAD, "family_language": "fi"},
    )
    assert response.status_code == 302, response.context["form"].errors
    network_url = response["Location"]
    pk = int(network_url.rstrip("/").split("/")[-1])
    response = client.post(
        reverse("networks:add_participant", args=[pk]),
        {
            "which": "family",
            "fam-kind": world.programme.participant_kinds.get(code="parent").pk,
            "fam-name": PAYLOAD,
            "fam-relation": PAYLOAD,
            "fam-email": "xss@example.fi",
        },
    )
    assert response.status_code == 302, response.context["family_form"].errors
    assert Participant.objects.filter(network_id=pk, name=PAYLOAD).exists()
    assert_escaped(page(client, network_url), "network page")
    assert_escaped(page(client, reverse("networks:add_participant", args=[pk])), "participants")
    for role in ("coordinator",):
        html = page(clients[role], reverse("networks:mine"))
        for raw in RAW:
            assert raw not in html


@pytest.fixture
def recorded(world, clients, db):
    own = world[PART]
    meeting = own.planned_meeting
    type(meeting).objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(minutes=30), ends_at=timezone.now()
    )
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    data = {
        "version": "0",
        "present": [own.professional_participant.pk, own.mother.pk],
        "family_view": PAYLOAD,
        f"childview-{own.network.children.get().pk}": PAYLOAD,
        "common_goal": PAYLOAD,
        "protective_factors": PAYLOAD,
        "newgoal-0-owner": "child",
        "newgoal-0-text": PAYLOAD,
        "newgoal-0-rating": "3",
        "promise-0-participant": own.professional_participant.pk,
        "promise-0-act": PAYLOAD,
        "promise-0-due": due,
    }
    response = clients["coordinator"].post(reverse("meetings:record", args=[meeting.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    return own, meeting


def test_meeting_record_texts_goals_and_promises_are_escaped(recorded, clients):
    own, meeting = recorded
    client = clients["coordinator"]
    assert_escaped(page(client, reverse("networks:detail", args=[own.network.pk])), "network")
    assert_escaped(page(client, reverse("meetings:memo", args=[meeting.pk])), "memo")
    assert_escaped(page(clients["professional"], reverse("meetings:my_promises")), "my promises")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_memo_pdf_shows_the_payload_as_literal_text(recorded, clients, tmp_path):
    own, meeting = recorded
    response = clients["coordinator"].get(reverse("meetings:memo_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    pdf = tmp_path / "memo.pdf"
    pdf.write_bytes(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = "".join(text.split())
    assert "<script>alert(1)</script>" in flat, "the payload must be printed as text"
    assert "onerror=alert(1)>" in flat


def test_leadership_decision_is_escaped(world, clients, db):
    own = world[PART]
    client = clients["leadership_member"]
    response = client.post(
        reverse("leadership:add_decision", args=[own.team_meeting.pk]),
        {"what": PAYLOAD, "why": PAYLOAD, "who_informs": world.users["leadership_member"].pk},
    )
    assert response.status_code == 302
    assert_escaped(page(client, reverse("leadership:meeting", args=[own.team_meeting.pk])), "m")
    assert_escaped(page(client, reverse("leadership:minutes", args=[own.team_meeting.pk])), "min")


def test_bulletin_is_escaped(world, clients, db):
    client = clients["developer_worker"]
    response = client.post(reverse("backbone:bulletin_create"), {"title": PAYLOAD, "body": PAYLOAD})
    assert response.status_code == 302
    from backbone.models import Bulletin

    bulletin = Bulletin.objects.get(title=PAYLOAD.strip())
    for role in ("professional", "developer_worker"):
        assert_escaped(page(clients[role], reverse("backbone:bulletin", args=[bulletin.pk])), role)
    assert_escaped(page(clients["professional"], reverse("backbone:bulletins")), "bulletins")


def test_learning_is_escaped(world, clients, db):
    client = clients["developer_worker"]
    response = client.post(
        reverse("learning:learnings"), {"kind": "works", "text": PAYLOAD, "area": ""}
    )
    assert response.status_code == 302, response.context["form"].errors
    assert_escaped(page(client, reverse("learning:learnings")), "learnings")


def test_interpretation_note_is_escaped(world, clients, db):
    client = clients["coordinator"]
    code = world.indicator_code
    period = timezone.localdate().strftime("%Y")
    client.post(
        reverse("indicators:add_note", args=[code]),
        {"period": period, "area": "", "text": PAYLOAD},
    )
    from indicators.models import InterpretationNote

    assert InterpretationNote.objects.filter(text=PAYLOAD.strip()).exists()
    html = page(client, reverse("indicators:dashboard") + f"?period={period}")
    for raw in RAW:
        assert raw not in html


def test_instruction_and_task_are_escaped(world, clients, db):
    client = clients["developer_worker"]
    response = client.post(
        reverse("backbone:instruction_create"), {"title": PAYLOAD, "body": PAYLOAD}
    )
    assert response.status_code == 302
    from backbone.models import Instruction

    item = Instruction.objects.get(title=PAYLOAD.strip())
    assert_escaped(
        page(clients["professional"], reverse("backbone:instruction", args=[item.pk])), "i"
    )
