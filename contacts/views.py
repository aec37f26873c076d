"""Contact log, professional requests and the coordinator's queue. Thin: parse, authorise, call."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from audit.access import SIGNED_IN, HasRole, access_rule, record_access, require_access
from audit.models import Action
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
)
from contacts.models import Contact, Source
from contacts.selectors import coordinator_queue
from core.errors import StaleEdit, ValidationError
from core.forms import apply_errors
from networks.access import networks_visible_to
from networks.models import Network
from networks.selectors import open_networks_matching
from networks.services import role

COORDINATOR = HasRole((Role.COORDINATOR,))


@access_rule(COORDINATOR)
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    area = programme = None
    if form.is_valid():
        area, programme = form.cleaned_data["area"], form.cleaned_data["programme"]
    context = {"form": form, "queue": coordinator_queue(request.user, area, programme)}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "contacts/_queue.html", context)
    return render(request, "contacts/queue.html", context)


def _initial_for(user: object) -> dict[str, object]:
    membership = next(
        (m for m in user.memberships.all() if m.area_id),  # type: ignore[attr-defined]
        None,
    )
    initial: dict[str, object] = {"submission_token": uuid.uuid4()}
    if membership:
        initial["area"] = membership.area_id
        if membership.programme_id:
            initial["programme"] = membership.programme_id
    return initial


@access_rule(COORDINATOR)
def new_contact(request: HttpRequest) -> HttpResponse:
    form = ContactForm(
        request.POST or None, initial={**_initial_for(request.user), "channel": "phone"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact, created = services.record_contact(
                recorded_by=request.user,
                source=Source.COORDINATOR,
                data=form.service_data(),
                concern_categories=form.cleaned_data["concern_categories"],
                submission_token=form.cleaned_data["submission_token"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if created:
                messages.success(request, _("The contact was recorded."))
            return redirect("contacts:detail", pk=contact.pk)
    return render(
        request, "contacts/contact_form.html", {"form": form, "title": _("Record a contact")}
    )


@access_rule(SIGNED_IN)
def start_request(request: HttpRequest) -> HttpResponse:
    """Any professional: "start network work" – lands in the coordinator's queue."""
    form = ProfessionalRequestForm(
        request.POST or None, initial={**_initial_for(request.user), "channel": "web"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            _contact, created = services.record_contact(
                recorded_by=request.user,
                source=Source.REQUEST,
                data={**form.service_data(), "channel": "web"},
                concern_categories=form.cleaned_data["concern_categories"],
                submission_token=form.cleaned_data["submission_token"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if created:
                messages.success(
                    request, _("Your request was sent to the coordinator. You can follow it here.")
                )
            return redirect("contacts:my_requests")
    return render(request, "contacts/request_form.html", {"form": form})


@access_rule(SIGNED_IN)
def my_requests(request: HttpRequest) -> HttpResponse:
    requests = (
        contacts_sent_by(request.user)
        .filter(source=Source.REQUEST)
        .select_related("area", "programme", "network")
        .order_by("-received_at")
    )
    return render(request, "contacts/my_requests.html", {"requests": requests})


COORDINATOR_ONLY = {"coordinator"}


@access_rule(CONTACT)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(
        Contact.objects.select_related(
            "area", "programme", "age_band", "contact_person", "network"
        ),
        pk=pk,
    )
    basis = require_access(request, contact, Action.VIEW)
    context = {
        "contact": contact,
        "is_coordinator": basis == "coordinator",
        "advice_form": AdviceForm(initial={"version": contact.version}),
    }
    return render(request, "contacts/detail.html", context)


@access_rule(CONTACT)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact, pk=pk)
    require_access(
        request,
        contact,
        Action.UPDATE if request.method == "POST" else Action.VIEW,
        allowed=COORDINATOR_ONLY,
    )
    initial = {"submission_token": contact.submission_token, "version": contact.version}
    form = ContactForm(request.POST or None, instance=contact, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contact(
                contact=contact,
                by=request.user,
                expected_version=form.cleaned_data["version"] or 0,
                data=form.service_data(),
                concern_categories=form.cleaned_data["concern_categories"],
            )
        except StaleEdit:
            form.add_error(
                None,
                _(
                    "Someone else saved this contact while you were editing it. Nothing was "
                    "overwritten: open the contact again, and re-enter your changes."
                ),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The contact was saved."))
            return redirect("contacts:detail", pk=contact.pk)
    return render(
        request,
        "contacts/contact_form.html",
        {"form": form, "title": _("Edit the contact"), "contact": contact},
    )


@require_POST
@access_rule(CONTACT)
def advice(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact, pk=pk)
    require_access(request, contact, Action.UPDATE, allowed=COORDINATOR_ONLY)
    form = AdviceForm(request.POST)
    if form.is_valid():
        try:
            services.give_advice(
                contact=contact,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                advice=form.cleaned_data["advice_given"],
            )
        except StaleEdit:
            messages.error(
                request, _("Someone else handled this contact at the same time. Check it again.")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The contact was closed with advice and consultation."))
    else:
        messages.error(request, _("Write down what was advised."))
    return redirect("contacts:detail", pk=contact.pk)


@access_rule(CONTACT)
def convene(request: HttpRequest, pk: int) -> HttpResponse:
    """Convene the network: identify the child or client, check for an open network first."""
    contact = get_object_or_404(Contact.objects.select_related("area", "programme"), pk=pk)
    require_access(
        request,
        contact,
        Action.UPDATE if request.method == "POST" else Action.VIEW,
        allowed=COORDINATOR_ONLY,
    )
    needs_own_worker = role(contact.programme, "own-worker") is not None
    form = ConveneForm(
        request.POST or None,
        initial={"version": contact.version},
        needs_own_worker=needs_own_worker,
    )
    matches: list[Network] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        matches = list(
            open_networks_matching(data["subject_name"], data["subject_birth_date"]).select_related(
                "area", "programme"
            )
        )
        if not matches:
            try:
                network = services.convene(
                    contact=contact,
                    by=request.user,
                    expected_version=data["version"],
                    subject_name=data["subject_name"],
                    subject_birth_date=data["subject_birth_date"],
                    own_worker=data.get("own_worker"),
                    family_language=data["family_language"],
                )
            except StaleEdit:
                form.add_error(
                    None, _("Someone else handled this contact at the same time. Check it again.")
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request, _("The network was opened. Invite the participants next.")
                )
                return redirect("networks:detail", pk=network.pk)
    visible = set(
        networks_visible_to(request.user)
        .filter(pk__in=[m.pk for m in matches])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "contacts/convene.html",
        {"contact": contact, "form": form, "matches": matches, "visible": visible},
    )


@require_POST
@access_rule(CONTACT)
def join(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact, pk=pk)
    require_access(request, contact, Action.UPDATE, allowed=COORDINATOR_ONLY)
    form = JoinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the network to join."))
        return redirect("contacts:convene", pk=contact.pk)
    network = get_object_or_404(Network, pk=form.cleaned_data["network"])
    matching = open_networks_matching(
        form.cleaned_data["subject_name"], form.cleaned_data["subject_birth_date"]
    )
    if not matching.filter(pk=network.pk).exists():
        # Not the open network of the child the coordinator identified: no need to know.
        record_access(
            actor=request.user,
            subject=network,
            action=Action.UPDATE,
            basis="",
            success=False,
            request_id=getattr(request, "request_id", ""),
            view_name="contacts:join",
        )
        raise PermissionDenied
    try:
        services.join_network(
            contact=contact,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            network=network,
        )
    except StaleEdit:
        messages.error(
            request, _("Someone else handled this contact at the same time. Check it again.")
        )
        return redirect("contacts:detail", pk=contact.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("contacts:detail", pk=contact.pk)
    messages.success(request, _("The contact was joined to the family's open network."))
    return redirect("contacts:detail", pk=contact.pk)


@access_rule(SIGNED_IN)
def discussion(request: HttpRequest) -> HttpResponse:
    """A professional records that an LP discussion was held – no names, for the indicators."""
    initial = _initial_for(request.user)
    position = request.user.positions.filter(is_active=True).first()  # type: ignore[union-attr]
    if position:
        initial["service"] = position.service_id
    initial["held_on"] = timezone.localdate()
    form = DiscussionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_discussion(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The LP discussion was recorded. Thank you."))
            if form.cleaned_data["wider_support_needed"]:
                return redirect("contacts:request")
            return redirect("core:home")
    return render(request, "contacts/discussion_form.html", {"form": form})
