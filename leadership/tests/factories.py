"""Factories for leadership teams: team → members → meetings → commitments."""

from datetime import time, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.tests.factories import UserFactory
from audit.roles import Role
from directory.tests.factories import AreaFactory, SectorFactory
from leadership.models import Commitment, LeadershipTeam, TeamMeeting, TeamMember
from programmes.tests.factories import ProgrammeFactory


class LeadershipTeamFactory(DjangoModelFactory[LeadershipTeam]):
    """An area's team meeting on the first Tuesday of every month at 14."""

    class Meta:
        model = LeadershipTeam

    name = factory.LazyAttribute(lambda team: f"{team.area.name}n johtotiimi")
    area = factory.SubFactory(AreaFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    common_goal = "Lasten toimiva arki"
    week_of_month = 1
    weekday = 1
    meeting_time = time(14)
    place = "Koulu"


class TeamMemberFactory(DjangoModelFactory[TeamMember]):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(LeadershipTeamFactory)
    user = factory.SubFactory(UserFactory, roles=[Role.LEADERSHIP_MEMBER])
    sector = factory.SubFactory(SectorFactory)


class TeamMeetingFactory(DjangoModelFactory[TeamMeeting]):
    """A planned meeting of the team in three days."""

    class Meta:
        model = TeamMeeting

    team = factory.SubFactory(LeadershipTeamFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda meeting: meeting.starts_at + timedelta(hours=1))


class CommitmentFactory(DjangoModelFactory[Commitment]):
    """An open commitment of a member of the meeting's team."""

    class Meta:
        model = Commitment

    meeting = factory.SubFactory(TeamMeetingFactory)
    member = factory.LazyAttribute(
        lambda commitment: TeamMemberFactory(team=commitment.meeting.team).user
    )
    text = "Kerron tiimille"
