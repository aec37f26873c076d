"""The public "Ota yhteyttä" page: no sign-in. Thin: protect, parse, call the service, render.

Every refusal (a robot's trap, a form sent too fast, too many sendings from one connection, a
flood to one area) answers with a clear message in the reader's language, stores nothing and is
never a server error.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.access import PUBLIC, access_rule
from contacts import protection, services
from contacts.public_forms import PublicContactForm
from core.forms import submit
from core.http import PublicRequest
from directory.models import Area

TEMPLATE = "contacts/public_contact.html"


def reply_days() -> int:
    return int(getattr(settings, "ARKI_PUBLIC_CONTACT_REPLY_DAYS", 3))


def _fresh_initial(request: PublicRequest) -> dict[str, object]:
    initial: dict[str, object] = {
        "opened": protection.opened_stamp(),
        "submission_token": uuid.uuid4(),
    }
    code = request.GET.get("area", "")
    area = Area.objects.filter(code=code).first() if code else None
    if area is not None:
        initial["area"] = area.pk
    return initial


def _refuse(
    request: PublicRequest, form: PublicContactForm, message: str, status: int = 200
) -> HttpResponse:
    """Show the form again with the reason, and a fresh opening stamp; nothing is stored."""
    data = request.POST.copy()
    data["opened"] = protection.opened_stamp()
    data["website"] = ""
    again = PublicContactForm(data)
    again.is_valid()  # keep the answers and their errors on the page
    return render(
        request, TEMPLATE, {"form": again, "refusal": message, "days": reply_days()}, status=status
    )


@access_rule(PUBLIC)
@require_http_methods(["GET", "POST"])
def public_contact(request: PublicRequest) -> HttpResponse:
    if request.method != "POST":
        form = PublicContactForm(initial=_fresh_initial(request))
        return render(request, TEMPLATE, {"form": form, "days": reply_days()})
    form = PublicContactForm(request.POST)
    address = protection.client_address(request)
    if protection.over_ip_limit(address):
        return _refuse(
            request,
            form,
            _(
                "Many messages have been sent from this connection within the hour. Try again "
                "later, or call the number of your area."
            ),
            status=429,
        )
    if form.is_trap_filled:
        protection.count_ip(address)
        return _refuse(
            request,
            form,
            _("The message could not be sent. Try again, or call the number of your area."),
        )
    if protection.filled_too_fast(str(request.POST.get("opened", ""))):
        return _refuse(
            request,
            form,
            _(
                "The form was sent very quickly. Check your answers and send the form again, "
                "please."
            ),
        )
    if form.is_valid():
        if protection.area_flooded(form.cleaned_data["area"]):
            return _refuse(
                request,
                form,
                _(
                    "Unusually many messages have come to this area within the hour. Try again "
                    "later, or call the number of your area."
                ),
                status=429,
            )
        if submit(
            request,
            form,
            lambda: services.record_public_contact(
                data=form.service_data(), submission_token=form.token()
            ),
        ):
            protection.count_ip(address)
            return redirect("contacts:public_contact_sent")
    return render(request, TEMPLATE, {"form": form, "days": reply_days()})


@access_rule(PUBLIC)
@require_http_methods(["GET"])
def public_contact_sent(request: PublicRequest) -> HttpResponse:
    """The receipt: what happens next. Nothing the sender wrote is shown back."""
    return render(request, "contacts/public_contact_sent.html", {"days": reply_days()})
