"""Issue #22: the leadership team's records store who made and changed them."""

from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import user_with_role
from audit.roles import Role
from directory.models import Sector
from leadership import services
from leadership.models import (
    Commitment,
    CommitmentStatus,
    Decision,
    LeadershipTeam,
    TeamMeeting,
    TeamMember,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def developer():
    return user_with_role(Role.DEVELOPER_WORKER, full_name="Kehittäjä Kaija")


@pytest.fixture
def team(configuration, kaakkuri, developer):
    team = services.create_team(
        by=developer,
        name="Kaakkurin johtotiimi",
        area=kaakkuri,
        programme=configuration["children-families"],
        common_goal="Lasten toimiva arki",
        week_of_month=1,
        weekday=1,
        meeting_time=time(14),
        place="Kaakkurin koulu",
    )
    member = user_with_role(Role.LEADERSHIP_MEMBER, email="rehtori@example.fi")
    TeamMember.objects.create(
        team=team, user=member, sector=Sector.objects.get(code="education-culture")
    )
    return team


def test_the_team_stores_who_created_and_changed_it(team, developer):
    assert LeadershipTeam.objects.get(pk=team.pk).created_by == developer
    other = user_with_role(Role.DEVELOPER_WORKER, email="toinen@example.fi")
    fields = {
        name: getattr(team, name)
        for name in (
            "name",
            "area",
            "programme",
            "common_goal",
            "week_of_month",
            "weekday",
            "meeting_time",
            "duration_minutes",
            "place",
        )
    }
    services.update_team(team, by=other, **fields)
    assert LeadershipTeam.objects.get(pk=team.pk).modified_by == other


def test_meetings_decisions_and_commitments_store_the_actor(team, developer):
    (created,) = services.schedule_meetings(
        team=team, by=developer, months=1, start=date(2026, 3, 1)
    )
    assert TeamMeeting.objects.get(pk=created.pk).created_by == developer
    member = team.members.get().user
    meeting = TeamMeeting.objects.create(
        team=team, starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now()
    )
    services.mark_held(meeting=meeting, by=member)
    assert TeamMeeting.objects.get(pk=meeting.pk).modified_by == member
    decision = services.record_decision(
        meeting=meeting, by=member, what="x", who_informs=member, why=""
    )
    assert Decision.objects.get(pk=decision.pk).created_by == member
    promise = services.record_commitment(meeting=meeting, by=member, member=member, text="Teen")
    assert Commitment.objects.get(pk=promise.pk).created_by == member
    later = TeamMeeting.objects.create(
        team=team, starts_at=timezone.now(), ends_at=timezone.now() + timedelta(hours=1)
    )
    services.review_commitment(
        commitment=promise, in_meeting=later, by=developer, status=CommitmentStatus.DONE
    )
    assert Commitment.objects.get(pk=promise.pk).modified_by == developer
