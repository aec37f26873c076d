"""The situation room's verbs: schedule the monthly meetings, build the agenda, decide, promise."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from accounts.models import User
from audit.roles import Role
from core.clock import now_or
from core.db import Prepared, Run, objects_together, rows_together
from core.errors import ValidationError
from directory.models import Sector
from indicators.computations import censored_median
from indicators.models import Audience, EventKind, Indicator
from indicators.models import Event as WorkEvent
from indicators.periods import Cadence, Period, period_containing
from indicators.selectors import (
    IndicatorView,
    ViewContext,
    events_for,
    indicator_view,
    indicators_for,
    periods_read,
    read_entered,
)
from indicators.suppression import derived_hidden, is_small
from leadership.models import (
    Commitment,
    CommitmentStatus,
    Decision,
    LeadershipTeam,
    MembershipChangeKind,
    TeamMeeting,
    TeamMeetingStatus,
    TeamMember,
    TeamMembershipChange,
)
from networks.models import Network, NetworkStatus
from notifications.services import Attachment, send_email

if TYPE_CHECKING:
    from backbone.models import Bulletin

REQUIRED_SECTORS = Path(__file__).resolve().parent / "data" / "required_sectors.toml"
WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def missing_sectors(team: LeadershipTeam) -> list[Sector]:
    """Sectors the programme names that have no active member in the team."""
    required = tomllib.loads(REQUIRED_SECTORS.read_text()).get(team.programme.code, [])
    present = set(team.members.filter(is_active=True).values_list("sector__code", flat=True))
    return list(Sector.objects.filter(code__in=[c for c in required if c not in present]))


def nth_weekday(year: int, month: int, weekday: int, week: int) -> date:
    first = date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + timedelta(days=offset + 7 * (week - 1))


@transaction.atomic
def schedule_meetings(
    *,
    team: LeadershipTeam,
    by: User | None,
    months: int = 12,
    start: date | None = None,
    now: datetime | None = None,
) -> list[TeamMeeting]:
    """Create the team's monthly meetings for the coming months (existing ones are kept)."""
    if not 1 <= team.week_of_month <= 4 or not 0 <= team.weekday <= 6:
        raise ValidationError(_("The meeting rhythm must be the 1st–4th weekday of the month."))
    zone = ZoneInfo(settings.TIME_ZONE)
    start = start or timezone.localdate(now_or(now))
    created = []
    year, month = start.year, start.month
    for _step in range(months):
        day = nth_weekday(year, month, team.weekday, team.week_of_month)
        if day >= start:
            starts = datetime.combine(day, team.meeting_time, tzinfo=zone)
            meeting, new = TeamMeeting.objects.get_or_create(
                team=team,
                starts_at=starts,
                defaults={
                    "ends_at": starts + timedelta(minutes=team.duration_minutes),
                    "place": team.place,
                    "created_by": by,
                },
            )
            if new:
                created.append(meeting)
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return created


def series_anchor(team: LeadershipTeam) -> TeamMeeting | None:
    """The team's earliest meeting: it names the series (UID) and counts its re-sends
    (its ``sequence``). It never changes, however many months pass between re-sends."""
    return team.meetings.order_by("starts_at", "pk").first()


def series_calendar(
    team: LeadershipTeam, meetings: list[TeamMeeting], *, now: datetime | None = None
) -> str:
    """One recurring event (RRULE) for the team's monthly meetings, Europe/Helsinki.

    Every re-send carries the same UID (from :func:`series_anchor`, not from the first upcoming
    meeting, which changes month by month and made calendars show the series twice) and the
    anchor's current SEQUENCE, which :func:`invite_members` raises after each send: a calendar
    replaces the series it has instead of adding a second one (RFC 5546)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//Arki//Leadership team//FI")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    first = meetings[0]
    anchor = series_anchor(team) or first
    event = Event()
    event.add("uid", f"{team.pk}-series-{anchor.uid}@arki")
    event.add("sequence", anchor.sequence)
    event.add("dtstamp", now_or(now))
    event.add("dtstart", first.starts_at.astimezone(zone))
    event.add("dtend", first.ends_at.astimezone(zone))
    event.add("summary", team.name)
    if team.place:
        event.add("location", team.place)
    event.add(
        "rrule",
        {
            "freq": "monthly",
            "count": len(meetings),
            "byday": f"{team.week_of_month}{WEEKDAY_CODES[team.weekday]}",
        },
    )
    organiser = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organiser.params["cn"] = vText(team.name)
    event["organizer"] = organiser
    for member in team.members.filter(is_active=True).select_related("user"):
        attendee = vCalAddress(f"mailto:{member.user.email}")
        attendee.params["cn"] = vText(member.user.full_name)
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    text: str = calendar.to_ical().decode()
    return text


def invite_members(team: LeadershipTeam, *, now: datetime | None = None) -> int:
    """Email every active member the recurring meeting series as an .ics invitation."""
    now = now_or(now)
    meetings = list(team.meetings.filter(status=TeamMeetingStatus.PLANNED, starts_at__gte=now))
    if not meetings:
        raise ValidationError(_("Schedule the meetings first."))
    ics = series_calendar(team, meetings, now=now)
    addresses = [m.user.email for m in team.members.filter(is_active=True).select_related("user")]
    send_email(
        to=addresses,
        subject=_("Leadership team meetings: %(team)s") % {"team": team.name},
        body=_(
            "The leadership team meets monthly as a situation room. The calendar file holds the "
            "series. Every meeting starts by reviewing what each of us promised last time."
        ),
        attachments=[
            Attachment("leadership-team.ics", ics, "text/calendar; method=REQUEST; charset=UTF-8")
        ],
        now=now,
    )
    # The next re-send (more months scheduled, a new member) must outrank this one.
    anchor = series_anchor(team)
    if anchor is not None:
        TeamMeeting.objects.filter(pk=anchor.pk).update(sequence=F("sequence") + 1)
    return len(addresses)


def previous_meeting(meeting: TeamMeeting) -> TeamMeeting | None:
    """The team's latest meeting before this one that was not cancelled."""
    found = _PREVIOUS.objects(team=meeting.team_id, before=meeting.starts_at)
    return found[0] if found else None


# Read for every agenda, compiled once per process (core.db.Prepared).
_PREVIOUS = Prepared(
    lambda team, before: (
        TeamMeeting.objects.filter(team_id=team, starts_at__lt=before)
        .exclude(status=TeamMeetingStatus.CANCELLED)
        .order_by("-starts_at", "-pk")[:1]
    ),
    team=int,
    before=datetime,
)


@dataclass
class WorkStatistics:
    networks_due: int | None
    within_deadline_pct: float | None
    median_days: float | None
    promises_reviewed: int | None
    promises_kept_pct: float | None
    overdue_now: int | None


@dataclass
class Agenda:
    meeting: TeamMeeting
    since: datetime
    commitments_to_review: list[Commitment]
    indicators: list[IndicatorView]
    feedback: list[Any]
    feedback_period: Period
    statistics: WorkStatistics
    decisions: list[Decision] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)


def _suppressed(count: int) -> int | None:
    return None if is_small(count) else count


def work_statistics(team: LeadershipTeam, since: datetime, until: datetime) -> WorkStatistics:
    """Convening-deadline and promise figures for the team's area and programme, small numbers hidden."""
    scope: dict[str, Any] = {"programme": team.programme_id}
    if team.area_id is not None:
        scope["area"] = team.area_id
    in_time, reviewed_query, overdue_query = _work_queries("area" in scope)
    period = {**scope, "since": since, "until": until}
    due, reviewed_rows, overdue_rows = rows_together(
        [
            Run(in_time, period),
            Run(reviewed_query, period),
            Run(overdue_query, {**scope, "today": timezone.localdate()}),
        ]
    )
    days: list[int | None] = [d for _outcome, d in due]
    reviewed = [outcome for (outcome,) in reviewed_rows]
    deadline = team.programme.convening_deadline_days
    overdue = overdue_rows[0][0] if overdue_rows else 0
    hide_days = derived_hidden(len(days)) or not days
    hide_promises = derived_hidden(len(reviewed)) or not reviewed
    return WorkStatistics(
        networks_due=_suppressed(len(days)),
        within_deadline_pct=None
        if hide_days
        else round(100 * sum(1 for outcome, _d in due if outcome == "in_time") / len(due), 1),
        median_days=None if hide_days else censored_median(days, deadline + 1),
        promises_reviewed=_suppressed(len(reviewed)),
        promises_kept_pct=None
        if hide_promises
        else round(100 * reviewed.count("kept") / len(reviewed), 1),
        overdue_now=_suppressed(overdue),
    )


def _work_events(v: dict[str, Any]) -> QuerySet[WorkEvent]:
    events = WorkEvent.objects.filter(
        programme_id=v["programme"], occurred_at__gte=v["since"], occurred_at__lt=v["until"]
    ).order_by()
    return events.filter(area_id=v["area"]) if "area" in v else events


def _overdue_count(v: dict[str, Any]) -> QuerySet[Any]:
    networks = Network.objects.filter(
        programme_id=v["programme"],
        status=NetworkStatus.CONVENING,
        convening_deadline__lt=v["today"],
    )
    if "area" in v:
        networks = networks.filter(area_id=v["area"])
    # One row with the count (none when there are none): a query, not Django's count().
    return networks.order_by().values("programme_id").annotate(n=Count("pk")).values_list("n")


def _work_queries(with_area: bool) -> tuple[Prepared, Prepared, Prepared]:
    """The figures' three reads for a team with an area or without, each compiled once: every
    network whose convening deadline passed in the period (met in time or not), the promises
    reviewed, the networks convening past their deadline now."""
    if with_area not in _WORK_QUERIES:
        slots: dict[str, type] = {"programme": int, "since": datetime, "until": datetime}
        if with_area:
            slots["area"] = int
        counted = {"programme": int, "today": date, **({"area": int} if with_area else {})}
        _WORK_QUERIES[with_area] = (
            Prepared(
                lambda **v: (
                    _work_events(v)
                    .filter(kind=EventKind.CONVENING_DEADLINE)
                    .values_list("outcome", "days")
                ),
                **slots,
            ),
            Prepared(
                lambda **v: (
                    _work_events(v).filter(kind=EventKind.PROMISE_REVIEWED).values_list("outcome")
                ),
                **slots,
            ),
            Prepared(lambda **v: _overdue_count(v), **counted),
        )
    return _WORK_QUERIES[with_area]


_WORK_QUERIES: dict[bool, tuple[Prepared, Prepared, Prepared]] = {}


def indicators_due(team: LeadershipTeam, since: date, until: date) -> list[IndicatorView]:
    """Indicators whose period ended since the last meeting, with change and target status."""
    from directory.models import Area

    areas = [team.area] if team.area else list(Area.objects.order_by("name"))
    due: list[tuple[Indicator, date]] = []
    # Only periods that have ended by today, also on the agenda of a meeting still to come.
    last_day = min(until, timezone.localdate())
    for indicator in indicators_for(team.programme):
        ended = period_containing(last_day, indicator.cadence).previous()
        if ended.end <= since:
            continue  # nothing new since the last meeting
        due.append((indicator, ended.end - timedelta(days=1)))
    context = ViewContext.read([indicator for indicator, _last in due], team.area)
    with events_for(team.programme, due):
        read_entered(team.programme, [(i, periods_read(day, i.cadence)) for i, day in due])
        return [
            # The agenda is read by the team on Arki's page: the region's own staff.
            indicator_view(
                indicator,
                team.programme,
                areas,
                team.area,
                last_day,
                context,
                Audience.STAFF,
                scope_only=True,  # the agenda shows each indicator's scope row alone
            )
            for indicator, last_day in due
        ]


def build_agenda(meeting: TeamMeeting) -> Agenda:
    """(1) last meeting's promises, (2) indicators due, (3) feedback, (4) deadline and promise
    figures, (5) decisions, (6) the round "what do I promise to do before the next meeting?"."""
    from feedback.selectors import cached_feedback_results

    team = meeting.team
    previous = previous_meeting(meeting)
    since = previous.starts_at if previous else meeting.starts_at - timedelta(days=31)
    feedback_period = period_containing(
        timezone.localtime(meeting.starts_at).date(), Cadence.MONTHLY
    ).previous()
    # The meeting's decisions and commitments and the previous meeting's commitments: read
    # together (core.db.objects_together).
    decisions, commitments, *before = objects_together(
        [_meeting_rows(_DECISIONS, meeting), _meeting_rows(_COMMITMENTS, meeting)]
        + ([_meeting_rows(_COMMITMENTS, previous)] if previous else [])
    )
    return Agenda(
        meeting=meeting,
        since=since,
        commitments_to_review=[
            commitment
            for commitment in (before[0] if before else [])
            if commitment.status == CommitmentStatus.OPEN
        ],
        indicators=indicators_due(
            team, timezone.localtime(since).date(), timezone.localtime(meeting.starts_at).date()
        ),
        feedback=cached_feedback_results(
            programme=team.programme, period=feedback_period, area=team.area
        ),
        feedback_period=feedback_period,
        statistics=work_statistics(team, since, meeting.starts_at),
        decisions=decisions,
        commitments=commitments,
    )


# A meeting's commitments and decisions, as ``meeting.commitments`` and ``meeting.decisions``
# give them with who they name; compiled once per process (each agenda asks three of them).
_COMMITMENTS = Prepared(
    lambda meeting: Commitment.objects.filter(meeting_id=meeting).select_related("member"),
    meeting=int,
)
_DECISIONS = Prepared(
    lambda meeting: Decision.objects.filter(meeting_id=meeting).select_related("who_informs"),
    meeting=int,
)


def _meeting_rows(prepared: Prepared, meeting: TeamMeeting) -> Run:
    return Run(prepared, {"meeting": meeting.pk}, {"meeting": meeting})


def _member_of(team: LeadershipTeam, user: User) -> bool:
    return team.members.filter(user=user, is_active=True).exists()


@transaction.atomic
def record_decision(
    *,
    meeting: TeamMeeting,
    by: User,
    what: str,
    why: str,
    who_informs: User,
    shareable: bool = False,
) -> Decision:
    if not what.strip():
        raise ValidationError({"what": _("Write the decision.")})
    if not _member_of(meeting.team, who_informs):
        raise ValidationError({"who_informs": _("Choose a member of the team.")})
    return Decision.objects.create(
        meeting=meeting,
        what=what.strip(),
        why=why.strip(),
        who_informs=who_informs,
        shareable=shareable,
        created_by=by,
    )


@transaction.atomic
def record_commitment(*, meeting: TeamMeeting, by: User, member: User, text: str) -> Commitment:
    """A member's answer to "What do I promise to do before the next meeting?"."""
    if not text.strip():
        raise ValidationError({"text": _("Write what you promise to do before the next meeting.")})
    if not _member_of(meeting.team, member):
        raise ValidationError({"member": _("Choose a member of the team.")})
    return Commitment.objects.create(
        meeting=meeting, member=member, text=text.strip(), created_by=by
    )


@transaction.atomic
def review_commitment(
    *, commitment: Commitment, in_meeting: TeamMeeting, by: User, status: str
) -> Commitment:
    """The next meeting opens by marking each promise done, not done or carried over."""
    if status not in (
        CommitmentStatus.DONE,
        CommitmentStatus.NOT_DONE,
        CommitmentStatus.CARRIED_OVER,
    ):
        raise ValidationError(_("Mark the promise done, not done or carried over."))
    updated = Commitment.objects.filter(pk=commitment.pk, status=CommitmentStatus.OPEN).update(
        status=status, reviewed_in=in_meeting, modified_by=by
    )
    if not updated:
        raise ValidationError(_("The promise has already been reviewed."))
    commitment.refresh_from_db()
    if status == CommitmentStatus.CARRIED_OVER:
        Commitment.objects.create(
            meeting=in_meeting,
            member=commitment.member,
            text=commitment.text,
            carried_from=commitment,
            created_by=by,
        )
    return commitment


@transaction.atomic
def mark_held(*, meeting: TeamMeeting, by: User, now: datetime | None = None) -> TeamMeeting:
    if meeting.starts_at > now_or(now):
        raise ValidationError(_("The meeting has not started yet."))
    TeamMeeting.objects.filter(pk=meeting.pk).update(status=TeamMeetingStatus.HELD, modified_by=by)
    meeting.refresh_from_db()
    return meeting


def minutes_context(meeting: TeamMeeting) -> dict[str, Any]:
    return {
        "meeting": meeting,
        "team": meeting.team,
        "present": meeting.team.members.filter(is_active=True).select_related("user", "sector"),
        "decisions": meeting.decisions.select_related("who_informs"),
        "commitments": meeting.commitments.select_related("member"),
        "reviewed": Commitment.objects.filter(reviewed_in=meeting)
        .exclude(meeting=meeting)
        .select_related("member"),
    }


def render_minutes_pdf(meeting: TeamMeeting) -> bytes:
    from django.template.loader import render_to_string
    from django.utils import translation

    from core.pdf import render_pdf

    # The minutes are written in the reader's language; the PDF says which (/Lang).
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    html = render_to_string(
        "leadership/minutes_pdf.html", {**minutes_context(meeting), "language": language}
    )
    stylesheet = settings.BASE_DIR / "meetings" / "static" / "meetings" / "memo.css"
    # PDF/A, tagged; the title comes from the template's <title> (the minutes' heading).
    return render_pdf(html, base_url=settings.BASE_DIR, stylesheets=[stylesheet], language=language)


@transaction.atomic
def publish_minutes(*, meeting: TeamMeeting, by: User) -> Bulletin:
    """Publish the minutes to staff as a bulletin targeted at the team's area and programme."""
    from django.template.loader import render_to_string

    from backbone.services import publish_bulletin

    if meeting.minutes_published_id:
        raise ValidationError(_("The minutes have already been published."))
    body = render_to_string("leadership/minutes.txt", minutes_context(meeting)).strip()
    bulletin = publish_bulletin(
        title=_("Leadership team minutes: %(team)s %(date)s")
        % {
            "team": meeting.team.name,
            "date": timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y"),
        },
        body=body,
        author=by,
        areas=[meeting.team.area] if meeting.team.area else [],
        programmes=[meeting.team.programme],
        source=f"leadership-meeting:{meeting.pk}",
    )
    TeamMeeting.objects.filter(pk=meeting.pk).update(minutes_published=bulletin)
    return bulletin


# Keeping the teams: the developer worker or administrator creates teams, sets the monthly
# rhythm and keeps the membership; every membership change is recorded.

TEAM_FIELDS = (
    "name",
    "area",
    "programme",
    "common_goal",
    "week_of_month",
    "weekday",
    "meeting_time",
    "place",
)
# A member must be able to open the team's pages (views.LEADERS).
MEMBER_ROLES = (Role.LEADERSHIP_MEMBER, Role.DEVELOPER_WORKER)


def _check_team(fields: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if not str(fields.get("name") or "").strip():
        errors["name"] = _("Write the team's name.")
    if not str(fields.get("common_goal") or "").strip():
        errors["common_goal"] = _("Write the team's common goal.")
    if fields.get("week_of_month") not in (1, 2, 3, 4):
        errors["week_of_month"] = _("Choose the 1st, 2nd, 3rd or 4th week of the month.")
    if fields.get("weekday") not in range(7):
        errors["weekday"] = _("Choose a weekday.")
    if fields.get("meeting_time") is None:
        errors["meeting_time"] = _("Give the meeting time.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_team(*, by: User, **fields: Any) -> LeadershipTeam:
    """A new leadership team for an area (or all areas) and a programme, with its rhythm."""
    _check_team(fields)
    data = {name: fields[name] for name in TEAM_FIELDS}
    data["name"], data["common_goal"] = data["name"].strip(), data["common_goal"].strip()
    return LeadershipTeam.objects.create(**data, created_by=by)


@transaction.atomic
def update_team(team: LeadershipTeam, *, by: User, **fields: Any) -> LeadershipTeam:
    """Change the team's name, area, programme, goal or monthly rhythm (meetings already
    scheduled stay where they are)."""
    _check_team(fields)
    for name in TEAM_FIELDS:
        value = fields[name]
        setattr(team, name, value.strip() if name in ("name", "common_goal") else value)
    team.modified_by = by
    team.save()
    return team


def member_candidates(team: LeadershipTeam) -> QuerySet[User]:
    """Active users who may open the team's pages and are not yet active members."""
    return (
        User.objects.filter(is_active=True, memberships__role__in=MEMBER_ROLES)
        .exclude(pk__in=team.members.filter(is_active=True).values("user"))
        .distinct()
        .order_by("full_name", "email")
    )


def _make_chair(member: TeamMember, by: User) -> None:
    TeamMember.objects.filter(team=member.team, is_chair=True).exclude(pk=member.pk).update(
        is_chair=False
    )
    if not member.is_chair:
        member.is_chair = True
        member.save(update_fields=["is_chair"])
    TeamMembershipChange.objects.create(
        team=member.team,
        member=member.user,
        kind=MembershipChangeKind.CHAIR,
        sector=member.sector,
        by=by,
    )


@transaction.atomic
def add_member(
    *, team: LeadershipTeam, user: User, sector: Sector | None, by: User, is_chair: bool = False
) -> TeamMember:
    """Add a member with their sector; a removed member comes back on the same row."""
    LeadershipTeam.objects.select_for_update().filter(pk=team.pk).first()
    errors: dict[str, str] = {}
    if user is None or not user.is_active or not user.has_any_role(MEMBER_ROLES):
        errors["user"] = _("Choose a leadership team member.")
    elif team.members.filter(user=user, is_active=True).exists():
        errors["user"] = _("%(name)s is already a member of the team.") % {"name": user}
    if sector is None:
        errors["sector"] = _("Choose the member's sector.")
    if errors:
        raise ValidationError(errors)
    member, _new = TeamMember.objects.update_or_create(
        team=team, user=user, defaults={"sector": sector, "is_active": True, "is_chair": False}
    )
    TeamMembershipChange.objects.create(
        team=team, member=user, kind=MembershipChangeKind.ADDED, sector=sector, by=by
    )
    if is_chair:
        _make_chair(member, by)
    return member


@transaction.atomic
def make_chair(*, member: TeamMember, by: User) -> TeamMember:
    if not member.is_active:
        raise ValidationError(_("Only a member of the team can chair it."))
    _make_chair(member, by)
    return member


@transaction.atomic
def remove_member(*, member: TeamMember, by: User) -> TeamMember:
    """End the membership at once: the team's pages check active membership on every request.
    The row stays (inactive) so earlier decisions and promises keep their member."""
    if not member.is_active:
        raise ValidationError(_("%(name)s is no longer a member of the team.") % {"name": member})
    member.is_active = False
    member.is_chair = False
    member.save(update_fields=["is_active", "is_chair"])
    TeamMembershipChange.objects.create(
        team=member.team,
        member=member.user,
        kind=MembershipChangeKind.REMOVED,
        sector=member.sector,
        by=by,
    )
    return member
