"""The personal link's read-only pages (the plan and one's own memo copies) for a family member
or a professional without an Arki account, and the coordinator's link management."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.access import (
    access_rule,
    record_access,
    record_disclosure,
    record_or_refuse,
    require_access,
    shows_no_personal_data,
)
from audit.models import Action, Basis, DisclosureChannel
from audit.policy import FamilyLinkAction, NetworkAction
from core.db import Prepared, Run, objects_together
from core.forms import submit
from core.http import ArkiRequest, PublicRequest
from family import services
from family.access import (
    FAMILY_LINK,
    Door,
    identified_participants,
    identity_in_session,
    open_in_session,
    opened_in_session,
)
from family.forms import CodeForm
from family.models import FamilyLink
from family.prepare import plan_context
from meetings.memo import render_memo_pdf
from meetings.models import Goal, GoalOwner, MeetingRecord, PromiseStatus
from meetings.preparation import preparations_read
from meetings.services import goal_progress
from networks import consent
from networks.access import NETWORK
from networks.models import Meeting, MeetingStatus, Network, Participant
from networks.selectors import next_meeting, preload_and_read, preloaded
from networks.timeline import network_timeline


@access_rule(FAMILY_LINK, FamilyLinkAction.OPEN_PLAN)
def plan(request: PublicRequest, token: str) -> HttpResponse:
    """The personal link: asks the one-time code, then shows the plan and its memos."""
    link = services.find_link(token)
    if link is None:
        raise Http404
    participant = link.participant
    network = participant.network
    label = services.holder_label(participant)
    if request.method == "POST":
        form = CodeForm(request.POST)
        result = (
            services.verify_code(link, form.data.get("code", ""))
            if form.is_valid()
            else services.CodeResult.WRONG
        )
        if result == services.CodeResult.OPENED:
            open_in_session(request, link)
            shows_no_personal_data(request)
            return redirect("family:plan", token=token)
        record_access(
            actor=None,
            subject=network,
            action=Action.VIEW,
            basis=Basis.FAMILY_LINK,
            success=False,
            request_id=getattr(request, "request_id", ""),
            view_name="family:plan",
            actor_label=label,
        )
        shows_no_personal_data(request)
        link.refresh_from_db()
        return render(
            request,
            "family/code.html",
            {
                "form": form,
                "result": result,
                "attempts_left": max(0, services.MAX_ATTEMPTS - link.failed_attempts),
            },
            status=403 if result != services.CodeResult.WRONG else 200,
        )
    if not link.is_usable:
        return _link_ended(request, link)
    if not opened_in_session(request, link):  # usable: checked just above
        shows_no_personal_data(request)
        return render(request, "family/code.html", {"form": CodeForm(), "result": None})
    return _show_plan(request, Door(participant, token=token, link=link))


@access_rule(FAMILY_LINK, FamilyLinkAction.OPEN_PLAN)
def me_plan(request: PublicRequest, participant_pk: int) -> HttpResponse:
    """The plan of a strongly identified family member."""
    door = enter(request, None, participant_pk)
    if isinstance(door, HttpResponse):
        return door
    return _show_plan(request, door)


def enter(
    request: PublicRequest, token: str | None, participant_pk: int | None
) -> Door | HttpResponse:
    """The door a family page was reached by, or the response that refuses or asks first.

    By a personal link: an unknown link is 404, an ended one says so, an unverified one asks
    its code. By strong identification: without it in this session the sign-in page; a
    participation that is not the identified person's is refused (403) and logged."""
    if token is not None:
        link = services.find_link(token)
        if link is None:
            raise Http404
        if not link.is_usable:  # removed, banned, consent withdrawn, revoked, expired, locked
            return _link_ended(request, link)
        if not opened_in_session(request, link):  # usable: checked just above
            shows_no_personal_data(request)
            return redirect("family:plan", token=token)
        return Door(link.participant, token=token, link=link)
    if participant_pk is None:  # neither door named: no page answers that
        raise Http404
    if identity_in_session(request) is None:
        shows_no_personal_data(request)
        return redirect("family:mine")
    participant = (
        Participant.objects.select_related("network", "network__programme", "kind")
        .filter(pk=participant_pk)
        .first()
    )
    if participant is None or participant not in identified_participants(request):
        shows_no_personal_data(request)
        if participant is not None:
            record_access(
                actor=None,
                subject=participant.network,
                action=Action.VIEW,
                basis=Basis.STRONG_IDENTIFICATION,
                success=False,
                request_id=getattr(request, "request_id", ""),
                view_name=str(getattr(request.resolver_match, "view_name", "")),
                actor_label="strongly-identified",
            )
        raise PermissionDenied
    return Door(participant)


def _show_plan(request: PublicRequest, door: Door) -> HttpResponse:
    participant = door.participant
    network = participant.network
    require_access(
        request,
        participant,
        FamilyLinkAction.OPEN_PLAN,
        actor_label=services.holder_label(participant),
    )
    # Meetings, contacts, children, goals, promises (read once, shown twice), the consents the
    # memos depend on, an unused feedback link and the family's preparations: one wait.
    consents, invitations, preparations, recorded = preload_and_read(
        network,
        consent.memo_stopped_read(network),
        open_feedback_read(participant),
        preparations_read(participant),
        Run(_RECORDED_MEETINGS, {"network": network.pk}, as_rows=True),
    )
    memo_stopped = consent.memo_stopped(network, consents)
    _, goals = goal_progress(network)
    coming = next_meeting(network)
    open_promises = sorted(
        (p for p in preloaded(network, "promises") or [] if p.status == PromiseStatus.OPEN),
        key=lambda p: (p.due, p.pk),
    )
    with translation.override(network.family_language):
        return render(
            request,
            "family/plan.html",
            {
                "door": door,
                "network": network,
                "participant": participant,
                "coordinator": network.coordinator,
                "goal_groups": family_goal_groups(goals),
                "own_promises": [
                    (promise, door.url("promise_done", promise.pk))
                    for promise in open_promises
                    if promise.participant_id == participant.pk
                ],
                "others_promises": [
                    promise for promise in open_promises if promise.participant_id != participant.pk
                ],
                "next_meeting": coming,
                "timeline": network_timeline(network, family_view=True),
                "feedback": open_feedback_link(participant, invitations),
                "memo_stopped": memo_stopped,
                "memos": []
                if memo_stopped
                else [
                    (meeting, door.url("memo", meeting.pk))
                    for meeting in _memo_meetings_of(network, {pk for (pk,) in recorded})
                ],
                **plan_context(door, coming, preparations),
            },
        )


@dataclass(frozen=True)
class FamilyGoal:
    """A goal as the family's plan shows it: the latest rating and the ratings so far."""

    goal: Goal
    latest: int | None
    history: list[int]


def family_goal_groups(
    rows: list[tuple[Goal, list[int | None]]],
) -> list[tuple[str, list[FamilyGoal]]]:
    """Each child's own goals under the child's name, in the order the children were added,
    then the parents' (or the client's) goals: a list a parent reads on a phone, no table."""
    groups: dict[object, tuple[str, list[FamilyGoal]]] = {}
    for goal, ratings in rows:
        if goal.child is not None:
            key: object = goal.child_id
            heading = goal.child.name
        elif goal.owner == GoalOwner.PARENTS:
            key, heading = GoalOwner.PARENTS, _("The parents' goals")
        elif goal.owner == GoalOwner.CLIENT:
            key, heading = GoalOwner.CLIENT, _("Your goals")
        else:
            key, heading = GoalOwner.CHILD, _("The child's goals")
        history = [rating for rating in ratings if rating is not None]
        item = FamilyGoal(goal, history[-1] if history else None, history)
        groups.setdefault(key, (heading, []))[1].append(item)
    return list(groups.values())


@access_rule(FAMILY_LINK, FamilyLinkAction.OPEN_PLAN)
def mine(request: PublicRequest) -> HttpResponse:
    """A strongly identified family member's plans: every network they are part of. Without
    identification, the sign-in page (Suomi.fi, or the personal link the coordinator sent).

    The list names each network (the children's names): each listed one is asked of the policy
    and writes its access-log row, as opening it would."""
    shows_no_personal_data(request)
    identity = identity_in_session(request)
    if identity is None:
        return render(request, "family/sign_in.html", {})
    participants = identified_participants(request)
    if len(participants) == 1:
        return redirect("family:me_plan", participant_pk=participants[0].pk)
    for participant in participants:
        require_access(
            request,
            participant,
            FamilyLinkAction.OPEN_PLAN,
            actor_label=services.holder_label(participant),
        )
    return render(
        request,
        "family/mine.html",
        {"participants": participants, "name": identity.get("name", "")},
    )


def _link_ended(request: PublicRequest, link: FamilyLink) -> HttpResponse:
    """A link that no longer opens says so, and shows nothing of the plan."""
    shows_no_personal_data(request)
    result = services.CodeResult.LOCKED if link.locked_at else services.CodeResult.UNUSABLE
    return render(request, "family/code.html", {"form": None, "result": result}, status=403)


def _memo_meetings(network: Network) -> QuerySet[Meeting]:
    """The held meetings whose memo the link's holder may download: those with a record."""
    return network.meetings.filter(status=MeetingStatus.HELD, record__isnull=False).order_by(
        "-starts_at"
    )


# The network's meetings that have a record, read with the plan's other rows (compiled once).
_RECORDED_MEETINGS = Prepared(
    lambda network: MeetingRecord.objects.filter(meeting__network_id=network).values_list(
        "meeting_id"
    ),
    network=int,
)


def _memo_meetings_of(network: Network, recorded: set[int]) -> list[Meeting]:
    """:func:`_memo_meetings` from the preloaded meetings and the ids of those with a record."""
    return sorted(
        (
            meeting
            for meeting in network.meetings.all()
            if meeting.status == MeetingStatus.HELD and meeting.pk in recorded
        ),
        key=lambda meeting: meeting.starts_at,
        reverse=True,
    )


@access_rule(FAMILY_LINK, FamilyLinkAction.READ_OWN_MEMO)
def memo(request: PublicRequest, token: str, meeting_pk: int) -> HttpResponse:
    return _memo(request, enter(request, token, None), meeting_pk)


@access_rule(FAMILY_LINK, FamilyLinkAction.READ_OWN_MEMO)
def me_memo(request: PublicRequest, participant_pk: int, meeting_pk: int) -> HttpResponse:
    return _memo(request, enter(request, None, participant_pk), meeting_pk)


def _memo(request: PublicRequest, door: Door | HttpResponse, meeting_pk: int) -> HttpResponse:
    """The family member's own copy of a held meeting's memo (PDF), in the network's language.

    Without a verified code the link's plan page asks for it first. A meeting that is not a held
    meeting of this participant's network, unknown or someone else's alike, is refused (403) and
    the refusal is logged; so is a memo whose distribution the family's withdrawal stopped."""
    if isinstance(door, HttpResponse):
        return door
    participant = door.participant
    network = participant.network
    label = services.holder_label(participant)
    meeting = _memo_meetings(network).filter(pk=meeting_pk).first()
    if meeting is None or consent.memo_stopped(network):
        record_access(
            actor=None,
            subject=network,
            action=FamilyLinkAction.READ_OWN_MEMO.logged_as,
            basis=Basis.STRONG_IDENTIFICATION if door.identified else Basis.FAMILY_LINK,
            success=False,
            request_id=getattr(request, "request_id", ""),
            view_name="family:me_memo" if door.identified else "family:memo",
            actor_label=label,
        )
        raise PermissionDenied
    basis = require_access(request, participant, FamilyLinkAction.READ_OWN_MEMO, actor_label=label)
    language = network.family_language
    pdf = render_memo_pdf(meeting, language, recipient=participant)
    record_disclosure(
        actor=None,
        subject=network,
        data=f"meeting memo {meeting.pk} ({language}), the own copy through the personal link",
        recipient=f"participant {participant.pk}",
        channel=DisclosureChannel.DOWNLOAD,
        basis=basis,
        request_id=getattr(request, "request_id", ""),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="arki-memo-{meeting.pk}.pdf"'
    return response


def open_feedback_link(participant: Participant, rows: list[Any] | None = None) -> str | None:
    """The family member's newest unused feedback link, if any (``rows``: those of
    :func:`open_feedback_read`, read with the page's others; None: read here)."""
    from django.urls import reverse

    from feedback.services import token_for

    if rows is None:
        rows = objects_together([open_feedback_read(participant)])[0]
    invitation = rows[0] if rows else None
    return reverse("feedback:answer", args=[token_for(invitation)]) if invitation else None


def open_feedback_read(participant: Participant) -> Run:
    """The read of :func:`open_feedback_link`."""
    from django.utils import timezone

    return Run(
        _OPEN_FEEDBACK,
        {"participant": participant.pk, "now": timezone.now()},
        {"participant": participant},
    )


def _open_feedback(participant: int, now: datetime) -> QuerySet[Any]:
    from feedback.models import FeedbackInvitation

    return FeedbackInvitation.objects.filter(
        participant_id=participant, used_at__isnull=True, expires_at__gt=now
    ).order_by("-sent_at")[:1]


_OPEN_FEEDBACK = Prepared(_open_feedback, participant=int, now=datetime)


def _participant(request: ArkiRequest, pk: int, participant_pk: int) -> Participant:
    # The network first: an unknown network number is refused as a forbidden one.
    network = record_or_refuse(Network, pk=pk)
    require_access(request, network, NetworkAction.MANAGE_FAMILY_LINKS)
    return get_object_or_404(
        Participant.objects.select_related("network", "kind"), pk=participant_pk, network=network
    )


@require_POST
@access_rule(NETWORK, NetworkAction.MANAGE_FAMILY_LINKS)
def create_link(request: ArkiRequest, pk: int, participant_pk: int) -> HttpResponse:
    """A new personal link; the code is shown here once, or sent by text message when the
    coordinator chose that button (``code=sms``): then only the link is shown."""
    participant = _participant(request, pk, participant_pk)
    by_sms = request.POST.get("code") == "sms"
    created = submit(
        request,
        None,
        lambda: services.create_link(participant=participant, by=request.user, code_by_sms=by_sms),
    )
    if not created:
        return redirect("networks:detail", pk=pk)
    issued = created.value
    url = request.build_absolute_uri(f"/family/{issued.token}/")
    return render(
        request,
        "family/issued.html",
        {
            "participant": participant,
            "url": url,
            "code": None if by_sms else issued.code,
            "sent_to": participant.mobile_hint if by_sms else "",
            "link": issued.link,
        },
    )


@require_POST
@access_rule(NETWORK, NetworkAction.MANAGE_FAMILY_LINKS)
def new_code(request: ArkiRequest, pk: int, participant_pk: int, link_pk: int) -> HttpResponse:
    participant = _participant(request, pk, participant_pk)
    link = get_object_or_404(FamilyLink, pk=link_pk, participant=participant)
    by_sms = request.POST.get("code") == "sms"
    code = submit(
        request,
        None,
        lambda: services.new_code(link=link, by=request.user, code_by_sms=by_sms),
    )
    if not code:
        return redirect("networks:detail", pk=pk)
    return render(
        request,
        "family/issued.html",
        {
            "participant": participant,
            "url": None,
            "code": None if by_sms else code.value,
            "sent_to": participant.mobile_hint if by_sms else "",
            "link": link,
        },
    )


@require_POST
@access_rule(NETWORK, NetworkAction.MANAGE_FAMILY_LINKS)
def revoke(request: ArkiRequest, pk: int, participant_pk: int, link_pk: int) -> HttpResponse:
    participant = _participant(request, pk, participant_pk)
    link = get_object_or_404(FamilyLink, pk=link_pk, participant=participant)
    services.revoke(link=link, by=request.user)
    messages.success(request, _("The link was revoked. It no longer opens."))
    return redirect("networks:detail", pk=pk)
