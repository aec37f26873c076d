"""Contact log, professional requests and the coordinator's queue. Thin: parse, authorise, call."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from audit.access import SIGNED_IN, HasRole, access_rule, record_or_refuse, require_access
from audit.policy import ContactAction, NetworkAction
from audit.roles import Role
from contacts import services
from contacts.access import CONTACT, contacts_sent_by
from contacts.forms import (
    AdviceForm,
    ContactForm,
    ConveneForm,
    DiscussionForm,
    JoinForm,
    ProfessionalRequestForm,
    QueueFilterForm,
    picker_choices,
)
from contacts.models import Contact, Source
from contacts.selectors import (
    QueuePages,
    coordinator_areas,
    coordinator_programmes,
    coordinator_queue,
    too_many_identity_checks,
)
from core.errors import StaleEdit, ValidationError
from core.forms import read_choices, submit
from core.http import ArkiRequest
from networks.access import disclose_matches, networks_visible_to
from networks.models import Network
from networks.selectors import concerns_children, open_family_networks, open_networks_matching
from networks.services import role
from programmes.models import Programme
from programmes.wording import Words

if TYPE_CHECKING:
    from accounts.models import User

COORDINATOR = HasRole((Role.COORDINATOR,))
STALE_CONTACT = gettext_lazy(
    "Someone else saved this contact while you were editing it. Nothing was "
    "overwritten: open the contact again, and re-enter your changes."
)


@access_rule(COORDINATOR)
def queue(request: ArkiRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None, user=request.user)
    area = programme = None
    if form.is_valid():
        area, programme = form.cleaned_data["area"], form.cleaned_data["programme"]
    context = {
        "form": form,
        "queue": coordinator_queue(request.user, area, programme, pages=request.GET),
        "pages": QueuePages,
    }
    # A history restore needs the whole page, not the fragment.
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "contacts/_queue.html", context)
    else:
        read_choices(form)  # the filters' rows in one wait
        response = render(request, "contacts/queue.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _initial_for(user: User) -> dict[str, object]:
    membership = next((m for m in user.memberships.all() if m.area_id), None)
    initial: dict[str, object] = {"submission_token": uuid.uuid4()}
    if membership:
        initial["area"] = membership.area_id
        if membership.programme_id:
            initial["programme"] = membership.programme_id
    return initial


def _requested_programme(request: ArkiRequest, programmes: QuerySet[Programme]) -> Programme | None:
    """The programme asked for with ``?programme=`` (its concern categories and age bands)."""
    value = request.GET.get("programme", "")
    return programmes.filter(pk=value).first() if value.isdigit() else None


def _coordinator_form_options(request: ArkiRequest) -> dict[str, Any]:
    """The coordinator's own programmes and areas, and the picker's search without JavaScript."""
    programmes = coordinator_programmes(request.user)
    return {
        "programmes": programmes,
        "areas": coordinator_areas(request.user),
        "programme": _requested_programme(request, programmes),
        "coordinator": request.user,
        "search": request.GET.get("q", ""),
    }


@access_rule(COORDINATOR)
def new_contact(request: ArkiRequest) -> HttpResponse:
    form = ContactForm(
        request.POST or None,
        initial={**_initial_for(request.user), "channel": "phone"},
        **_coordinator_form_options(request),
    )
    recorded = submit(
        request,
        form,
        lambda: services.record_contact(
            recorded_by=request.user,
            source=Source.COORDINATOR,
            data=form.service_data(),
            concern_categories=form.cleaned_data["concern_categories"],
            age_bands=form.cleaned_data["age_bands"],
            submission_token=form.cleaned_data["submission_token"],
        ),
        lambda result: _("The contact was recorded.") if result[1] else None,
    )
    if recorded:
        return redirect("contacts:detail", pk=recorded.value[0].pk)
    return render(
        request, "contacts/contact_form.html", {"form": form, "title": _("Record a contact")}
    )


@access_rule(COORDINATOR)
@require_GET
def professionals(request: ArkiRequest) -> HttpResponse:
    """The professional picker as the coordinator types: directory professionals matching
    ``q``, the coordinator's recent callers first; the chosen one (``selected``) kept first.

    Names, titles and services only, as every signed-in user sees them on the directory's
    service pages; no work contact details, so no access-log row (the directory's person page
    is the one that logs).
    """
    choices = picker_choices(request.user, request.GET.get("q", ""), request.GET.get("selected"))
    return render(
        request,
        "contacts/_professional_options.html",
        {"choices": choices, "name": "contact_person", "id": "id_contact_person"},
    )


@access_rule(SIGNED_IN)
def start_request(request: ArkiRequest) -> HttpResponse:
    """Any professional: "start network work" – lands in the coordinator's queue."""
    programmes = Programme.objects.filter(is_active=True)
    form = ProfessionalRequestForm(
        request.POST or None,
        initial={**_initial_for(request.user), "channel": "web"},
        programmes=programmes,
        programme=_requested_programme(request, programmes),
    )
    if submit(
        request,
        form,
        lambda: services.record_contact(
            recorded_by=request.user,
            source=Source.REQUEST,
            data={**form.service_data(), "channel": "web"},
            concern_categories=form.cleaned_data["concern_categories"],
            age_bands=form.cleaned_data["age_bands"],
            submission_token=form.cleaned_data["submission_token"],
        ),
        lambda result: (
            _("Your request was sent to the coordinator. You can follow it here.")
            if result[1]
            else None
        ),
    ):
        return redirect("contacts:my_requests")
    # The words of the programme the request is about (the family's or the client's matter).
    chosen = form["programme"].value()
    programme = programmes.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
    return render(request, "contacts/request_form.html", {"form": form, "words": Words(programme)})


@access_rule(SIGNED_IN)
def my_requests(request: ArkiRequest) -> HttpResponse:
    requests = (
        contacts_sent_by(request.user)
        .filter(source=Source.REQUEST)
        .select_related("area", "programme", "network")
        .order_by("-received_at")
    )
    # A ban or a withdrawal takes the network out of the sender's view: no link, no number.
    visible = set(
        networks_visible_to(request.user)
        .filter(pk__in=[c.network_id for c in requests if c.network_id])
        .values_list("pk", flat=True)
    )
    return render(
        request, "contacts/my_requests.html", {"requests": requests, "visible_networks": visible}
    )


@access_rule(CONTACT, ContactAction.READ)
def detail(request: ArkiRequest, pk: int) -> HttpResponse:
    contact = record_or_refuse(
        Contact.objects.select_related(
            "area", "programme", "contact_person", "network"
        ).prefetch_related("concern_categories", "age_bands"),
        pk=pk,
    )
    basis = require_access(request, contact, ContactAction.READ)
    context = {
        "contact": contact,
        "is_coordinator": basis in ContactAction.HANDLE.bases,
        "advice_form": AdviceForm(initial={"version": contact.version}),
        "network_visible": contact.network_id is not None
        and networks_visible_to(request.user).filter(pk=contact.network_id).exists(),
    }
    return render(request, "contacts/detail.html", context)


@access_rule(CONTACT, ContactAction.HANDLE)
def edit(request: ArkiRequest, pk: int) -> HttpResponse:
    contact = record_or_refuse(Contact, pk=pk)
    require_access(request, contact, ContactAction.HANDLE)
    initial = {"submission_token": contact.submission_token, "version": contact.version}
    form = ContactForm(
        request.POST or None,
        instance=contact,
        initial=initial,
        **_coordinator_form_options(request),
    )
    if submit(
        request,
        form,
        lambda: services.update_contact(
            contact=contact,
            by=request.user,
            expected_version=form.cleaned_data["version"] or 0,
            data=form.service_data(),
            concern_categories=form.cleaned_data["concern_categories"],
            age_bands=form.cleaned_data["age_bands"],
        ),
        _("The contact was saved."),
        stale=STALE_CONTACT,
    ):
        return redirect("contacts:detail", pk=contact.pk)
    return render(
        request,
        "contacts/contact_form.html",
        {"form": form, "title": _("Edit the contact"), "contact": contact},
    )


@require_POST
@access_rule(CONTACT, ContactAction.HANDLE)
def advice(request: ArkiRequest, pk: int) -> HttpResponse:
    contact = record_or_refuse(Contact, pk=pk)
    require_access(request, contact, ContactAction.HANDLE)
    form = AdviceForm(request.POST)
    if form.is_valid():
        submit(
            request,
            None,
            lambda: services.give_advice(
                contact=contact,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                advice=form.cleaned_data["advice_given"],
            ),
            _("The contact was closed with advice and consultation."),
            stale=STALE_CONTACT,
        )
    else:
        messages.error(request, _("Write down what was advised."))
    return redirect("contacts:detail", pk=contact.pk)


@access_rule(CONTACT, ContactAction.HANDLE)
def convene(request: ArkiRequest, pk: int) -> HttpResponse:
    """Convene the network: identify the child or client, check for an open network first.

    The check names only the open networks the coordinator may see; one outside their need to
    know is disclosed only as "contact the other area's coordinator", and every match is
    access-logged against the matched network (``networks.access.disclose_matches``).
    """
    contact = record_or_refuse(Contact.objects.select_related("area", "programme"), pk=pk)
    require_access(request, contact, ContactAction.HANDLE)
    needs_own_worker = role(contact.programme, "own-worker") is not None
    family_programme = concerns_children(contact.programme)
    form = ConveneForm(
        request.POST or None,
        initial={"version": contact.version},
        needs_own_worker=needs_own_worker,
        concerns_children=family_programme,
        words=contact.programme.words,
    )
    matches = family = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def check_ready() -> None:
            services.check_ready_to_convene(contact, data["version"])
            if too_many_identity_checks(request.user):
                raise ValidationError(
                    _(
                        "You have checked many identities within the last hour. Wait a while "
                        "before the next check; if this is urgent, ask another coordinator."
                    )
                )

        if submit(request, form, check_ready, stale=STALE_CONTACT):
            matches = disclose_matches(
                request,
                open_networks_matching(
                    data["subject_name"], data["subject_birth_date"]
                ).select_related("area", "programme"),
            )
            family_name = data.get("family_name", "").strip()
            if not matches.shown and not matches.elsewhere and family_name and not data["separate"]:
                # A sibling's or a parent's open network: offered, one family, one network.
                family = disclose_matches(
                    request,
                    open_family_networks(family_name, family_name)
                    .filter(programme=contact.programme)
                    .select_related("area", "programme"),
                )
                if not family.shown and not family.elsewhere:
                    family = None
            if not matches.shown and not matches.elsewhere and family is None:
                network = submit(
                    request,
                    form,
                    lambda: services.convene(
                        contact=contact,
                        by=request.user,
                        expected_version=data["version"],
                        subject_name=data["subject_name"],
                        subject_birth_date=data["subject_birth_date"],
                        own_worker=data.get("own_worker"),
                        family_language=data["family_language"],
                    ),
                    _("The network was opened. Invite the participants next."),
                    stale=STALE_CONTACT,
                )
                if network:
                    return redirect("networks:detail", pk=network.value.pk)
    return render(
        request,
        "contacts/convene.html",
        {"contact": contact, "form": form, "matches": matches, "family": family},
    )


@require_POST
@access_rule(
    CONTACT, ContactAction.HANDLE, NetworkAction.JOIN_CONTACT, NetworkAction.MANAGE_PARTICIPANTS
)
def join(request: ArkiRequest, pk: int) -> HttpResponse:
    contact = record_or_refuse(Contact, pk=pk)
    require_access(request, contact, ContactAction.HANDLE)
    form = JoinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the network to join."))
        return redirect("contacts:convene", pk=contact.pk)
    network = record_or_refuse(Network, pk=form.cleaned_data["network"])
    # Only a network in the coordinator's own need to know; refused and logged otherwise.
    require_access(request, network, NetworkAction.JOIN_CONTACT)
    family_name = form.cleaned_data["family_name"].strip()
    if family_name:
        return _join_family(request, contact, network, form.cleaned_data)
    matching = open_networks_matching(
        form.cleaned_data["subject_name"], form.cleaned_data["subject_birth_date"]
    )
    if not matching.filter(pk=network.pk).exists():
        # Not the open network of the child the coordinator identified.
        messages.error(
            request,
            _("The network is not the open network of the child or client you identified."),
        )
        return redirect("contacts:convene", pk=contact.pk)
    submit(
        request,
        None,
        lambda: services.join_network(
            contact=contact,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            network=network,
        ),
        _("The contact was joined to the open network."),
        stale=STALE_CONTACT,
    )
    return redirect("contacts:detail", pk=contact.pk)


def _join_family(
    request: ArkiRequest, contact: Contact, network: Network, data: dict[str, Any]
) -> HttpResponse:
    """The contact is about a sibling: the child is added to the family's open network (found by
    the guardian's or sibling's name the coordinator entered) and the contact joins it."""
    require_access(request, network, NetworkAction.MANAGE_PARTICIPANTS)
    family_name = data["family_name"].strip()
    if (
        not open_family_networks(family_name, family_name)
        .filter(pk=network.pk, programme=contact.programme)
        .exists()
    ):
        messages.error(request, _("The network is not the open network of the family you named."))
        return redirect("contacts:convene", pk=contact.pk)
    try:
        joined = submit(
            request,
            None,
            lambda: services.join_family_network(
                contact=contact,
                by=request.user,
                expected_version=data["version"],
                network=network,
                child_name=data["subject_name"],
                child_birth_date=data["subject_birth_date"],
            ),
            _("%(name)s was added to the network and the contact joined it.")
            % {"name": data["subject_name"]},
        )
    except StaleEdit:
        messages.error(request, STALE_CONTACT)
        return redirect("contacts:detail", pk=contact.pk)
    if not joined:
        return redirect("contacts:convene", pk=contact.pk)
    return redirect("networks:detail", pk=network.pk)


@access_rule(SIGNED_IN)
def discussion(request: ArkiRequest) -> HttpResponse:
    """A professional records a discussion held with the programme's own method – no names.

    The programme is the posted one, the one asked for with ``?programme=``, or the user's
    membership's; a user who works in one programme only records its method without choosing.
    """
    user = request.user
    own = {m.programme_id for m in user.memberships.all() if m.programme_id}
    programmes = Programme.objects.filter(is_active=True)
    if programmes.filter(pk__in=own).exists():
        programmes = programmes.filter(pk__in=own)
    initial = _initial_for(user)
    position = user.positions.filter(is_active=True).first()
    if position:
        initial["service"] = position.service_id
    initial["held_on"] = timezone.localdate()
    posted = request.POST.get("programme", "")
    if request.method == "POST":
        programme = programmes.filter(pk=posted).first() if posted.isdigit() else None
    else:
        preset = initial.get("programme")
        programme = _requested_programme(request, programmes) or (
            programmes.filter(pk=preset).first() if isinstance(preset, int) else None
        )
        if programme is None and len(programmes) == 1:
            programme = programmes[0]
    initial.pop("programme", None)
    if programme is not None:
        initial["programme"] = programme.pk
    form = DiscussionForm(request.POST or None, initial=initial, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        method = DiscussionForm.method_of(form.cleaned_data["programme"])
        if submit(
            request,
            form,
            lambda: services.record_discussion(by=user, **form.cleaned_data),
            _("The discussion was recorded: %(method)s. Thank you.") % {"method": method},
        ):
            if form.cleaned_data["wider_support_needed"]:
                return redirect("contacts:request")
            return redirect("home:home")
    context = {
        "form": form,
        "method": DiscussionForm.method_of(programme) if programme else "",
        "words": programme.words if programme else None,
    }
    return render(request, "contacts/discussion_form.html", context)
