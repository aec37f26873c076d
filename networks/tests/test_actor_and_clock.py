"""Issue #22: services take the clock (``now``) and store the acting professional."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contacts import services as contact_services
from contacts.tests.helpers import a_contact, coordinator_of, professional
from meetings import services as meeting_services
from meetings.models import Promise, PromiseStatus
from meetings.tests.helpers import network_with_meeting
from networks import services
from networks.models import Child, Meeting, MeetingChange, Network, Participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(kaakkuri, children):
    return coordinator_of(kaakkuri, children, email="koordinaattori@example.fi")


def test_a_network_opened_at_a_given_moment_carries_that_moment(kaakkuri, children, coordinator):
    moment = timezone.now() - timedelta(hours=3)
    contact = a_contact(kaakkuri, children, coordinator)
    network = contact_services.convene(
        contact=contact,
        by=coordinator,
        expected_version=contact.version,
        subject_name="Eeli Virtanen",
        subject_birth_date=None,
        now=moment,
    )
    network.refresh_from_db()
    assert network.opened_at == moment
    child = network.children.get()
    assert (child.added_at, child.created_by) == (moment, coordinator)
    starts = timezone.now() + timedelta(days=1)
    meeting = services.schedule_meeting(
        network=network,
        by=coordinator,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Kaakkurin koulu",
        now=moment,
    )
    assert Meeting.objects.get(pk=meeting.pk).created_at == moment
    assert MeetingChange.objects.get(meeting=meeting).changed_at == moment


def test_the_child_and_participant_store_who_added_and_changed_them(kaakkuri, children):
    network, _meeting, coordinator = network_with_meeting(kaakkuri, children)
    child = services.add_child(network=network, by=coordinator, name="Aada", birth_date=None)
    assert Child.objects.get(pk=child.pk).created_by == coordinator
    added = services.add_participant(
        network=network,
        by=coordinator,
        kind=services.professional_kind(network),
        user=professional(email="kuraattori@example.fi"),
    )
    assert Participant.objects.get(pk=added.pk).created_by == coordinator
    services.remove_participant(participant=added, by=coordinator)
    assert Participant.objects.get(pk=added.pk).modified_by == coordinator


def test_marking_a_meeting_held_and_closing_store_the_actor(kaakkuri, children):
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    services.mark_meeting_held(meeting=meeting, by=coordinator)
    assert Meeting.objects.get(pk=meeting.pk).modified_by == coordinator
    Promise.objects.create(
        network=network,
        made_in=meeting,
        participant=network.participants.first(),
        act="Soitan koululle",
        due=timezone.localdate(),
    )
    meeting_services.resolve_open_promises(network=network, by=coordinator, note="Sovittu yhdessä")
    promise = Promise.objects.get(network=network)
    assert (promise.status, promise.modified_by) == (PromiseStatus.CANCELLED, coordinator)
    closed_at = timezone.now() - timedelta(minutes=5)
    meeting_services.close_network(
        network=network, by=coordinator, reason="goal_reached", summary="Valmis", now=closed_at
    )
    network = Network.objects.get(pk=network.pk)
    assert (network.modified_by, network.closed_at) == (coordinator, closed_at)
