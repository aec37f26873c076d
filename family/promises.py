"""The family member's "Done" button: they tell through their plan page that their own promise is
done. The promise stays open until the network confirms it ("kept") at its next meeting."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.access import access_rule, record_access, require_access
from audit.models import Basis
from audit.policy import FamilyLinkAction
from core.errors import ValidationError
from core.http import PublicRequest
from family import services
from family.access import FAMILY_LINK, Door
from family.views import enter
from meetings import services as meeting_services
from meetings.models import Promise, PromiseStatus


@require_POST
@access_rule(FAMILY_LINK, FamilyLinkAction.REPORT_PROMISE_DONE)
def promise_done(request: PublicRequest, token: str, promise_pk: int) -> HttpResponse:
    return _report_done(request, enter(request, token, None), promise_pk)


@require_POST
@access_rule(FAMILY_LINK, FamilyLinkAction.REPORT_PROMISE_DONE)
def me_promise_done(request: PublicRequest, participant_pk: int, promise_pk: int) -> HttpResponse:
    return _report_done(request, enter(request, None, participant_pk), promise_pk)


def _report_done(
    request: PublicRequest, door: Door | HttpResponse, promise_pk: int
) -> HttpResponse:
    """Only the participant's own open promise: any other promise, unknown or someone else's
    alike, is refused (403), the refusal logged, and nothing written."""
    if isinstance(door, HttpResponse):
        return door
    participant = door.participant
    network = participant.network
    label = services.holder_label(participant)
    promise = Promise.objects.filter(
        pk=promise_pk, participant=participant, network=network, status=PromiseStatus.OPEN
    ).first()
    if promise is None:
        record_access(
            actor=None,
            subject=network,
            action=FamilyLinkAction.REPORT_PROMISE_DONE.log_action("POST"),
            basis=Basis.STRONG_IDENTIFICATION if door.identified else Basis.FAMILY_LINK,
            success=False,
            request_id=getattr(request, "request_id", ""),
            view_name=str(getattr(request.resolver_match, "view_name", "")),
            actor_label=label,
        )
        raise PermissionDenied
    require_access(request, participant, FamilyLinkAction.REPORT_PROMISE_DONE, actor_label=label)
    with translation.override(network.family_language):
        try:
            meeting_services.report_promise_done(promise=promise, participant=participant)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Thank you! The promise is marked done. It is confirmed at the next meeting."),
            )
    return redirect(door.url("plan"))
