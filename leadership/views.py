"""Leadership team pages: the team, the monthly meeting's self-building agenda, minutes."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.access import HasRole, access_rule
from audit.roles import Role
from core.db import OutOfRange, Prepared, Run, objects_together
from core.forms import share_choices_among, submit
from core.http import ArkiRequest
from leadership import services
from leadership.forms import (
    CommitmentForm,
    DecisionForm,
    MemberForm,
    ReviewForm,
    TeamForm,
    team_members,
    team_members_rows,
)
from leadership.models import Commitment, LeadershipTeam, TeamMeeting, TeamMember

if TYPE_CHECKING:
    from accounts.models import User

LEADERS = HasRole((Role.LEADERSHIP_MEMBER, Role.DEVELOPER_WORKER))
# Who keeps the teams: creates them, sets the rhythm, adds and removes members.
KEEPERS = HasRole((Role.DEVELOPER_WORKER, Role.ADMINISTRATOR))


def may_keep_teams(user: User) -> bool:
    return bool(KEEPERS.allows_user(user))


def teams_for(user: User) -> QuerySet[LeadershipTeam]:
    """Members see their teams; the developer worker (backbone) sees every team."""
    teams = LeadershipTeam.objects.select_related("area", "programme")
    if Role.DEVELOPER_WORKER in user.roles:
        return teams
    return teams.filter(Q(members__user=user, members__is_active=True)).distinct()


def _team(request: ArkiRequest, pk: int) -> LeadershipTeam:
    return get_object_or_404(teams_for(request.user), pk=pk)


# The agenda's meeting with its team, compiled once per process (every agenda page asks it).
_MEETING = Prepared(
    lambda pk: TeamMeeting.objects.filter(pk=pk).select_related(
        "team", "team__programme", "team__area"
    ),
    pk=int,
)


# Whether the user is an active member of the meeting's team (teams_for, asked of one meeting).
_MEMBER_OF_MEETING_TEAM = Prepared(
    lambda user, meeting: TeamMember.objects.filter(
        user_id=user, is_active=True, team__meetings=meeting
    ).values_list("pk")[:1],
    user=int,
    meeting=int,
)


def _meeting(request: ArkiRequest, pk: int) -> TeamMeeting:
    """The meeting of a team the user sees (:func:`teams_for`): the meeting and the user's
    membership of its team read in one wait. 404 for no such meeting, 403 for another team's."""
    sees_every_team = Role.DEVELOPER_WORKER in request.user.roles
    reads = [Run(_MEETING, {"pk": pk})]
    if not sees_every_team:
        reads.append(
            Run(_MEMBER_OF_MEETING_TEAM, {"user": request.user.pk, "meeting": pk}, as_rows=True)
        )
    try:
        found, *membership = objects_together(reads)
    except OutOfRange:
        found, membership = [], []
    if not found:
        raise Http404
    meeting: TeamMeeting = found[0]
    if not sees_every_team and not membership[0]:
        raise PermissionDenied
    return meeting


@access_rule(LEADERS)
def teams(request: ArkiRequest) -> HttpResponse:
    return render(
        request,
        "leadership/teams.html",
        {"teams": teams_for(request.user), "may_keep": may_keep_teams(request.user)},
    )


@access_rule(LEADERS)
def team(request: ArkiRequest, pk: int) -> HttpResponse:
    current = _team(request, pk)
    return render(
        request,
        "leadership/team.html",
        {
            "team": current,
            "members": current.members.filter(is_active=True).select_related("user", "sector"),
            "missing": services.missing_sectors(current),
            "meetings": current.meetings.order_by("starts_at"),
            "changes": current.membership_changes.select_related("member", "by", "sector")[:50],
            "may_keep": may_keep_teams(request.user),
        },
    )


@require_POST
@access_rule(LEADERS)
def schedule(request: ArkiRequest, pk: int) -> HttpResponse:
    current = _team(request, pk)

    def schedule_and_invite() -> tuple[int, int]:
        created = services.schedule_meetings(team=current, by=request.user)
        return len(created), services.invite_members(current)

    submit(
        request,
        None,
        schedule_and_invite,
        lambda counts: (
            _("%(count)s meetings scheduled; the calendar series was sent to %(sent)s members.")
            % {"count": counts[0], "sent": counts[1]}
        ),
    )
    return redirect("leadership:team", pk=current.pk)


@access_rule(LEADERS)
def meeting(request: ArkiRequest, pk: int) -> HttpResponse:
    current = _meeting(request, pk)
    agenda = services.build_agenda(current)
    team = current.team
    indicator_query = urlencode(
        {"programme": team.programme_id, **({"area": team.area_id} if team.area_id else {})}
    )
    members = team_members(team)
    decision_form = DecisionForm(team, members=members)
    commitment_form = CommitmentForm(team, initial={"member": request.user.pk}, members=members)
    # Both forms offer the team's members: read once for the page.
    share_choices_among(
        [(decision_form, "who_informs"), (commitment_form, "member")],
        members,
        rows=lambda: team_members_rows(team),
    )
    return render(
        request,
        "leadership/meeting.html",
        {
            "meeting": current,
            "agenda": agenda,
            "indicator_query": indicator_query,
            "decision_form": decision_form,
            "commitment_form": commitment_form,
            "review_form": ReviewForm(),
        },
    )


@require_POST
@access_rule(LEADERS)
def add_decision(request: ArkiRequest, pk: int) -> HttpResponse:
    current = _meeting(request, pk)
    form = DecisionForm(current.team, request.POST)
    if submit(
        request,
        form,
        lambda: services.record_decision(meeting=current, by=request.user, **form.cleaned_data),
        _("The decision was recorded."),
    ):
        return redirect("leadership:meeting", pk=current.pk)
    messages.error(
        request,
        _("Check the decision: %(errors)s")
        % {"errors": " ".join(str(e) for errs in form.errors.values() for e in errs)},
    )
    return redirect("leadership:meeting", pk=current.pk)


@require_POST
@access_rule(LEADERS)
def add_commitment(request: ArkiRequest, pk: int) -> HttpResponse:
    current = _meeting(request, pk)
    form = CommitmentForm(current.team, request.POST)
    if form.is_valid():
        submit(
            request,
            None,
            lambda: services.record_commitment(
                meeting=current, by=request.user, **form.cleaned_data
            ),
            _("The promise was recorded."),
        )
    else:
        messages.error(request, _("Write what you promise to do before the next meeting."))
    return redirect("leadership:meeting", pk=current.pk)


@require_POST
@access_rule(LEADERS)
def review(request: ArkiRequest, pk: int, commitment_pk: int) -> HttpResponse:
    current = _meeting(request, pk)
    commitment = get_object_or_404(Commitment, pk=commitment_pk, meeting__team=current.team)
    form = ReviewForm(request.POST)
    if form.is_valid():
        submit(
            request,
            None,
            lambda: services.review_commitment(
                commitment=commitment,
                in_meeting=current,
                by=request.user,
                status=form.cleaned_data["status"],
            ),
        )
    else:
        messages.error(request, _("Mark the promise done, not done or carried over."))
    return redirect("leadership:meeting", pk=current.pk)


@require_POST
@access_rule(LEADERS)
def held(request: ArkiRequest, pk: int) -> HttpResponse:
    current = _meeting(request, pk)
    submit(request, None, lambda: services.mark_held(meeting=current, by=request.user))
    return redirect("leadership:meeting", pk=current.pk)


@access_rule(LEADERS)
def minutes(request: ArkiRequest, pk: int) -> HttpResponse:
    current = _meeting(request, pk)
    return render(request, "leadership/minutes.html", services.minutes_context(current))


@access_rule(LEADERS)
def minutes_pdf(request: ArkiRequest, pk: int) -> HttpResponse:
    current = _meeting(request, pk)
    response = HttpResponse(services.render_minutes_pdf(current), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="minutes-{current.pk}.pdf"'
    return response


@require_POST
@access_rule(LEADERS)
def publish(request: ArkiRequest, pk: int) -> HttpResponse:
    current = _meeting(request, pk)
    submit(
        request,
        None,
        lambda: services.publish_minutes(meeting=current, by=request.user),
        _("The minutes were published to staff as a bulletin."),
    )
    return redirect("leadership:minutes", pk=current.pk)


def _after_keeping(request: ArkiRequest, team: LeadershipTeam) -> HttpResponse:
    """Back to the team page when this user may open it, else to the team's keeping page."""
    if LEADERS.allows_user(request.user) and teams_for(request.user).filter(pk=team.pk).exists():
        return redirect("leadership:team", pk=team.pk)
    return redirect("leadership:team_edit", pk=team.pk)


@access_rule(KEEPERS)
def team_new(request: ArkiRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    created = submit(
        request,
        form,
        lambda: services.create_team(by=request.user, **form.cleaned_data),
        _("The leadership team was created. Add its members."),
    )
    if created:
        return _after_keeping(request, created.value)
    return render(request, "leadership/team_form.html", {"form": form, "team": None})


@access_rule(KEEPERS)
def team_edit(request: ArkiRequest, pk: int) -> HttpResponse:
    current = get_object_or_404(LeadershipTeam, pk=pk)
    form = TeamForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        if submit(
            request,
            form,
            lambda: services.update_team(current, by=request.user, **form.cleaned_data),
            _("The leadership team was saved."),
        ):
            return _after_keeping(request, current)
    else:
        current.refresh_from_db()  # an invalid form must not leave its values on the team
    return render(
        request,
        "leadership/team_form.html",
        {
            "form": form,
            "team": current,
            "members": current.members.filter(is_active=True).select_related("user", "sector"),
            "changes": current.membership_changes.select_related("member", "by", "sector")[:50],
            # The sectors the programme names that the team still lacks, with "add" links.
            "missing": services.missing_sectors(current),
            "may_keep": True,
        },
    )


@access_rule(KEEPERS)
def add_member(request: ArkiRequest, pk: int) -> HttpResponse:
    current = get_object_or_404(LeadershipTeam, pk=pk)
    candidates = services.member_candidates(current)
    initial = {}
    if request.GET.get("sector", "").isdigit():
        initial["sector"] = int(request.GET["sector"])
    form = MemberForm(candidates, request.POST or None, initial=initial)
    if submit(
        request,
        form,
        lambda: services.add_member(team=current, by=request.user, **form.cleaned_data),
        lambda _member: _("%(name)s was added to the team.") % {"name": form.cleaned_data["user"]},
    ):
        return _after_keeping(request, current)
    return render(
        request,
        "leadership/member_form.html",
        {"form": form, "team": current, "missing": services.missing_sectors(current)},
    )


def _member(pk: int, member_pk: int) -> TeamMember:
    return get_object_or_404(
        TeamMember.objects.select_related("team", "user", "sector"), pk=member_pk, team_id=pk
    )


@require_POST
@access_rule(KEEPERS)
def remove_member(request: ArkiRequest, pk: int, member_pk: int) -> HttpResponse:
    member = _member(pk, member_pk)
    submit(
        request,
        None,
        lambda: services.remove_member(member=member, by=request.user),
        _("%(name)s was removed from the team.") % {"name": member},
    )
    return redirect("leadership:team_edit", pk=member.team_id)


@require_POST
@access_rule(KEEPERS)
def make_chair(request: ArkiRequest, pk: int, member_pk: int) -> HttpResponse:
    member = _member(pk, member_pk)
    submit(
        request,
        None,
        lambda: services.make_chair(member=member, by=request.user),
        _("%(name)s chairs the team.") % {"name": member},
    )
    return redirect("leadership:team_edit", pk=member.team_id)
