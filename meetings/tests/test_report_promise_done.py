"""A family member tells through their plan that their own promise is done (report_promise_done)."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from core.errors import ValidationError
from meetings import services
from meetings.models import Promise, PromiseStatus
from meetings.tests.factories import PromiseFactory
from networks.tests.factories import NetworkFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

MOMENT = datetime(2026, 12, 3, 10, 0, tzinfo=timezone.get_fixed_timezone(120))


@pytest.fixture
def own(kaakkuri, children):
    network = NetworkFactory(area=kaakkuri, programme=children)
    mother = ParticipantFactory(network=network)
    return PromiseFactory(network=network, participant=mother), mother


def test_the_own_open_promise_is_reported_and_stays_open_until_the_meeting(own):
    promise, mother = own
    services.report_promise_done(promise=promise, participant=mother, now=MOMENT)
    promise.refresh_from_db()
    assert promise.reported_done_at == MOMENT and promise.status == PromiseStatus.OPEN
    # Telling it again changes nothing.
    services.report_promise_done(promise=promise, participant=mother, now=MOMENT + timedelta(1))
    promise.refresh_from_db()
    assert promise.reported_done_at == MOMENT


def test_someone_else_s_promise_is_refused(own):
    promise, mother = own
    other = ParticipantFactory(network=promise.network)
    with pytest.raises(ValidationError):
        services.report_promise_done(promise=promise, participant=other)
    assert Promise.objects.get(pk=promise.pk).reported_done_at is None


@pytest.mark.parametrize("status", [PromiseStatus.KEPT, PromiseStatus.NOT_KEPT])
def test_a_reviewed_promise_is_refused(own, status):
    promise, mother = own
    Promise.objects.filter(pk=promise.pk).update(status=status)
    with pytest.raises(ValidationError):
        services.report_promise_done(promise=promise, participant=mother)
    assert Promise.objects.get(pk=promise.pk).reported_done_at is None


def test_a_removed_participant_is_refused(own):
    promise, mother = own
    type(mother).objects.filter(pk=mother.pk).update(removed_at=timezone.now())
    with pytest.raises(ValidationError):
        services.report_promise_done(promise=promise, participant=mother)
    assert Promise.objects.get(pk=promise.pk).reported_done_at is None
