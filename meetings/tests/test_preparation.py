"""The family's preparation of a meeting: the service's rules, the coordinator's views of it, and
its place in the data-subject export and the erasure of a closed network."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.errors import ValidationError
from meetings.memo import memo_pdf_html
from meetings.models import FamilyPreparation
from meetings.preparation import preparation_page_context, save_preparation
from meetings.services import RecordInput, save_meeting_record
from meetings.tests.helpers import network_with_meeting, participants
from networks.models import MeetingStatus, NetworkStatus
from networks.tests.factories import (
    MeetingFactory,
    NetworkFactory,
    ParticipantFactory,
    ProfessionalParticipantFactory,
)
from privacy.export import subject_export
from privacy.retention import erase_network

pytestmark = pytest.mark.django_db

EMPTY = {"goes_well": "", "worries": "", "wishes": "", "who_to_invite": "", "child_view": ""}


@pytest.fixture
def planned(kaakkuri, children):
    network = NetworkFactory(area=kaakkuri, programme=children)
    mother = ParticipantFactory(network=network, name="Maija Virtanen")
    return network, mother, MeetingFactory(network=network)


def test_saving_again_changes_the_same_answers_and_emptying_removes_them(planned):
    network, mother, meeting = planned
    first = save_preparation(meeting, mother, **{**EMPTY, "worries": "  Illat  "})
    assert first is not None and first.worries == "Illat"
    later = timezone.now() + timedelta(minutes=1)
    again = save_preparation(meeting, mother, **{**EMPTY, "wishes": "Rutiinit"}, now=later)
    assert again is not None and again.pk == first.pk
    assert (again.worries, again.wishes, again.updated_at) == ("", "Rutiinit", later)
    assert save_preparation(meeting, mother, **EMPTY) is None
    assert not FamilyPreparation.objects.exists()


def test_after_the_start_nothing_is_written(planned):
    network, mother, meeting = planned
    with pytest.raises(ValidationError, match=r"alkanut|started"):
        save_preparation(
            meeting, mother, **{**EMPTY, "worries": "x"}, now=meeting.starts_at + timedelta(1)
        )
    assert not FamilyPreparation.objects.exists()


@pytest.mark.parametrize("status", [MeetingStatus.CANCELLED, MeetingStatus.HELD])
def test_only_a_planned_meeting_is_prepared(planned, status):
    network, mother, meeting = planned
    meeting.status = status
    meeting.save()
    with pytest.raises(ValidationError):
        save_preparation(meeting, mother, **{**EMPTY, "worries": "x"})
    assert not FamilyPreparation.objects.exists()


def test_bad_inputs_are_refused(planned, kaakkuri, children):
    network, mother, meeting = planned
    other = MeetingFactory(network=NetworkFactory(area=kaakkuri, programme=children))
    with pytest.raises(ValidationError):
        save_preparation(other, mother, **{**EMPTY, "worries": "x"})
    teacher = ProfessionalParticipantFactory(network=network)
    with pytest.raises(ValidationError):
        save_preparation(meeting, teacher, **{**EMPTY, "worries": "x"})
    with pytest.raises(ValidationError) as too_long:
        save_preparation(meeting, mother, **{**EMPTY, "who_to_invite": "x" * 1001})
    assert "who_to_invite" in too_long.value.message_dict
    assert not FamilyPreparation.objects.exists()


def test_a_removed_member_or_a_closed_network_cannot_prepare(planned):
    network, mother, meeting = planned
    mother.removed_at = timezone.now()
    mother.save()
    with pytest.raises(ValidationError):
        save_preparation(meeting, mother, **{**EMPTY, "worries": "x"})
    mother.removed_at = None
    mother.save()
    network.status = NetworkStatus.CLOSED
    network.save()
    with pytest.raises(ValidationError):
        save_preparation(meeting, mother, **{**EMPTY, "worries": "x"})
    assert not FamilyPreparation.objects.exists()


def test_the_network_page_counts_the_answers_of_prepared_planned_meetings(planned):
    network, mother, meeting = planned
    assert preparation_page_context(network) == {"prepared_meetings": []}
    father = ParticipantFactory(network=network, name="Matti Virtanen")
    save_preparation(meeting, mother, **{**EMPTY, "worries": "x"})
    save_preparation(meeting, father, **{**EMPTY, "wishes": "y"})
    assert preparation_page_context(network) == {"prepared_meetings": [(meeting, 2)]}


def test_the_network_page_reads_every_app_s_part_with_its_own_and_gives_each_its_rows(planned):
    from core.db import objects_together
    from family.services import create_link
    from networks.extensions import network_page_context, network_page_reads

    network, mother, meeting = planned
    save_preparation(meeting, mother, **{**EMPTY, "worries": "x"})
    link = create_link(participant=mother, by=network.coordinator).link
    reads = network_page_reads(network)
    assert len(reads) == 2  # the family's preparations (meetings), the latest links (family)
    rows = objects_together(reads)
    context = network_page_context(network, rows)
    assert context["prepared_meetings"] == [(meeting, 1)]
    assert context["latest_link"] == {mother.pk: link}
    assert context.keys() == network_page_context(network).keys()  # read there alike
    with pytest.raises(ValueError, match="more rows"):
        network_page_context(network, [*rows, []])


def test_a_participant_who_is_no_manager_does_not_see_the_record(planned):
    network, mother, meeting = planned
    save_preparation(meeting, mother, **{**EMPTY, "worries": "Illat"})
    teacher = ProfessionalParticipantFactory(network=network)
    browser = Client()
    browser.force_login(teacher.user)
    response = browser.get(reverse("meetings:record", args=[meeting.pk]))
    assert response.status_code == 403
    assert "Illat" not in response.content.decode()
    detail = browser.get(reverse("networks:detail", args=[network.pk])).content.decode()
    assert "#family-words" not in detail


def test_the_preparation_is_not_put_in_the_memo(kaakkuri, children):
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    mother = participants(network)["Maija Virtanen"]
    # Written before the meeting started; the meeting has now taken place.
    FamilyPreparation.objects.create(meeting=meeting, participant=mother, worries="Salainen huoli")
    save_meeting_record(
        meeting=meeting,
        by=coordinator,
        expected_version=0,
        data=RecordInput(common_goal="Arki sujuu"),
    )
    memo = memo_pdf_html(meeting, "fi")
    assert "Arki sujuu" in memo
    assert "Salainen huoli" not in memo


def test_the_export_carries_it_and_the_erasure_deletes_it(planned):
    network, mother, meeting = planned
    save_preparation(meeting, mother, **{**EMPTY, "worries": "Illat", "child_view": "Kivaa"})
    exported = subject_export(network)
    (preparation,) = next(m for m in exported["meetings"] if m["id"] == meeting.pk)[
        "family_preparations"
    ]
    assert (preparation["by"], preparation["worries"], preparation["child_view"]) == (
        "Maija Virtanen",
        "Illat",
        "Kivaa",
    )
    network.status = NetworkStatus.CLOSED
    network.save()
    counts = erase_network(network.pk)
    assert counts is not None and counts["family preparations"] == 1
    assert not FamilyPreparation.objects.exists()
