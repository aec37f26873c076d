"""Retention: a closed network's personal data is erased when its programme's period runs out."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.module_loading import import_string

from audit.models import AccessLog
from contacts.models import Contact
from family.models import FamilyLink
from feedback.models import FeedbackInvitation, InvitationCount
from indicators.computations import REGISTRY
from indicators.models import Event
from indicators.periods import Cadence, period_containing
from meetings.models import (
    Goal,
    GoalRating,
    LifeAreaNote,
    MeetingRecord,
    MeetingRecordRevision,
    Promise,
)
from networks.deadlines import local_date
from networks.models import Invitation, Meeting, MeetingChange, Network, Participant
from privacy.retention import MARKER, add_years, apply_retention, due_networks
from privacy.tests.helpers import SECRETS, a_network

pytestmark = pytest.mark.django_db

NETWORK_MODELS = [
    Network,
    Participant,
    Meeting,
    MeetingChange,
    Invitation,
    MeetingRecord,
    MeetingRecordRevision,
    LifeAreaNote,
    Goal,
    GoalRating,
    Promise,
    FamilyLink,
    Contact,
    FeedbackInvitation,
]


def dump() -> str:
    """Every row of every model that holds something about a network, as text."""
    return "\n".join(
        serializers.serialize("json", model.objects.order_by("pk"), ensure_ascii=False)
        for model in NETWORK_MODELS
    )


def events() -> list[dict]:
    return list(Event.objects.order_by("pk").values())


def figures(programme, area) -> dict:
    periods = [period_containing(timezone.localdate(), Cadence.YEARLY)]
    return {name: compute(programme, [area.pk], periods) for name, compute in REGISTRY.items()}


def due_day(network) -> date:
    return add_years(local_date(network.closed_at), network.programme.retention_years)


@pytest.fixture
def built(kaakkuri, children):
    return a_network(kaakkuri, children)


def test_the_shipped_period_decides_when_a_network_is_due(built):
    network = built.network
    assert network.programme.retention_years == 30
    day = due_day(network)
    assert day == add_years(timezone.localdate(), 30)

    assert due_networks(day - timedelta(days=1)) == []
    assert due_networks(day) == [network]


def test_a_dry_run_reports_and_changes_nothing(built):
    network = built.network
    before, logs_before = dump(), AccessLog.objects.count()

    report = apply_retention(due_day(network), dry_run=True)

    assert dump() == before
    assert AccessLog.objects.count() == logs_before
    network.refresh_from_db()
    assert network.erased_at is None
    (children,) = [p for p in report.programmes if p.code == "children-families"]
    assert [(due.id, due.closed_on) for due in children.due] == [
        (network.pk, local_date(network.closed_at))
    ]
    assert children.erased == {}
    assert report.due_count == 1 and report.erased_count == 0
    text = "\n".join(report.lines())
    assert f"network {network.pk}: closed {local_date(network.closed_at).isoformat()}" in text
    assert SECRETS["subject"] not in text


def test_the_real_run_erases_every_personal_field(built, kaakkuri, children):
    network = built.network
    assert all(secret in dump() for secret in SECRETS.values())
    assert FeedbackInvitation.objects.filter(participant__network=network).exists()

    report = apply_retention(due_day(network), dry_run=False)

    text = dump()
    left = [name for name, secret in SECRETS.items() if secret in text]
    assert left == []
    assert BIRTH_DATE_TEXT not in text

    network.refresh_from_db()
    assert network.subject_name == f"Verkosto {network.pk}"
    assert network.subject_birth_date is None
    assert network.match_key == f"erased|{network.pk}"
    assert network.closing_summary == MARKER
    assert network.erased_at is not None
    for participant in Participant.objects.filter(network=network):
        assert participant.name == f"Osallistuja {participant.pk}"
        assert (participant.relation, participant.email, participant.phone) == ("", "", "")
    meeting = Meeting.objects.get(network=network)
    assert (meeting.place, meeting.online_link) == (MARKER, "")
    record = MeetingRecord.objects.get(meeting__network=network)
    assert (record.family_view, record.common_goal) == (MARKER,) * 2
    assert [view.text for view in record.child_views.all()] == [MARKER]
    for child in network.children.all():
        assert SECRETS["child_view"] not in child.name
        assert (child.birth_date, child.match_key) == (None, f"erased|child|{child.pk}")
        assert child.name == f"{MARKER} {child.pk}"
    assert record.protective_factors == MARKER
    assert record.present.count() == 2
    for revision in MeetingRecordRevision.objects.filter(record=record):
        assert revision.snapshot["family_view"] == MARKER
    note = LifeAreaNote.objects.get(record=record)
    assert (note.strengths, note.vulnerabilities) == (MARKER, MARKER)
    goal = Goal.objects.get(network=network)
    assert (goal.text, goal.scale_note) == (MARKER, MARKER)
    assert list(GoalRating.objects.filter(goal=goal).values_list("rating", flat=True)) == [3]
    promise = Promise.objects.get(network=network)
    assert (promise.act, promise.review_note) == (MARKER, MARKER)
    assert not FamilyLink.objects.filter(participant__network=network).exists()
    contact = Contact.objects.get(network=network)
    assert contact.concern == MARKER
    assert (
        contact.contact_person_name,
        contact.contact_person_service,
        contact.contact_person_phone,
    ) == ("", "", "")

    (entry,) = [p for p in report.programmes if p.code == "children-families"]
    counts = entry.erased[network.pk]
    assert counts["participants"] == Participant.objects.filter(network=network).count() == 3
    assert (counts["meeting records"], counts["goals"], counts["promises"]) == (1, 1, 1)
    assert (counts["family links"], counts["contacts"]) == (1, 1)
    assert "erased 3 participants" in "\n".join(report.lines())


BIRTH_DATE_TEXT = "2015-05-17"


def test_events_indicator_figures_and_logs_survive(built, kaakkuri, children):
    network = built.network
    events_before = events()
    figures_before = figures(children, kaakkuri)
    counts_before = list(InvitationCount.objects.order_by("pk").values())
    logs_before = list(AccessLog.objects.order_by("pk").values_list("pk", flat=True))
    assert events_before

    apply_retention(due_day(network), dry_run=False)

    assert events() == events_before
    assert figures(children, kaakkuri) == figures_before
    assert list(InvitationCount.objects.order_by("pk").values()) == counts_before
    rows = AccessLog.objects.order_by("pk")
    assert list(rows.values_list("pk", flat=True))[: len(logs_before)] == logs_before
    erased = rows.get(basis="retention")
    assert (erased.subject_type, erased.subject_id) == ("networks.network", str(network.pk))
    assert (erased.action, erased.success, erased.actor) == ("delete", True, None)


def test_a_second_run_erases_nothing_and_logs_nothing(built):
    network = built.network
    first = apply_retention(due_day(network), dry_run=False)
    after_first = dump()

    second = apply_retention(due_day(network) + timedelta(days=400), dry_run=False)

    assert first.erased_count == 1
    assert second.due_count == 0 and second.erased_count == 0
    assert dump() == after_first
    assert AccessLog.objects.filter(basis="retention").count() == 1


def test_open_networks_and_networks_not_yet_due_are_kept(built, kaakkuri, children):
    closed = built.network
    open_network = a_network(
        kaakkuri, children, name="Aada Avoin", close=False, coordinator=built.coordinator
    ).network
    later = a_network(
        kaakkuri, children, name="Lauri Myöhempi", coordinator=built.coordinator
    ).network
    Network.objects.filter(pk=later.pk).update(closed_at=closed.closed_at + timedelta(days=1))

    report = apply_retention(due_day(closed) + timedelta(days=365 * 80), dry_run=False)
    assert report.erased_count == 2  # every closed network is due eighty years later
    open_network.refresh_from_db()
    assert open_network.subject_name == "Aada Avoin" and open_network.erased_at is None
    assert Participant.objects.filter(network=open_network, name="Maija Virtanen").exists()


def test_a_network_closed_a_day_later_is_due_a_day_later(built, kaakkuri, children):
    closed = built.network
    later = a_network(
        kaakkuri, children, name="Lauri Myöhempi", coordinator=built.coordinator
    ).network
    Network.objects.filter(pk=later.pk).update(closed_at=closed.closed_at + timedelta(days=1))

    report = apply_retention(due_day(closed), dry_run=False)

    assert report.erased_count == 1
    later.refresh_from_db()
    assert later.subject_name == "Lauri Myöhempi" and later.erased_at is None
    assert Participant.objects.filter(network=later, name="Maija Virtanen").exists()
    assert due_networks(due_day(closed) + timedelta(days=1)) == [later]


def test_each_programme_uses_its_own_period(built, children):
    network = built.network
    children.retention_years = 5
    children.save()

    assert due_networks(add_years(timezone.localdate(), 5)) == [network]
    assert due_networks(add_years(timezone.localdate(), 5) - timedelta(days=1)) == []


def test_the_command_prints_the_report(built):
    network = built.network
    out = StringIO()

    call_command("apply_retention", "--dry-run", "--date", due_day(network).isoformat(), stdout=out)

    assert f"network {network.pk}: closed" in out.getvalue()
    assert "dry run, nothing erased" in out.getvalue()
    network.refresh_from_db()
    assert network.erased_at is None


def test_the_command_erases_for_real_and_refuses_a_future_date(built):
    network = built.network
    with pytest.raises(CommandError, match="future"):
        call_command("apply_retention", "--date", due_day(network).isoformat())
    with pytest.raises(CommandError, match="not a date"):
        call_command("apply_retention", "--dry-run", "--date", "31.12.2055")
    Network.objects.filter(pk=network.pk).update(
        closed_at=network.closed_at - timedelta(days=365 * 31)
    )
    out = StringIO()

    call_command("apply_retention", stdout=out)

    assert "1 erased" in out.getvalue()
    network.refresh_from_db()
    assert network.erased_at is not None


def test_the_periodic_task_erases_what_is_due(built, settings):
    network = built.network
    Network.objects.filter(pk=network.pk).update(
        closed_at=network.closed_at - timedelta(days=365 * 31)
    )
    assert "privacy.tasks.apply_retention_task" in settings.ARKI_PERIODIC_TASKS
    task = import_string("privacy.tasks.apply_retention_task")

    result = task.enqueue()

    assert result.return_value == 1
    network.refresh_from_db()
    assert network.subject_name == f"Verkosto {network.pk}"


def test_the_run_reports_its_progress_network_by_network(built):
    """Issue #20: a long retention run shows how far it is (manage.py apply_retention)."""
    network = built.network
    heard = []
    apply_retention(
        due_day(network),
        dry_run=True,
        progress=lambda phase, done, total=None, *, unit="": heard.append((phase, done, total)),
    )
    assert heard == [("networks", 1, 1)]
