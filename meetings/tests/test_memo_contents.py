"""The follow-up memo carries the promises still open, prints no empty headings (issue #15)."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from meetings import memo
from meetings.services import NewPromise, RecordInput, save_meeting_record
from meetings.tests.helpers import later_meeting, network_with_meeting, participants

pytestmark = pytest.mark.django_db


def test_the_follow_up_memo_lists_the_promises_carried_over(kaakkuri, children):
    network, first, coordinator = network_with_meeting(kaakkuri, children)
    teacher = participants(network)["Olli Opettaja"]
    save_meeting_record(
        meeting=first,
        by=coordinator,
        expected_version=0,
        data=RecordInput(
            common_goal="Arki",
            new_promises=[
                NewPromise(teacher, "Soitan kotiin", timezone.localdate() + timedelta(days=40))
            ],
        ),
    )
    follow_up = later_meeting(network, coordinator)
    save_meeting_record(
        meeting=follow_up, by=coordinator, expected_version=0, data=RecordInput(common_goal="Arki")
    )
    carried = list(memo.memo_context(follow_up)["carried"])
    assert [p.act for p in carried] == ["Soitan kotiin"]
    assert list(memo.memo_context(first)["carried"]) == []
    with translation.override("en"):
        html = memo.memo_pdf_html(follow_up, "en")
    assert "Promises carried over from earlier meetings" in html and "Soitan kotiin" in html


def test_no_heading_for_life_areas_with_nothing_written(kaakkuri, children):
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    areas = list(network.programme.life_areas.all())
    save_meeting_record(
        meeting=meeting,
        by=coordinator,
        expected_version=0,
        data=RecordInput(common_goal="Arki", life_areas={a.pk: ("", "") for a in areas}),
    )
    html = memo.memo_pdf_html(meeting, "en")
    assert "Everyday life: strengths and vulnerabilities" not in html
