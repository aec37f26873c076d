import base64
import csv
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core import signing
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import selectors, services
from accounts import staff_import as staff
from accounts.forms import (
    EmailAuthenticationForm,
    OwnDetailsForm,
    RoleGrantFilterForm,
    StaffApplyForm,
    StaffUploadForm,
    TwoFactorCodeForm,
)
from accounts.middleware import counts_as_verified
from accounts.models import StaffImport, User
from audit.access import PUBLIC, SIGNED_IN, HasRole, access_rule
from audit.roles import Role
from core.forms import submit
from core.http import ArkiRequest, PublicRequest


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        return context


class LogoutView(auth_views.LogoutView):
    """Signs out of Arki; a user who came from the organisation's provider signs out there too."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        provider_url = None
        if settings.OIDC_ENABLED and request.user.is_authenticated:
            from accounts.oidc import provider_logout_url

            # Read before the session, which holds the ID token, is flushed.
            provider_url = provider_logout_url(request)
        response: HttpResponse = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(provider_url) if provider_url else response


login = access_rule(PUBLIC)(LoginView.as_view())
logout = access_rule(PUBLIC)(LogoutView.as_view())


@access_rule(PUBLIC)
def locked_out(request: PublicRequest) -> HttpResponse:
    return render(request, "accounts/locked_out.html", status=429)


def _next_url(request: ArkiRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _qr_code(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG data URI (no outside requests)."""
    buffer = io.BytesIO()
    qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@access_rule(SIGNED_IN)
def two_factor(request: ArkiRequest) -> HttpResponseBase:
    """Set up an authenticator app (first time) or enter its code (every sign-in)."""
    next_url = _next_url(request)
    if counts_as_verified(request):
        return redirect(next_url)
    user = request.user
    assert user.is_authenticated
    device = services.confirmed_device(user)
    setting_up = device is None
    if device is None:
        device = services.pending_device(user)
    form = TwoFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        outcome = services.verify_code(request, device, form.cleaned_data["code"])
        if outcome:
            return redirect(next_url)
        if outcome is None:
            form.add_error("code", _("Too many wrong codes. Wait a moment and then try again."))
            status = 429
        else:
            form.add_error("code", _("The code is not correct. Check the app and try again."))
    context: dict[str, Any] = {"form": form, "next": next_url, "setting_up": setting_up}
    if setting_up:
        context.update(qr_code=_qr_code(device), secret=_secret_text(device))
    template = "accounts/two_factor_setup.html" if setting_up else "accounts/two_factor.html"
    return render(request, template, context, status=status)


@access_rule(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def own_details(request: ArkiRequest) -> HttpResponse:
    """The user's own phone number and phone hours, as the families they coordinate see them."""
    user = request.user
    assert user.is_authenticated
    form = OwnDetailsForm(
        request.POST or None, initial={"phone": user.phone, "phone_hours": user.phone_hours}
    )
    if submit(
        request,
        form,
        lambda: services.update_own_details(
            user=user,
            phone=form.cleaned_data["phone"],
            phone_hours=form.cleaned_data["phone_hours"],
        ),
        _("Your details were saved."),
    ):
        return redirect("accounts:own_details")
    return render(request, "accounts/own_details.html", {"form": form})


@access_rule(HasRole((Role.DATA_PROTECTION_OFFICER,)))
def role_grants(request: ArkiRequest) -> HttpResponse:
    """The officer's list of roles granted that open personal data; self-grants flagged."""
    form = RoleGrantFilterForm(request.GET or None)
    only_self = form.is_valid() and form.cleaned_data["self"]
    rows = selectors.role_grants(only_self_granted=only_self)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "accounts/role_grants.html", {"form": form, "page": page})


ADMINISTRATORS = HasRole((Role.ADMINISTRATOR,))
STAFF_SALT = "accounts.staff_import"
PREVIEW_VALID_FOR = 60 * 60  # seconds from the preview to applying it


def _staff_page(request: ArkiRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context.setdefault("upload_form", StaffUploadForm())
    context["columns"] = staff.COLUMNS
    context["roles"] = [
        (value, label) for value, label in Role.choices if value in staff.IMPORTABLE_ROLES
    ]
    context["runs"] = StaffImport.objects.select_related("by")[:10]
    return render(request, "accounts/staff_import.html", context, status=status)


def _preview(
    request: ArkiRequest, rows: list[dict[str, str]], file_name: str, **extra: Any
) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    plan = staff.plan_staff_import(rows, by=user)
    context: dict[str, Any] = {"plan": plan, "file_name": file_name, **extra}
    if plan.ok:
        payload = signing.dumps({"rows": rows, "name": file_name}, salt=STAFF_SALT, compress=True)
        context["apply_form"] = StaffApplyForm(
            initial={"payload": payload, "fingerprint": plan.fingerprint}
        )
    return _staff_page(request, context)


@access_rule(ADMINISTRATORS)
@require_http_methods(["GET", "POST"])
def staff_import(request: ArkiRequest) -> HttpResponse:
    """Upload a staff file, see what it would change, then apply it all or nothing."""
    if request.method != "POST":
        return _staff_page(request, {})
    if "payload" not in request.POST:
        upload = StaffUploadForm(request.POST, request.FILES)
        if not upload.is_valid():
            return _staff_page(request, {"upload_form": upload}, status=400)
        try:
            rows = staff.read_table(upload.cleaned_data["file"], month_codes=False)
        except ValueError as error:
            upload.add_error("file", str(error))
            return _staff_page(request, {"upload_form": upload}, status=400)
        return _preview(request, rows, str(upload.cleaned_data["file"].name or ""))

    form = StaffApplyForm(request.POST)
    content: dict[str, Any] | None = None
    if form.is_valid():
        try:
            content = signing.loads(
                form.cleaned_data["payload"], salt=STAFF_SALT, max_age=PREVIEW_VALID_FOR
            )
        except signing.BadSignature:
            content = None
    if content is None:
        upload = StaffUploadForm()
        return _staff_page(
            request,
            {"upload_form": upload, "expired": True},
            status=400,
        )
    user = request.user
    assert isinstance(user, User)
    rows, file_name = content["rows"], content["name"]
    plan = staff.plan_staff_import(rows, by=user)
    if not plan.ok or plan.fingerprint != form.cleaned_data["fingerprint"]:
        response = _preview(request, rows, file_name, moved=True)
        response.status_code = 409
        return response
    run = staff.apply_staff_import(
        plan,
        by=user,
        deactivate_missing=form.cleaned_data["deactivate_missing"],
        file_name=file_name,
        request=request,
    )
    return _staff_page(request, {"run": run, "applied_plan": plan})


@access_rule(ADMINISTRATORS)
@require_GET
def staff_import_template(request: ArkiRequest) -> HttpResponse:
    """A CSV to fill in: the header row and one example row, semicolon separated for Excel."""
    buffer = io.StringIO()
    buffer.write("\ufeff")  # the byte-order mark tells Excel the file is UTF-8
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(staff.COLUMNS)
    writer.writerow(
        [
            "Maija Meikäläinen",
            "maija.meikalainen@example.fi",
            "Oulun kaupunki",
            "Kaakkurin koulu",
            "koulukuraattori",
            Role.PROFESSIONAL.value,
            "kaakkuri",
            "children-families",
        ]
    )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="arki-staff-import.csv"'
    return response
