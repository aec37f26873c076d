"""Stage 6: the leadership teams and their monthly meetings, decisions and commitments.

A commitment is reviewed (done / not done / carried over) at the team's next held meeting.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from demo.oulu import CHILDREN, WORKING_AGE
from directory.models import Area, Sector
from leadership.models import LeadershipTeam, TeamMember
from leadership.services import nth_weekday
from scale import texts
from scale.generator.directory import ORGANISATION_SECTORS
from scale.generator.region import Region
from scale.generator.rows import Rows
from scale.generator.shapes import StaffMember

PLACE = "Hyvinvointikeskus"


def build_leadership(region: Region) -> None:
    rng = region.rng
    sectors = {s.code: s.pk for s in Sector.objects.all()}
    teams: list[tuple[LeadershipTeam, list[tuple[StaffMember, str]]]] = []
    children, working = region.programmes[CHILDREN], region.programmes[WORKING_AGE]
    for index in range(region.scale.leadership_areas):
        area = region.areas[index]
        members = [region.leaders[0]] if index == 0 else []
        members += region.leaders[1:][index * 4 : index * 4 + 5]
        team = LeadershipTeam(
            name=f"Johtotiimi: {Area.objects.get(pk=area.id).name}",
            area_id=area.id,
            programme_id=children.id,
            common_goal=texts.TEAM_GOALS[CHILDREN],
            place=PLACE,
        )
        teams.append((team, members))
    working_team = LeadershipTeam(
        name="Työikäisten johtotiimi",
        area_id=None,
        programme_id=working.id,
        common_goal=texts.TEAM_GOALS[WORKING_AGE],
        place=PLACE,
    )
    teams.append((working_team, region.leaders[:6]))
    LeadershipTeam.objects.bulk_create([team for team, _members in teams])
    member_rows: list[TeamMember] = []
    meeting_rows: list[Any] = []
    decision_rows: list[Any] = []
    commitment_rows: list[Any] = []
    meeting_ids = region.writer.ids(Rows.team_meeting.model)
    decision_ids = region.writer.ids(Rows.decision.model)
    commitment_ids = region.writer.ids(Rows.commitment.model)
    end = region.today + timedelta(days=100)
    for team, members in teams:
        seen: set[int] = set()
        unique = []
        for member, key in members:
            if member.id not in seen:
                seen.add(member.id)
                unique.append((member, key))
        for order, (member, key) in enumerate(unique):
            member_rows.append(
                TeamMember(
                    team=team,
                    user_id=member.id,
                    sector_id=sectors[ORGANISATION_SECTORS[key]],
                    is_chair=order == 0,
                )
            )
        year, month = region.start.year, region.start.month
        previous: list[int] = []  # the indexes of the last held meeting's commitments
        while date(year, month, 1) <= end:
            day = nth_weekday(year, month, team.weekday, team.week_of_month)
            month += 1
            if month == 13:
                year, month = year + 1, 1
            if day < region.start or day > end:
                continue
            starts = region.at(day, 14)
            held = day < region.today
            meeting_id = next(meeting_ids)
            meeting_rows.append(
                Rows.team_meeting(
                    id=meeting_id,
                    team=team.pk,
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=team.duration_minutes),
                    place=team.place,
                    status="held" if held else "planned",
                    uid=region.uuid4(),
                    sequence=0,
                )
            )
            if not held:
                continue
            for index in previous:
                status = rng.choices(["done", "not_done", "carried_over"], [7, 1, 2])[0]
                commitment_rows[index] = commitment_rows[index]._replace(
                    status=status, reviewed_in=meeting_id
                )
            decision_rows.append(
                Rows.decision(
                    id=next(decision_ids),
                    meeting=meeting_id,
                    what=rng.choice(texts.DECISIONS),
                    why="Palaute ja indikaattorit",
                    who_informs=unique[0][0].id,
                    shareable=rng.random() < 0.2,
                    created_at=starts + timedelta(hours=1),
                )
            )
            previous = []
            for member, _key in unique:
                previous.append(len(commitment_rows))
                commitment_rows.append(
                    Rows.commitment(
                        id=next(commitment_ids),
                        meeting=meeting_id,
                        member=member.id,
                        text=rng.choice(texts.COMMITMENTS),
                        carried_from=None,
                        status="open",
                        reviewed_in=None,
                    )
                )
    TeamMember.objects.bulk_create(member_rows)
    region.writer.counts[LeadershipTeam._meta.db_table] += len(teams)
    region.writer.counts[TeamMember._meta.db_table] += len(member_rows)
    region.writer.write_rows(Rows.team_meeting, meeting_rows)
    region.writer.write_rows(Rows.decision, decision_rows)
    region.writer.write_rows(Rows.commitment, commitment_rows)
