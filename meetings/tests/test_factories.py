"""The factories build valid chains: network → participants → meetings → records → goals →
promises, each row in the same network and programme."""

import pytest

from audit.roles import Role
from family.services import CodeResult, find_link, verify_code
from family.tests.factories import FamilyLinkFactory
from meetings.models import MeetingRecord
from meetings.tests.factories import GoalFactory, MeetingRecordFactory, PromiseFactory
from networks.access import is_coordinator_of
from networks.models import Meeting, MeetingKind, MeetingStatus, NetworkStatus
from networks.tests.factories import NetworkFactory

pytestmark = pytest.mark.django_db


def test_a_promise_builds_the_whole_chain():
    promise = PromiseFactory()

    network = promise.network
    assert promise.made_in.network == network == promise.participant.network
    assert promise.participant.kind.programme == network.programme
    assert not promise.participant.kind.is_family
    assert promise.participant.user.memberships.filter(role=Role.PROFESSIONAL).exists()
    assert (promise.made_in.kind, promise.made_in.status) == (MeetingKind.FIRST, MeetingStatus.HELD)
    assert promise.made_in.record.revisions.get().version == 1
    assert network.status == NetworkStatus.ACTIVE
    assert [child.name for child in network.children.all()] == [network.subject_name]
    assert network.contacts.get().received_at == network.first_contact_at
    assert is_coordinator_of(network.coordinator, network.area_id, network.programme_id)


def test_goals_are_the_child_s_and_rated_where_they_were_set():
    goal = GoalFactory(rating=7)
    unrated = GoalFactory(rating=None)

    assert goal.child == goal.network.children.get()
    assert [(r.meeting, r.rating) for r in goal.ratings.all()] == [(goal.set_in, 7)]
    assert not unrated.ratings.exists()


def test_more_in_one_network_follow_the_first_meeting(children, kaakkuri):
    promise = PromiseFactory(network__programme=children, network__area=kaakkuri)
    meetings, records = Meeting.objects.count(), MeetingRecord.objects.count()

    PromiseFactory(network=promise.network, made_in=promise.made_in)
    assert (Meeting.objects.count(), MeetingRecord.objects.count()) == (meetings, records)

    follow_up = MeetingRecordFactory(meeting__network=promise.network).meeting
    assert follow_up.kind == MeetingKind.FOLLOW_UP
    assert promise.participant.kind == children.participant_kinds.get(code="professional")


def test_a_client_network_has_the_client_as_a_participant(working_age):
    network = NetworkFactory(programme=working_age)

    assert not network.children.exists()
    assert network.participants.get().kind.is_subject


def test_a_family_link_keeps_its_plain_token_and_code():
    link = FamilyLinkFactory()

    assert find_link(link.token) == link
    assert verify_code(link, link.code) == CodeResult.OPENED
