"""Issue #22: a promise stores who reviewed it; the record is saved at the given moment."""

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings import services
from meetings.models import MeetingRecord, Promise, PromiseStatus
from meetings.tests.helpers import network_with_meeting

pytestmark = pytest.mark.django_db


def test_the_record_and_its_revision_carry_the_given_moment(kaakkuri, children):
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    moment = timezone.now() - timedelta(minutes=10)
    record = services.save_meeting_record(
        meeting=meeting,
        by=coordinator,
        expected_version=0,
        data=services.RecordInput(present=list(network.participants.all()), common_goal="Arki"),
        now=moment,
    )
    assert MeetingRecord.objects.get(pk=record.pk).saved_at == moment
    assert record.revisions.get().saved_at == moment


def test_a_promise_marked_done_stores_who_marked_it_and_when(kaakkuri, children):
    network, meeting, _coordinator = network_with_meeting(kaakkuri, children)
    teacher = network.participants.get(user__isnull=False)
    promise = Promise.objects.create(
        network=network,
        made_in=meeting,
        participant=teacher,
        act="Soitan kotiin",
        due=timezone.localdate(),
    )
    moment = timezone.now() - timedelta(minutes=3)
    services.mark_promise_done(promise=promise, by=teacher.user, now=moment)
    stored = Promise.objects.get(pk=promise.pk)
    assert (stored.status, stored.modified_by, stored.reviewed_at) == (
        PromiseStatus.KEPT,
        teacher.user,
        moment,
    )
