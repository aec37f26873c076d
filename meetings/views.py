"""Meeting records, memos, promises and closing. Thin: parse, authorise, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit import policy
from audit.access import (
    SIGNED_IN,
    Listed,
    access_rule,
    record_accesses,
    record_disclosure,
    record_or_refuse,
    require_access,
)
from audit.models import Action, Basis, DisclosureChannel
from audit.policy import MeetingAction, NetworkAction, Permission
from core.forms import submit
from core.http import ArkiRequest
from meetings import memo, preparation, services
from meetings.forms import CloseNetworkForm, MeetingRecordForm, ResolvePromisesForm, read_form_rows
from meetings.models import MeetingRecord, Promise, PromiseStatus
from networks import consent
from networks.access import NETWORK, meeting_or_refuse, preload_network_bases
from networks.models import Meeting, Network

PAGE_SIZE = services.PROMISES_PER_PAGE


def _meeting(request: ArkiRequest, meeting_pk: int, action: Permission) -> tuple[Meeting, Basis]:
    meeting = meeting_or_refuse(request.user, meeting_pk)
    return meeting, require_access(request, meeting, action)


@access_rule(NETWORK, MeetingAction.RECORD)
def record(request: ArkiRequest, meeting_pk: int) -> HttpResponse:
    """Write the meeting record: the view, goals, life areas, promises and their review."""
    meeting, _basis = _meeting(request, meeting_pk, MeetingAction.RECORD)
    network = meeting.network
    rows = read_form_rows(meeting)
    posted = request.method == "POST"
    # A POST is bound to what was sent; the saved values fill only the form shown by a GET.
    form = MeetingRecordForm(
        network,
        meeting,
        rows,
        request.POST or None,
        initial=None
        if posted
        else _initial(meeting, MeetingRecord.objects.filter(meeting=meeting).first()),
    )
    try:
        if submit(
            request,
            form,
            lambda: services.save_meeting_record(
                meeting=meeting,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                data=form.to_input(),
            ),
            _("The meeting record was saved."),
        ):
            return redirect("networks:detail", pk=network.pk)
    except services.StaleRecord as stale:
        labels = [
            str(form.fields[name].label) if name in form.fields else name for name in stale.changed
        ]
        # Keep the user's input, now based on the saved version, and say what changed.
        data = request.POST.copy()
        data["version"] = str(MeetingRecord.objects.get(meeting=meeting).version)
        # Read again: the other save may have added goals or children.
        form = MeetingRecordForm(network, meeting, read_form_rows(meeting), data)
        form.is_valid()
        form.add_error(
            None,
            _(
                "%(name)s saved this record while you were writing. Changed: %(parts)s. "
                "Your text is kept below: check it against the saved record and save again."
            )
            % {"name": stale.saved_by, "parts": ", ".join(labels) or "–"},
        )
    return render(
        request,
        "meetings/record.html",
        {
            "network": network,
            "meeting": meeting,
            "form": form,
            # Read-only, the family's own words; never copied into the memo.
            "family_preparations": preparation.preparations_for(meeting),
        },
    )


def _initial(meeting: Meeting, existing: MeetingRecord | None) -> dict[str, object]:
    if existing is not None:
        initial: dict[str, object] = {
            "version": existing.version,
            "present": list(existing.present.all()),
            "family_view": existing.family_view,
            "self_rating": existing.self_rating,
            "common_goal": existing.common_goal,
            "protective_factors": existing.protective_factors,
        }
        for view in existing.child_views.all():
            initial[f"childview-{view.child_id}"] = view.text
        for note in existing.life_areas.all():
            initial[f"la-{note.life_area_id}-strengths"] = note.strengths
            initial[f"la-{note.life_area_id}-vulnerabilities"] = note.vulnerabilities
        for rating in meeting.network.goals.filter(ratings__meeting=meeting).values(
            "pk", "ratings__rating"
        ):
            initial[f"goal-{rating['pk']}-rating"] = rating["ratings__rating"]
        return initial
    previous = (
        MeetingRecord.objects.filter(meeting__network=meeting.network)
        .order_by("-meeting__starts_at")
        .first()
    )
    return {
        "version": 0,
        "present": list(meeting.network.participants.filter(removed_at__isnull=True)),
        "common_goal": previous.common_goal if previous else meeting.network.programme.common_goal,
        "protective_factors": previous.protective_factors if previous else "",
    }


@access_rule(NETWORK, MeetingAction.READ_MEMO)
def memo_page(request: ArkiRequest, meeting_pk: int) -> HttpResponse:
    meeting, _basis = _meeting(request, meeting_pk, MeetingAction.READ_MEMO)
    language = memo.memo_language(request.GET.get("lang"), meeting)
    # Own copies with a personal feedback link: for those who hand them to the family.
    family_copies = (
        list(consent.receiving(meeting.network.participants.filter(kind__is_family=True)))
        if policy.may(request.user, meeting, MeetingAction.PRINT_FAMILY_COPY)
        and not consent.memo_stopped(meeting.network)
        else []
    )
    with translation.override(language):
        return render(
            request,
            "meetings/memo.html",
            {
                **memo.memo_context(meeting),
                "language": language,
                "memo_languages": memo.MEMO_LANGUAGES,
                "family_copies": family_copies,
            },
        )


@access_rule(NETWORK, MeetingAction.PRINT_MEMO)
def memo_pdf(request: ArkiRequest, meeting_pk: int) -> HttpResponse:
    """Download the memo as PDF; every download is written to the disclosure log."""
    meeting, basis = _meeting(request, meeting_pk, MeetingAction.PRINT_MEMO)
    if consent.memo_stopped(meeting.network):
        messages.error(request, meeting.network.programme.words.consent_withdrawn_memo)
        return redirect("meetings:memo", meeting_pk=meeting.pk)
    language = memo.memo_language(request.GET.get("lang"), meeting)
    pdf = memo.render_memo_pdf(meeting, language)
    record_disclosure(
        actor=request.user,
        subject=meeting.network,
        data=f"meeting memo {meeting.pk} ({language})",
        recipient=request.user.get_full_name() or str(request.user),
        channel=DisclosureChannel.DOWNLOAD,
        basis=basis,
        request_id=getattr(request, "request_id", ""),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="arki-memo-{meeting.pk}.pdf"'
    return response


@access_rule(NETWORK, MeetingAction.PRINT_FAMILY_COPY)
def memo_family_copy(request: ArkiRequest, meeting_pk: int, participant_pk: int) -> HttpResponse:
    """One family member's own copy of the memo, with a QR code of their own feedback link: for
    the coordinator to hand over, e.g. to a parent without email. Never for a family member
    whose access has ended (removed, banned, consent withdrawn)."""
    meeting, basis = _meeting(request, meeting_pk, MeetingAction.PRINT_FAMILY_COPY)
    participant = get_object_or_404(
        consent.receiving(meeting.network.participants.filter(kind__is_family=True)),
        pk=participant_pk,
    )
    if consent.memo_stopped(meeting.network):
        messages.error(request, meeting.network.programme.words.consent_withdrawn_memo)
        return redirect("meetings:memo", meeting_pk=meeting.pk)
    language = memo.memo_language(request.GET.get("lang"), meeting)
    pdf = memo.render_memo_pdf(meeting, language, recipient=participant)
    record_disclosure(
        actor=request.user,
        subject=meeting.network,
        data=f"meeting memo {meeting.pk} ({language}), the own copy with the feedback link",
        recipient=f"participant {participant.pk}",
        channel=DisclosureChannel.PRINT,
        basis=basis,
        request_id=getattr(request, "request_id", ""),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="arki-memo-{meeting.pk}-{participant.pk}.pdf"'
    )
    return response


@require_POST
@access_rule(NETWORK, NetworkAction.MARK_OWN_PROMISE_DONE)
def promise_done(request: ArkiRequest, promise_pk: int) -> HttpResponse:
    """The one who promised marks it done from "My promises"."""
    promise = record_or_refuse(Promise.objects.select_related("network"), pk=promise_pk)
    require_access(request, promise.network, NetworkAction.MARK_OWN_PROMISE_DONE)
    submit(
        request,
        None,
        lambda: services.mark_promise_done(promise=promise, by=request.user),
        _("The promise was marked done. The network sees it at its next meeting."),
    )
    # Back to the page the promise was on (past the end now: the list's last page).
    number = request.POST.get("page", "")
    if number.isascii() and number.isdecimal() and len(number) < 7 and int(number) > 1:
        return redirect(f"{reverse('meetings:my_promises')}?page={int(number)}")
    return redirect("meetings:my_promises")


@access_rule(SIGNED_IN)
def my_promises(request: ArkiRequest) -> HttpResponse:
    """Each professional's open promises across networks, soonest first, a page at a time; none
    where a removal, a ban or a withdrawal has ended their participation (so none are logged as
    listed either). Each network on the page shown is logged as listed."""
    page = services.my_open_promises_page(request.user, request.GET.get("page"), PAGE_SIZE)
    # Every network listed on this page, each once; decided on without a query per network.
    networks = list({promise.network_id: promise.network for promise in page}.values())
    preload_network_bases(request.user, networks)
    # Logged on the basis the user reads each network on (a coordinator who is also a
    # participant keeps their promises after a withdrawal, as the coordinator): one row per
    # network, written together.
    decisions = [
        (network, policy.decide(request.user, network, NetworkAction.READ, request))
        for network in networks
    ]
    record_accesses(
        actor=request.user,
        listed=[
            Listed(network, decision.logged_basis, decision.granted)
            for network, decision in decisions
        ],
        action=Action.LIST,
        request_id=getattr(request, "request_id", ""),
        view_name="meetings:my_promises",
    )
    return render(
        request, "meetings/my_promises.html", {"page": page, "promises": page.object_list}
    )


@access_rule(NETWORK, NetworkAction.CLOSE)
def close(request: ArkiRequest, pk: int) -> HttpResponse:
    """Close the work together with the family: open promises are resolved first."""
    network = record_or_refuse(Network, pk=pk)
    require_access(request, network, NetworkAction.CLOSE)
    form = CloseNetworkForm(request.POST or None, programme=network.programme)
    resolve_form = ResolvePromisesForm()
    if submit(
        request,
        form,
        lambda: services.close_network(
            network=network,
            by=request.user,
            reason=form.cleaned_data["reason"],
            summary=form.cleaned_data["summary"],
            outcome=form.cleaned_data.get("outcome"),
            self_rating=form.cleaned_data.get("self_rating"),
        ),
        network.programme.words.closed_message,
    ):
        return redirect("networks:detail", pk=network.pk)
    open_promises = Promise.objects.filter(
        network=network, status=PromiseStatus.OPEN
    ).select_related("participant")
    return render(
        request,
        "meetings/close.html",
        {
            "network": network,
            "form": form,
            "resolve_form": resolve_form,
            "open_promises": open_promises,
        },
    )


@require_POST
@access_rule(NETWORK, NetworkAction.CLOSE)
def resolve_promises(request: ArkiRequest, pk: int) -> HttpResponse:
    network = record_or_refuse(Network, pk=pk)
    require_access(request, network, NetworkAction.CLOSE)
    form = ResolvePromisesForm(request.POST)
    if form.is_valid():
        count = services.resolve_open_promises(
            network=network, by=request.user, note=form.cleaned_data["note"]
        )
        messages.success(request, _("%(count)s open promises were resolved.") % {"count": count})
    else:
        messages.error(request, _("Write how the open promises were resolved."))
    return redirect("meetings:close", pk=network.pk)
