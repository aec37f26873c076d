"""The synthetic data sets: counts, determinism, events consistent with the records, pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.urls import reverse

from accounts.models import User
from audit.models import AccessLog
from contacts.models import Contact, Outcome
from directory.models import Area
from feedback.models import InvitationCount, Response
from indicators.models import Event, EventKind
from leadership.models import TeamMeeting, TeamMeetingStatus
from meetings.models import MeetingRecord, Promise, PromiseStatus
from networks.models import Meeting, MeetingStatus, Network, NetworkStatus
from networks.selectors import match_key
from scale.generator import DOMAIN, ScaleError, load_scale
from scale.plan import SCALES

TODAY = date(2026, 6, 15)
PASSWORD = "scale-test-password"


def _load(seed: int = 7, reset: bool = False):
    return load_scale("tiny", seed=seed, today=TODAY, password=PASSWORD, reset_first=reset)


@pytest.fixture
def loaded(db, settings):
    settings.PRODUCTION = False
    return _load()


def test_counts_per_table_match_the_plan(loaded):
    plan = SCALES["tiny"]
    assert Contact.objects.count() == plan.contacts == loaded.counts["contacts_contact"]
    assert Area.objects.count() == plan.areas
    assert sum(Area.objects.values_list("population", flat=True)) == plan.inhabitants
    assert sum(Area.objects.values_list("child_population", flat=True)) == plan.children
    # Every table the loader reports holds exactly what it wrote.
    from django.apps import apps

    tables = {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}
    for table, count in loaded.counts.items():
        assert tables[table]._default_manager.count() == count, table
    # Rough shape: ~40 % of contacts convene, most are advice only.
    convened = Contact.objects.filter(outcome=Outcome.CONVENE).count()
    assert 0.25 * plan.contacts <= convened <= 0.55 * plan.contacts
    assert Network.objects.count() == convened
    assert Contact.objects.filter(outcome=Outcome.ADVICE).count() > convened
    assert AccessLog.objects.filter(seq__isnull=True).count() == AccessLog.objects.count()
    for login in ("coordinator", "professional", "leader", "developer"):
        assert User.objects.get(email=f"{login}@{DOMAIN}").check_password(PASSWORD)


def _fingerprint() -> list[tuple]:
    return [
        tuple(Contact.objects.order_by("pk").values_list("submission_token", "received_at")),
        tuple(Network.objects.order_by("pk").values_list("subject_name", "match_key", "status")),
        tuple(Meeting.objects.order_by("pk").values_list("starts_at", "status", "uid")),
        tuple(Promise.objects.order_by("pk").values_list("act", "status", "due")),
        tuple(Event.objects.order_by("pk").values_list("kind", "occurred_at", "days", "outcome")),
        tuple(AccessLog.objects.order_by("pk").values_list("at", "actor_label", "request_id")),
        tuple(User.objects.order_by("email").values_list("email", "full_name")),
    ]


def test_the_same_seed_gives_the_same_rows(loaded):
    first = _fingerprint()
    _load(reset=True)
    assert _fingerprint() == first
    _load(seed=8, reset=True)
    assert _fingerprint() != first


def test_a_second_load_without_reset_is_refused(loaded):
    with pytest.raises(ScaleError, match="--reset"):
        _load()


def test_refuses_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("load_scale", "--scale", "tiny", "--password", "x")


def test_events_agree_with_the_records(loaded):
    events = dict(Event.objects.values_list("kind").annotate(n=Count("pk")))
    held_first = Meeting.objects.filter(kind="first", status=MeetingStatus.HELD).count()
    assert events[EventKind.CONTACT_RECEIVED] == Contact.objects.count()
    assert (
        events[EventKind.CONTACT_RESOLVED]
        == Contact.objects.exclude(outcome=Outcome.PENDING).count()
    )
    assert events[EventKind.NETWORK_OPENED] == Network.objects.count()
    assert events[EventKind.NETWORK_CONVENED] == held_first
    assert held_first == Network.objects.exclude(status=NetworkStatus.CONVENING).count()
    assert events[EventKind.MEETING_HELD] == Meeting.objects.filter(status="held").count()
    assert events[EventKind.MEETING_HELD] == MeetingRecord.objects.count()
    assert (
        events[EventKind.PROMISE_REVIEWED]
        == Promise.objects.filter(
            status__in=[PromiseStatus.KEPT, PromiseStatus.PARTLY, PromiseStatus.NOT_KEPT]
        ).count()
    )
    assert events[EventKind.NETWORK_CLOSED] == Network.objects.filter(status="closed").count()
    # The convened event carries the days from the first contact to the first meeting.
    for network in Network.objects.exclude(status=NetworkStatus.CONVENING)[:20]:
        first = network.meetings.get(kind="first", status=MeetingStatus.HELD)
        event = Event.objects.get(kind=EventKind.NETWORK_CONVENED, occurred_at=first.starts_at,
                                  area=network.area)  # fmt: skip
        assert event.days == (first.starts_at.date() - network.first_contact_at.date()).days
    # Closed networks have no open promise and no planned meeting.
    closed = Network.objects.filter(status=NetworkStatus.CLOSED)
    assert not Promise.objects.filter(network__in=closed, status=PromiseStatus.OPEN).exists()
    assert not Meeting.objects.filter(network__in=closed, status=MeetingStatus.PLANNED).exists()
    assert InvitationCount.objects.exists() and Response.objects.exists()
    sent = sum(InvitationCount.objects.values_list("sent", flat=True))
    assert Response.objects.count() < sent


def test_match_keys_are_the_services_keys(loaded):
    for network in Network.objects.all()[:20]:
        assert network.match_key == match_key(network.subject_name, network.subject_birth_date)


def test_key_pages_answer_on_the_generated_data(loaded, client):
    coordinator = User.objects.get(email=f"coordinator@{DOMAIN}")
    client.force_login(coordinator)
    assert client.get(reverse("contacts:queue")).status_code == 200
    network = Network.objects.filter(coordinator=coordinator).order_by("pk").last()
    assert network is not None
    assert client.get(reverse("networks:detail", args=[network.pk])).status_code == 200
    assert client.get(reverse("indicators:dashboard")).status_code == 200

    professional = User.objects.get(email=f"professional@{DOMAIN}")
    mine = Network.objects.filter(participants__user=professional).first()
    assert mine is not None
    client.force_login(professional)
    assert client.get(reverse("networks:detail", args=[mine.pk])).status_code == 200

    leader = User.objects.get(email=f"leader@{DOMAIN}")
    client.force_login(leader)
    past = TeamMeeting.objects.filter(
        team__members__user=leader, status=TeamMeetingStatus.HELD
    ).last()
    coming = TeamMeeting.objects.filter(
        team__members__user=leader, status=TeamMeetingStatus.PLANNED
    ).first()
    assert past is not None and coming is not None
    for meeting in (past, coming):
        assert client.get(reverse("leadership:meeting", args=[meeting.pk])).status_code == 200
    client.force_login(User.objects.get(email=f"developer@{DOMAIN}"))
    assert client.get(reverse("indicators:dashboard")).status_code == 200
