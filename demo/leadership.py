"""Demo leadership teams: members by sector, last month's meeting with promises, the coming ones."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone

from accounts.models import User
from audit.roles import Role
from directory.models import Area, Sector
from leadership import services
from leadership.models import LeadershipTeam, TeamMeeting, TeamMember
from programmes.models import Programme


def _sector_of(user: User) -> Sector:
    membership = (
        user.memberships.filter(organisation__isnull=False)
        .select_related("organisation__sector")
        .first()
    )
    if membership and membership.organisation:
        return membership.organisation.sector
    return Sector.objects.get(code="social-health")


def build_leadership(areas: dict[str, Area], programmes: dict[str, Programme]) -> int:
    """Create the demo teams once; returns how many teams were made."""
    if LeadershipTeam.objects.exists():
        return 0
    leaders = User.objects.filter(memberships__role=Role.LEADERSHIP_MEMBER).distinct()
    made = 0
    for name, area, programme, goal in (
        (
            "Kaakkurin johtotiimi",
            areas["kaakkuri"],
            programmes["children-families"],
            "Lasten ja perheiden toimiva arki monialaisella yhteistyöllä",
        ),
        (
            "Oulun työikäisten johtotiimi",
            None,
            programmes["working-age"],
            "Työkyvyn ja työllistymisen paraneminen monialaisella yhteistyöllä",
        ),
    ):
        team = LeadershipTeam.objects.create(
            name=name,
            area=area,
            programme=programme,
            common_goal=goal,
            week_of_month=1,
            weekday=1,
            meeting_time=time(14),
            place="Tuiran hyvinvointikeskus",
        )
        members = leaders.filter(memberships__programme=programme).distinct()
        if area is not None:
            members = members.filter(memberships__area=area)
        for index, user in enumerate(members):
            TeamMember.objects.create(
                team=team, user=user, sector=_sector_of(user), is_chair=index == 0
            )
        start = timezone.localdate().replace(day=1) - timedelta(days=1)
        services.schedule_meetings(team=team, by=None, months=4, start=start.replace(day=1))
        past = (
            TeamMeeting.objects.filter(team=team, starts_at__lt=timezone.now())
            .order_by("-starts_at")
            .first()
        )
        member = team.members.first()
        if past and member:
            services.mark_held(meeting=past, by=member.user)
            services.record_decision(
                meeting=past,
                by=member.user,
                what="Koulutetaan kaikki alueen opettajat LP-menetelmään kevään aikana",
                why="Palaute: ammattilaiset eivät aina tienneet, mitä seuraavaksi tapahtuu",
                who_informs=member.user,
                shareable=True,
            )
            for each in team.members.select_related("user"):
                services.record_commitment(
                    meeting=past,
                    by=each.user,
                    member=each.user,
                    text=f"Käyn läpi palautteen oman yksikköni kanssa ({each.sector.name})",
                )
        made += 1
    return made
