"""The service provider's endpoints: sign-in (to Suomi.fi), the assertion consumer service, this
service's metadata, and signing out. Every sign-in and refusal is in the security log; opening a
plan afterwards is in the access log (family.views.me_plan)."""

from __future__ import annotations

from django.core import signing
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from saml2.metadata import create_metadata_string

from accounts.models import SecurityEventKind
from accounts.services import record_security_event
from audit.access import PUBLIC, access_rule
from core.http import PublicRequest
from family.access import close_identity, identity_in_session, open_identity
from family.suomifi import service
from family.suomifi.config import is_enabled, sp_config

# The outstanding request id travels in its own signed cookie: Suomi.fi answers with a
# cross-site POST, which does not carry the session cookie (SameSite=Lax).
REQUEST_COOKIE = "arki-suomifi-request"
REQUEST_COOKIE_SALT = "family.suomifi.request"
REQUEST_MAX_AGE = 15 * 60


def _not_in_use(request: PublicRequest) -> HttpResponse:
    return render(request, "family/suomifi_not_in_use.html", status=404)


@access_rule(PUBLIC)
@require_GET
def login(request: PublicRequest) -> HttpResponse:
    """Send the browser to Suomi.fi with a new authentication request."""
    if not is_enabled():
        return _not_in_use(request)
    request_id, location = service.start_sign_in()
    response = HttpResponseRedirect(location)
    response.set_signed_cookie(
        REQUEST_COOKIE,
        request_id,
        salt=REQUEST_COOKIE_SALT,
        max_age=REQUEST_MAX_AGE,
        path="/family/suomifi/",
        # SameSite=None cookies must be Secure, or browsers drop them; browsers keep Secure
        # cookies from http://localhost and 127.0.0.1 too, so local runs work as well.
        secure=True,
        httponly=True,
        samesite="None",
    )
    return response


@csrf_exempt  # the identity provider's signed answer, posted by the browser from Suomi.fi
@access_rule(PUBLIC)
@require_POST
def acs(request: PublicRequest) -> HttpResponse:
    """Suomi.fi's answer: on success the person's plans, otherwise a page saying what to do."""
    if not is_enabled():
        return _not_in_use(request)
    try:
        request_id = request.get_signed_cookie(
            REQUEST_COOKIE, default="", salt=REQUEST_COOKIE_SALT, max_age=REQUEST_MAX_AGE
        )
    except signing.BadSignature:
        request_id = ""
    try:
        identified = service.finish_sign_in(
            request.POST.get("SAMLResponse", ""), [request_id] if request_id else []
        )
    except service.SignInRefused as refusal:
        record_security_event(
            SecurityEventKind.FAMILY_SIGN_IN_REFUSED,
            request=request,
            details={"reason": refusal.reason},
        )
        status = 400 if refusal.reason == service.Reason.MALFORMED else 403
        refused = render(
            request, "family/suomifi_refused.html", {"reason": refusal.reason}, status=status
        )
        refused.delete_cookie(REQUEST_COOKIE, path="/family/suomifi/", samesite="None")
        return refused
    open_identity(request, identified.code_hash, identified.name)
    record_security_event(SecurityEventKind.FAMILY_SIGNED_IN, request=request)
    signed_in = redirect("family:mine")
    # The request is answered: its id no longer opens anything.
    signed_in.delete_cookie(REQUEST_COOKIE, path="/family/suomifi/", samesite="None")
    return signed_in


@access_rule(PUBLIC)
@require_GET
def metadata(request: PublicRequest) -> HttpResponse:
    """This service provider's SAML metadata, for registering Arki with Suomi.fi."""
    if not is_enabled():
        return _not_in_use(request)
    xml = create_metadata_string(None, config=sp_config(), valid=24 * 365)
    return HttpResponse(xml, content_type="application/samlmetadata+xml")


@access_rule(PUBLIC)
@require_POST
def logout(request: PublicRequest) -> HttpResponse:
    """End the identified session in Arki (Suomi.fi's own session ends when the browser does)."""
    if identity_in_session(request) is not None:
        record_security_event(SecurityEventKind.FAMILY_SIGNED_OUT, request=request)
    close_identity(request)
    return redirect("family:mine")
