"""Security headers on every HTML page, no personal identifiers in URLs or email subjects."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.security.expectations import expectation_for
from tests.security.walk import ALL_ROLES, path_of, routes, sides_for
from tests.security.world import CHILD_A, CHILD_B, MOTHER_A, MOTHER_B, PART

APP_ROUTES = [r for r in routes() if not r.route.startswith("admin/")]
PERSONAL_PARAMETER = re.compile(r"name|email|hetu|ssn|birth|phone|address", re.IGNORECASE)


def first_reaching_role(route) -> str | None:
    expected = expectation_for(route.name, route.route, route.actions)
    for role in ALL_ROLES:
        if expected.status(role, 0) == 200:
            return role
    return None


def check_headers(response, where: str) -> list[str]:
    problems: list[str] = []
    if not response.get("Content-Type", "").startswith("text/html"):
        return problems
    csp = response.get("Content-Security-Policy", "")
    directives = {
        part.strip().split(" ")[0]: part.strip() for part in csp.split(";") if part.strip()
    }
    script = directives.get("script-src", directives.get("default-src", ""))
    if not csp:
        problems.append(f"{where}: no Content-Security-Policy")
    elif not script:
        problems.append(f"{where}: CSP without script-src or default-src")
    elif "'unsafe-inline'" in script or "'unsafe-eval'" in script:
        problems.append(f"{where}: CSP allows unsafe scripts: {script}")
    if not response.get("X-Frame-Options") and "frame-ancestors" not in directives:
        problems.append(f"{where}: neither X-Frame-Options nor frame-ancestors")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{where}: no X-Content-Type-Options: nosniff")
    return problems


@pytest.mark.parametrize("route", APP_ROUTES, ids=lambda r: r.name or r.route)
def test_every_html_page_has_the_security_headers(route, world, clients, db):
    roles = {"anonymous"}
    reaching = first_reaching_role(route)
    if reaching:
        roles.add(reaching)
    problems = []
    for role in sorted(roles):
        for url in {path_of(route, world, side) for side in sides_for(route)}:
            response = clients[role].get(url)
            problems += check_headers(response, f"{role} GET {url} ({response.status_code})")
    assert not problems, "\n".join(problems)


def test_error_pages_have_the_security_headers(world, clients, db):
    for url in ("/no-such-page/", reverse("networks:detail", args=[world["not_part"].network.pk])):
        response = clients["professional"].get(url)
        assert response.status_code in (403, 404)
        assert not check_headers(response, url)


@pytest.mark.parametrize("route", routes(), ids=lambda r: r.name or r.route)
def test_no_url_carries_a_personal_identifier(route):
    parameters = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route.route)
    names = [a or b for a, b in parameters]
    bad = [name for name in names if PERSONAL_PARAMETER.search(name)]
    assert not bad, f"{route.route} takes {bad}: use a numeric id, slug or token"
    kinds = re.findall(r"<(\w+):\w+>", route.route)
    assert set(kinds) <= {"int", "slug", "str", "path", "uuid"}


def test_indicator_note_redirect_stays_on_site(world, clients, db):
    """``next`` after saving a note must not send the user to another site."""
    response = clients["coordinator"].post(
        reverse("indicators:add_note", args=[world.indicator_code]),
        {"period": "2026", "area": "", "text": "Huomio", "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/") and not location.startswith("//"), location


# Email subjects ---------------------------------------------------------------------------------

NAMES = (CHILD_A, CHILD_B, MOTHER_A, MOTHER_B, "Virtanen", "Tuiranen", "Paula Ammattilainen")


def subjects_without_names(where: str) -> None:
    assert mail.outbox, f"{where}: no email was sent"
    for message in mail.outbox:
        for name in NAMES:
            assert name not in message.subject, f"{where}: {name!r} in subject {message.subject!r}"
        for part in name_parts():
            assert part not in message.subject.split(), (
                f"{where}: {part!r} in subject {message.subject!r}"
            )


def name_parts() -> set[str]:
    return {"Eeli", "Tuomas", "Maija", "Liisa"}


def test_meeting_invitation_move_and_cancel_subjects_name_nobody(world, db):
    from networks import services

    own = world[PART]
    meeting = own.planned_meeting
    starts = meeting.starts_at + timedelta(days=1)
    mail.outbox.clear()
    services.move_meeting(
        meeting=meeting,
        by=own.coordinator,
        expected_version=meeting.version,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Koulu",
        online_link="",
        reason="Siirto",
    )
    subjects_without_names("moved meeting")
    mail.outbox.clear()
    meeting.refresh_from_db()
    services.cancel_meeting(meeting=meeting, by=own.coordinator, reason="Sairastuminen")
    subjects_without_names("cancelled meeting")
    mail.outbox.clear()
    services.schedule_meeting(
        network=own.network,
        by=own.coordinator,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Koulu",
        late_reason="Uusi aika",
    )
    subjects_without_names("invitation")


def test_feedback_invitation_subjects_name_nobody(world, db):
    from meetings.services import RecordInput, save_meeting_record

    own = world[PART]
    meeting = own.planned_meeting
    type(meeting).objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(minutes=30), ends_at=timezone.now()
    )
    meeting.refresh_from_db()
    mail.outbox.clear()
    save_meeting_record(
        meeting=meeting, by=own.coordinator, expected_version=0, data=RecordInput(common_goal="A")
    )
    subjects_without_names("feedback invitation")


def test_promise_reminder_subjects_name_nobody(world, db):
    from meetings import reminders
    from meetings.models import Promise

    Promise.objects.update(due=timezone.localdate() - timedelta(days=1))
    mail.outbox.clear()
    reminders.send_promise_reminders()
    subjects_without_names("promise reminder")
