"""Network pages: participants, meetings, invitations, the timeline. Thin: parse, authorise, call."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.access import (
    SIGNED_IN,
    HasRole,
    access_rule,
    record_access,
    require_access,
)
from audit.models import Action, Basis
from audit.policy import NetworkAction, Permission
from core.errors import ValidationError
from core.forms import apply_errors, submit
from core.http import ArkiRequest
from core.public_holidays import public_holiday
from networks import consent, services
from networks.access import NETWORK, network_or_refuse, networks_visible_to
from networks.extensions import network_page_context, network_page_reads
from networks.forms import (
    BanForm,
    BreakGlassForm,
    CancelMeetingForm,
    ChildForm,
    ConsentForm,
    FamilyParticipantForm,
    MeetingForm,
    OutsideProfessionalForm,
    ProfessionalParticipantForm,
    ReachingForm,
    WithdrawConsentForm,
)
from networks.models import (
    ConsentRecord,
    DisclosureBan,
    Meeting,
    MeetingStatus,
    Network,
    NetworkStatus,
    Participant,
)
from networks.selectors import (
    concerns_children,
    matching_account,
    meetings_in_order,
    next_meeting,
    on_paper,
    preload_with_participants,
    preloaded,
)
from networks.timeline import network_timeline
from notifications.sms import sms_available

PAGE_SIZE = 50


def _network(request: ArkiRequest, pk: int, action: Permission) -> tuple[Network, Basis]:
    network = network_or_refuse(request.user, pk)
    return network, require_access(request, network, action)


def _manage(request: ArkiRequest, pk: int, action: Permission) -> Network:
    network, _basis = _network(request, pk, action)
    return network


@access_rule(SIGNED_IN)
def my_networks(request: ArkiRequest) -> HttpResponse:
    networks = (
        networks_visible_to(request.user)
        .select_related("area", "programme")
        .order_by("status", "convening_deadline", "pk")
    )
    page = Paginator(networks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "networks/my_networks.html", {"page": page, "networks": page.object_list}
    )


@access_rule(NETWORK, NetworkAction.READ)
def detail(request: ArkiRequest, pk: int) -> HttpResponse:
    network, basis = _network(request, pk, NetworkAction.READ)
    # Meetings, contacts, children, goals, promises (read once, shown twice), the current
    # participants, who may no longer receive anything and what the other apps add (the family's
    # preparations, each participant's latest personal link): read in one wait.
    extension_reads = network_page_reads(network)
    participants, excluded_rows, *extension_rows = preload_with_participants(
        network, consent.excluded_in_read(network), *extension_reads
    )
    # The goals and their chart (meetings), each participant's latest personal link (family).
    context = network_page_context(network, extension_rows)
    latest_link = context.pop("latest_link", {})
    context |= {
        "network": network,
        "basis": basis,
        "promises": preloaded(network, "promises"),
        "participant_rows": [(p, latest_link.get(p.pk)) for p in participants],
        "now": timezone.now(),
        "can_manage": basis in NetworkAction.MANAGE_MEETINGS.bases,
        "participants": participants,
        "meetings": meetings_in_order(network),
        "next_meeting": next_meeting(network),
        # Who gets no email or text message: the coordinator invites them on paper.
        "on_paper": (
            on_paper(network, participants, consent.excluded_from(excluded_rows))
            if network.status != NetworkStatus.CLOSED
            else []
        ),
        "sms_on": sms_available(),
        "timeline": network_timeline(network),
        "contacts": sorted(network.contacts.all(), key=lambda c: (c.received_at, c.pk)),
        "children": list(network.children.all()),
        "concerns_children": concerns_children(network.programme),
        "child_form": ChildForm(),
    }
    return render(request, "networks/detail.html", context)


@require_POST
@access_rule(NETWORK, NetworkAction.MANAGE_PARTICIPANTS)
def add_child(request: ArkiRequest, pk: int) -> HttpResponse:
    """Add a sibling: the family keeps one network, each child with their own view and goals."""
    network = _manage(request, pk, NetworkAction.MANAGE_PARTICIPANTS)
    form = ChildForm(request.POST)
    if form.is_valid():
        submit(
            request,
            None,
            lambda: services.add_child(
                network=network,
                by=request.user,
                name=form.cleaned_data["name"],
                birth_date=form.cleaned_data["birth_date"],
            ),
            lambda child: _("%(name)s was added to the family's network.") % {"name": child.name},
        )
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(f"{reverse('networks:detail', args=[network.pk])}#children-heading")


@access_rule(NETWORK, NetworkAction.MANAGE_PARTICIPANTS)
def add_participant(request: ArkiRequest, pk: int) -> HttpResponse:
    """The participants: add from the directory, a professional without an account, or a family
    member; link an account-less professional to the Arki account with their email address."""
    network = _manage(request, pk, NetworkAction.MANAGE_PARTICIPANTS)
    which = request.POST.get("which", request.GET.get("which", "professional"))
    if which not in ("professional", "outside", "family"):
        which = "professional"
    # Only a POST binds a form: on a plain GET the empty forms show no "required" errors.
    posted = request.POST if request.method == "POST" else None
    professional_form = ProfessionalParticipantForm(
        network, posted if which == "professional" else None, prefix="pro"
    )
    outside_form = OutsideProfessionalForm(
        network, posted if which == "outside" else None, prefix="out"
    )
    family_form = FamilyParticipantForm(
        network, posted if which == "family" else None, prefix="fam"
    )
    if request.method == "POST":
        bound = {"professional": professional_form, "outside": outside_form}
        form = bound.get(which, family_form)
        if form.is_valid():
            data = form.cleaned_data

            def add() -> None:
                if which == "professional":
                    services.add_participant(
                        network=network,
                        by=request.user,
                        kind=services.professional_kind(network),
                        role=data["role"],
                        user=data["user"],
                        is_own_worker=data.get("is_own_worker", False),
                    )
                elif which == "outside":
                    services.add_outside_professional(
                        network=network,
                        by=request.user,
                        name=data["name"],
                        role=data["role"],
                        service=data["service"],
                        organisation=data["organisation"],
                        email=data["email"],
                        phone=data["phone"],
                    )
                else:
                    services.add_participant(
                        network=network,
                        by=request.user,
                        kind=data["kind"],
                        name=data["name"],
                        relation=data["relation"],
                        email=data["email"],
                        phone=data["phone"],
                        channel=data["channel"] or None,
                        identity_code=data["identity_code"],
                    )

            if submit(request, form, add, _("The participant was added.")):
                return redirect("networks:add_participant", pk=network.pk)
    participants = network.participants.filter(removed_at__isnull=True).select_related(
        "kind", "role", "service"
    )
    return render(
        request,
        "networks/add_participant.html",
        {
            "network": network,
            "professional_form": professional_form,
            "outside_form": outside_form,
            "family_form": family_form,
            # Each row with the Arki account it could be linked to (a professional without one).
            "participant_rows": [(p, matching_account(p)) for p in participants],
        },
    )


@require_POST
@access_rule(NETWORK, NetworkAction.MANAGE_PARTICIPANTS)
def remove_participant(request: ArkiRequest, pk: int, participant_pk: int) -> HttpResponse:
    network = _manage(request, pk, NetworkAction.MANAGE_PARTICIPANTS)
    participant = get_object_or_404(Participant, pk=participant_pk, network=network)
    services.remove_participant(participant=participant, by=request.user)
    messages.success(request, _("The participant was removed from the network."))
    return redirect("networks:add_participant", pk=network.pk)


@access_rule(NETWORK, NetworkAction.MANAGE_PARTICIPANTS)
def reaching(request: ArkiRequest, pk: int, participant_pk: int) -> HttpResponse:
    """How a family member or everyday adult is reached (email, text message or paper), and their
    identity code for Suomi.fi: written here, never shown; only whether one is recorded."""
    network = _manage(request, pk, NetworkAction.MANAGE_PARTICIPANTS)
    participant = get_object_or_404(
        Participant.objects.select_related("kind", "network"),
        pk=participant_pk,
        network=network,
        removed_at__isnull=True,
        kind__is_family=True,
    )
    initial = {
        "channel": participant.channel,
        "email": participant.email,
        "phone": participant.phone,
    }
    form = ReachingForm(request.POST or None, initial=initial)
    if submit(
        request,
        form,
        lambda: services.set_reaching(
            participant,
            by=request.user,
            channel=form.cleaned_data["channel"],
            email=form.cleaned_data["email"],
            phone=form.cleaned_data["phone"],
            identity_code=form.cleaned_data["identity_code"],
            forget_identity_code=form.cleaned_data["forget_identity_code"],
        ),
        _("The ways to reach %(name)s were saved.") % {"name": participant.name},
    ):
        return redirect("networks:add_participant", pk=network.pk)
    return render(
        request,
        "networks/reaching.html",
        {"network": network, "participant": participant, "form": form, "sms_on": sms_available()},
    )


@require_POST
@access_rule(NETWORK, NetworkAction.MANAGE_PARTICIPANTS)
def link_account(request: ArkiRequest, pk: int, participant_pk: int) -> HttpResponse:
    """Join a professional without an account to the Arki account with their email address; the
    account is found again here, never taken from the form."""
    network = _manage(request, pk, NetworkAction.MANAGE_PARTICIPANTS)
    participant = get_object_or_404(
        Participant.objects.select_related("kind"), pk=participant_pk, network=network
    )
    account = matching_account(participant)
    if account is None:
        messages.error(
            request, _("No Arki account of a professional has this participant's email address.")
        )
        return redirect("networks:add_participant", pk=network.pk)
    submit(
        request,
        None,
        lambda: services.link_account(participant=participant, user=account, by=request.user),
        _(
            "%(name)s now takes part with their Arki account; their promises and history "
            "were kept. Their personal links were revoked: they sign in from now on."
        )
        % {"name": account.full_name},
    )
    return redirect("networks:add_participant", pk=network.pk)


@access_rule(NETWORK, NetworkAction.MANAGE_MEETINGS)
def schedule_meeting(request: ArkiRequest, pk: int) -> HttpResponse:
    network = _manage(request, pk, NetworkAction.MANAGE_MEETINGS)
    form = MeetingForm(request.POST or None)
    if submit(
        request,
        form,
        lambda: services.schedule_meeting(
            network=network,
            by=request.user,
            starts_at=form.cleaned_data["starts_at"],
            ends_at=form.cleaned_data["ends_at"],
            place=form.cleaned_data["place"],
            online_link=form.cleaned_data["online_link"],
            late_reason=form.cleaned_data["late_reason"],
        ),
        _("The meeting was scheduled and the invitations were sent."),
    ):
        _warn_of_holiday(request, form.cleaned_data["starts_at"])
        return redirect("networks:detail", pk=network.pk)
    return render(
        request,
        "networks/meeting_form.html",
        {"network": network, "form": form, "title": _("Schedule a meeting")},
    )


def _warn_of_holiday(request: ArkiRequest, starts_at: datetime) -> None:
    holiday = public_holiday(timezone.localtime(starts_at).date())
    if holiday:
        messages.warning(
            request,
            _("The meeting is on a public holiday (%(holiday)s). Check that it suits everyone.")
            % {"holiday": holiday},
        )


def _meeting(request: ArkiRequest, pk: int, meeting_pk: int) -> Meeting:
    network = _manage(request, pk, NetworkAction.MANAGE_MEETINGS)
    return get_object_or_404(Meeting, pk=meeting_pk, network=network)


@access_rule(NETWORK, NetworkAction.MANAGE_MEETINGS)
def move_meeting(request: ArkiRequest, pk: int, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, meeting_pk)
    initial = {
        "version": meeting.version,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": meeting.place,
        "online_link": meeting.online_link,
    }
    form = MeetingForm(request.POST or None, initial=initial)
    if submit(
        request,
        form,
        lambda: services.move_meeting(
            meeting=meeting,
            by=request.user,
            expected_version=form.cleaned_data["version"] or 0,
            starts_at=form.cleaned_data["starts_at"],
            ends_at=form.cleaned_data["ends_at"],
            place=form.cleaned_data["place"],
            online_link=form.cleaned_data["online_link"],
            reason=form.cleaned_data["late_reason"],
        ),
        _("The meeting was moved and updated invitations were sent."),
        stale=_(
            "Someone else changed this meeting while you were editing it. Nothing was "
            "overwritten: check the meeting and try again."
        ),
    ):
        _warn_of_holiday(request, form.cleaned_data["starts_at"])
        return redirect("networks:detail", pk=meeting.network_id)
    return render(
        request,
        "networks/meeting_form.html",
        {
            "network": meeting.network,
            "form": form,
            "meeting": meeting,
            "title": _("Move the meeting"),
        },
    )


@access_rule(NETWORK, NetworkAction.MANAGE_MEETINGS)
def cancel_meeting(request: ArkiRequest, pk: int, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, meeting_pk)
    form = CancelMeetingForm(request.POST or None)
    if submit(
        request,
        form,
        lambda: services.cancel_meeting(
            meeting=meeting, by=request.user, reason=form.cleaned_data["reason"]
        ),
        _("The meeting was cancelled and the participants were told."),
    ):
        return redirect("networks:detail", pk=meeting.network_id)
    return render(request, "networks/cancel_meeting.html", {"meeting": meeting, "form": form})


@require_POST
@access_rule(NETWORK, NetworkAction.MANAGE_MEETINGS)
def mark_held(request: ArkiRequest, pk: int, meeting_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, meeting_pk)
    submit(
        request,
        None,
        lambda: services.mark_meeting_held(meeting=meeting, by=request.user),
        _("The meeting was recorded as held."),
    )
    return redirect("networks:detail", pk=meeting.network_id)


@access_rule(NETWORK, NetworkAction.PRINT)
def family_invitation(request: ArkiRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """A printable invitation for the family."""
    network, _basis = _network(request, pk, NetworkAction.PRINT)
    meeting = get_object_or_404(
        Meeting, pk=meeting_pk, network=network, status=MeetingStatus.PLANNED
    )
    participants = network.participants.filter(removed_at__isnull=True).select_related(
        "kind", "service"
    )
    return render(
        request,
        "networks/family_invitation.html",
        {"network": network, "meeting": meeting, "participants": participants},
    )


@access_rule(NETWORK, NetworkAction.READ_CONSENTS, NetworkAction.RECORD_CONSENTS)
def consents(request: ArkiRequest, pk: int) -> HttpResponse:
    """The family's consents and bans on disclosure; the coordinator records and withdraws them."""
    posting = request.method == "POST"
    network, basis = _network(
        request, pk, NetworkAction.RECORD_CONSENTS if posting else NetworkAction.READ_CONSENTS
    )
    consent_form = ConsentForm(
        initial={"given_at": timezone.localtime().replace(second=0, microsecond=0)},
        words=network.programme.words,
    )
    ban_form = BanForm(network)
    if request.method == "POST":
        action = request.POST.get("action")
        # A refusal is shown on the form it was posted with; a withdrawal's or lift's as a message.
        if action == "consent":
            consent_form = ConsentForm(request.POST, words=network.programme.words)
            if submit(
                request,
                consent_form,
                lambda: consent.record_consent(
                    network=network, by=request.user, **consent_form.cleaned_data
                ),
                _("The consent was recorded."),
            ):
                return redirect("networks:consents", pk=network.pk)
        elif action == "withdraw":
            record = get_object_or_404(
                ConsentRecord, pk=request.POST.get("consent"), network=network
            )
            withdraw_form = WithdrawConsentForm(request.POST)
            if withdraw_form.is_valid() and submit(
                request,
                None,
                lambda: consent.withdraw_consent(
                    consent=record, by=request.user, how=withdraw_form.cleaned_data["how"]
                ),
                _(
                    "The consent was withdrawn. The other participants' access ended now and they were told."
                ),
            ):
                return redirect("networks:consents", pk=network.pk)
        elif action == "ban":
            ban_form = BanForm(network, request.POST)
            if submit(
                request,
                ban_form,
                lambda: consent.ban_disclosure(
                    network=network, by=request.user, **ban_form.cleaned_data
                ),
                _("The ban on disclosure was recorded; it applies at once."),
            ):
                return redirect("networks:consents", pk=network.pk)
        elif action == "lift":
            ban = get_object_or_404(DisclosureBan, pk=request.POST.get("ban"), network=network)
            if submit(
                request,
                None,
                lambda: consent.lift_ban(ban=ban, by=request.user),
                _("The ban on disclosure was lifted."),
            ):
                return redirect("networks:consents", pk=network.pk)
    return render(
        request,
        "networks/consents.html",
        {
            "network": network,
            "records": network.consents.select_related("recorded_by", "withdrawn_recorded_by"),
            "bans": network.bans.select_related("participant", "service", "recorded_by"),
            "consent_form": consent_form,
            "withdraw_form": WithdrawConsentForm(),
            "ban_form": ban_form,
            "can_change": basis in NetworkAction.RECORD_CONSENTS.bases,
        },
    )


@access_rule(HasRole(consent.BREAK_GLASS_ROLES))
def break_glass(request: ArkiRequest, pk: int) -> HttpResponse:
    """Emergency access with a reason; shows nothing of the network before the grant.

    The form answers every number alike, whether or not a network has it, and refuses an
    unknown number with the words a banned person is refused with.
    """
    network = Network.objects.filter(pk=pk).first()
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consent.grant_break_glass(
                network=network, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            if network is not None and getattr(error, "code", None) == consent.BREAK_GLASS_REFUSED:
                # A ban names them: the answer does not say so, the log and the officer do.
                match = request.resolver_match
                record_access(
                    actor=request.user,
                    subject=network,
                    action=Action.VIEW,
                    basis="",
                    success=False,
                    request_id=getattr(request, "request_id", ""),
                    view_name=match.view_name if match else "",
                )
                consent.tell_officers_of_refused_break_glass(network, request.user)
            apply_errors(form, error)
        else:
            messages.warning(
                request,
                _("Emergency access for two hours. Everything you open is logged and reviewed."),
            )
            return redirect("networks:detail", pk=pk)
    return render(request, "networks/break_glass.html", {"network_number": pk, "form": form})
