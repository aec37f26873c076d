"""The one who promised marks it done when it is done, not only at the next meeting (#15)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import Event, EventKind
from meetings.models import Promise, PromiseStatus
from meetings.services import NewPromise, RecordInput, save_meeting_record
from meetings.tests.helpers import network_with_meeting, participants
from networks import consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def promised(kaakkuri, children):
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    teacher = participants(network)["Olli Opettaja"]
    save_meeting_record(
        meeting=meeting,
        by=coordinator,
        expected_version=0,
        data=RecordInput(
            common_goal="Arki",
            new_promises=[
                NewPromise(teacher, "Soitan kotiin", timezone.localdate() + timezone.timedelta(7))
            ],
        ),
    )
    return network, coordinator, teacher, Promise.objects.get(network=network)


def test_the_one_who_promised_marks_it_done(client, promised):
    network, _coordinator, teacher, promise = promised
    client.force_login(teacher.user)
    page = client.get(reverse("meetings:my_promises")).text
    assert reverse("meetings:promise_done", args=[promise.pk]) in page
    response = client.post(reverse("meetings:promise_done", args=[promise.pk]))
    assert response.status_code == 302
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.KEPT and promise.reviewed_at is not None
    assert Event.objects.filter(kind=EventKind.PROMISE_REVIEWED, outcome="kept").count() == 1
    assert "Soitan kotiin" not in client.get(reverse("meetings:my_promises")).text
    # Twice: refused with a message, nothing counted twice.
    client.post(reverse("meetings:promise_done", args=[promise.pk]))
    assert Event.objects.filter(kind=EventKind.PROMISE_REVIEWED).count() == 1


def test_nobody_else_marks_someone_elses_promise(client, promised):
    network, coordinator, _teacher, promise = promised
    client.force_login(coordinator)  # may read and manage the network, but did not promise
    client.post(reverse("meetings:promise_done", args=[promise.pk]))
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.OPEN


def test_a_banned_participant_cannot_mark_it_done(client, promised):
    network, coordinator, teacher, promise = promised
    consent.ban_disclosure(
        network=network, by=coordinator, requested_by="Maija, äiti", participant=teacher
    )
    client.force_login(teacher.user)
    assert client.post(reverse("meetings:promise_done", args=[promise.pk])).status_code == 403
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.OPEN
