"""Preparing the meeting together: before a planned meeting starts, a family member tells through
their plan page, in their own words, what goes well, what worries them, what they wish from the
meeting and whom they want there; and the child or young person their own view, with a parent's
help if they like. The coordinator sees it on the network page and in the meeting record, marked
as the family's own words (never in the memo PDF: see ``meetings.preparation``).

Only family members prepare; an outside professional with a personal link does not. What ends
ends here too: ``enter`` and ``require_access`` refuse a removed or banned participant, a
withdrawn consent, a closed network or an ended link on every request.

``family.views.enter`` is imported in the views: the plan page there imports
:func:`plan_context` from here.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from audit.access import access_rule, record_access, require_access
from audit.models import Basis
from audit.policy import FamilyLinkAction
from core.forms import submit
from core.http import PublicRequest
from family import services
from family.access import FAMILY_LINK, Door
from family.forms import PrepareForm
from meetings.models import FamilyPreparation
from meetings.preparation import (
    ANSWER_FIELDS,
    preparation_of,
    preparation_open,
    save_preparation,
)
from networks.models import Meeting, Participant


def plan_context(
    door: Door, next_meeting: Meeting | None, preparations: list[FamilyPreparation] | None = None
) -> dict[str, Any]:
    """What the plan page's preparation card (family/_prepare_card.html) needs: nothing without
    a planned next meeting, or for a participant who is not a family member.

    ``preparations``: the participant's, as :func:`meetings.preparation.preparations_read`
    read them with the page's other reads (None: the next meeting's is read here)."""
    participant = door.participant
    if next_meeting is None or not participant.kind.is_family:
        return {}
    answers = (
        preparation_of(next_meeting, participant)
        if preparations is None
        else next((p for p in preparations if p.meeting_id == next_meeting.pk), None)
    )
    return {
        "preparation": {
            "meeting": next_meeting,
            "url": door.url("prepare", next_meeting.pk),
            "answers": answers,
            "open": preparation_open(next_meeting),
        }
    }


@access_rule(FAMILY_LINK, FamilyLinkAction.PREPARE_MEETING)
def prepare(request: PublicRequest, token: str, meeting_pk: int) -> HttpResponse:
    from family.views import enter

    return _prepare(request, enter(request, token, None), meeting_pk)


@access_rule(FAMILY_LINK, FamilyLinkAction.PREPARE_MEETING)
def me_prepare(request: PublicRequest, participant_pk: int, meeting_pk: int) -> HttpResponse:
    from family.views import enter

    return _prepare(request, enter(request, None, participant_pk), meeting_pk)


def _refuse(request: PublicRequest, door: Door) -> None:
    """Log a refused preparation against the network (nothing is shown or written)."""
    participant = door.participant
    record_access(
        actor=None,
        subject=participant.network,
        action=FamilyLinkAction.PREPARE_MEETING.log_action(request.method or "GET"),
        basis=Basis.STRONG_IDENTIFICATION if door.identified else Basis.FAMILY_LINK,
        success=False,
        request_id=getattr(request, "request_id", ""),
        view_name=str(getattr(request.resolver_match, "view_name", "")),
        actor_label=services.holder_label(participant),
    )


def _prepare(request: PublicRequest, door: Door | HttpResponse, meeting_pk: int) -> HttpResponse:
    """The preparation form of one meeting of the member's network: open until the meeting
    starts, afterwards what they wrote, read-only. Another network's meeting, an unknown one or
    a participant who is not a family member is refused (403) and the refusal logged; so is a
    change after the meeting started (nothing is written)."""
    if isinstance(door, HttpResponse):
        return door
    participant = door.participant
    network = participant.network
    meeting = (
        Meeting.objects.select_related("network").filter(pk=meeting_pk, network=network).first()
    )
    if meeting is None or not participant.kind.is_family:
        _refuse(request, door)
        raise PermissionDenied
    is_open = preparation_open(meeting)
    if request.method == "POST" and not is_open:
        _refuse(request, door)
        with translation.override(network.family_language):
            return render(
                request,
                "family/prepare_closed.html",
                {
                    "meeting": meeting,
                    "plan_url": door.url("plan"),
                    "url": door.url("prepare", meeting.pk),
                },
                status=403,
            )
    require_access(
        request,
        participant,
        FamilyLinkAction.PREPARE_MEETING,
        actor_label=services.holder_label(participant),
    )
    existing = preparation_of(meeting, participant)
    with translation.override(network.family_language):
        form = PrepareForm(
            request.POST if request.method == "POST" else None,
            initial=_initial(existing),
        )
        saved = submit(
            request,
            form,
            lambda: _save(meeting, participant, form),
            _("Thank you. Your answers were sent to the coordinator."),
        )
        if saved:
            return redirect(door.url("plan"))
        return render(
            request,
            "family/prepare.html",
            {
                "door": door,
                "network": network,
                "participant": participant,
                "meeting": meeting,
                "form": form,
                "answers": existing,
                "is_open": is_open,
                "plan_url": door.url("plan"),
            },
        )


def _initial(existing: FamilyPreparation | None) -> dict[str, str]:
    if existing is None:
        return {}
    return {name: getattr(existing, name) for name in ANSWER_FIELDS}


def _save(
    meeting: Meeting, participant: Participant, form: PrepareForm
) -> FamilyPreparation | None:
    answer = {name: form.cleaned_data.get(name) or "" for name in ANSWER_FIELDS}
    return save_preparation(
        meeting,
        participant,
        goes_well=answer["goes_well"],
        worries=answer["worries"],
        wishes=answer["wishes"],
        who_to_invite=answer["who_to_invite"],
        child_view=answer["child_view"],
    )
