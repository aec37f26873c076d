"""The learning network's pages. Thin: parse, authorise, call a service, render.

A region's developer worker and leadership members write shared learnings and export signed
packages; in a hub, learning-network coordinators receive packages (upload or API), and the
regions' people compare figures, read learnings and keep the monthly meetings and trials.
Nothing here shows a person's data: figures are aggregates with small numbers suppressed.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from audit.access import HasRole, ServiceToken, access_rule
from audit.roles import Role
from core.forms import submit
from core.http import ArkiRequest, PublicRequest
from learning import package, selectors, services
from learning.forms import (
    ComparisonForm,
    LearningFilterForm,
    LearningForm,
    MeetingForm,
    NotesForm,
    TrialForm,
    UploadForm,
)
from learning.models import (
    ExportedPackage,
    NetworkMeeting,
    Package,
    Region,
    SharedLearning,
    Trial,
    TrialStatus,
    Via,
)
from learning.tasks import send_package

SHARERS = HasRole((Role.DEVELOPER_WORKER, Role.LEADERSHIP_MEMBER))
HUB_READERS = HasRole((Role.LEARNING_NETWORK, Role.DEVELOPER_WORKER, Role.LEADERSHIP_MEMBER))
HUB_KEEPERS = HasRole((Role.LEARNING_NETWORK, Role.DEVELOPER_WORKER))
REGION_TOKEN = ServiceToken("region-token")


def _keeper(request: ArkiRequest) -> bool:
    return HUB_KEEPERS.allows_user(request.user)


# --- region side -----------------------------------------------------------------------------


@access_rule(SHARERS)
def learnings(request: ArkiRequest) -> HttpResponse:
    """This region's shared learnings, and the form to write one."""
    form = LearningForm(request.POST or None)
    if submit(
        request,
        form,
        lambda: services.record_learning(by=request.user, **form.cleaned_data),
        _("The learning was saved."),
    ):
        return redirect("learning:learnings")
    return render(
        request,
        "learning/learnings.html",
        {
            "form": form,
            "learnings": SharedLearning.objects.select_related("area", "author")[:200],
        },
    )


@access_rule(SHARERS)
@require_POST
def learning_share(request: ArkiRequest, pk: int) -> HttpResponse:
    learning = get_object_or_404(SharedLearning, pk=pk)
    shared = request.POST.get("shareable") == "1"
    services.set_learning_shared(learning, shared)
    messages.success(
        request,
        _("The learning is shared with the learning network.")
        if shared
        else _("The learning is kept in this region only."),
    )
    return redirect("learning:learnings")


@access_rule(SHARERS)
def export(request: ArkiRequest) -> HttpResponse:
    """Preview what the package holds; make, download and send signed versions."""
    if request.method == "POST":
        try:
            exported = services.export_package(by=request.user)
        except (ValidationError, package.PackageRejected, ImproperlyConfigured) as error:
            messages.error(request, str(getattr(error, "message", error)))
        else:
            messages.success(
                request,
                _("Version %(version)s of the package was signed.") % {"version": exported.version},
            )
        return redirect("learning:export")
    try:
        public_key = package.public_key_text(package.signing_key())
    except ImproperlyConfigured as error:
        public_key, key_error = "", str(error)
    else:
        key_error = ""
    preview = services.build_payload(version=0)
    return render(
        request,
        "learning/export.html",
        {
            "region_code": settings.ARKI_REGION_CODE,
            "region_name": settings.ARKI_REGION_NAME,
            "public_key": public_key,
            "key_error": key_error,
            "hub_url": settings.LEARNING_HUB_URL,
            "hub_ready": bool(settings.LEARNING_HUB_URL and settings.LEARNING_HUB_TOKEN),
            "figures": len(preview["figures"]),
            "hidden": sum(1 for figure in preview["figures"] if figure["hidden"]),
            "indicators": len({figure["indicator"] for figure in preview["figures"]}),
            "populations": preview["populations"],
            "shared": preview["learnings"],
            "versions": ExportedPackage.objects.defer("envelope")[:20],
        },
    )


@access_rule(SHARERS)
def export_download(request: ArkiRequest, version: int) -> HttpResponse:
    exported = get_object_or_404(ExportedPackage, version=version)
    response = HttpResponse(bytes(exported.envelope), content_type="application/json")
    name = f"arki-learning-{settings.ARKI_REGION_CODE}-v{exported.version}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@access_rule(SHARERS)
@require_POST
def export_send(request: ArkiRequest, version: int) -> HttpResponse:
    exported = get_object_or_404(ExportedPackage.objects.defer("envelope"), version=version)
    if not (settings.LEARNING_HUB_URL and settings.LEARNING_HUB_TOKEN):
        messages.error(request, _("No hub is configured (LEARNING_HUB_URL, LEARNING_HUB_TOKEN)."))
    else:
        send_package.enqueue(exported.version)
        messages.success(
            request,
            _("Version %(version)s is being sent to the hub.") % {"version": exported.version},
        )
    return redirect("learning:export")


# --- hub side --------------------------------------------------------------------------------


@access_rule(HUB_READERS)
def compare(request: ArkiRequest) -> HttpResponse:
    """The same indicator across regions and areas, per 1,000 where a denominator exists."""
    indicator = request.GET.get("indicator") or None
    result = selectors.comparison(indicator, request.GET.get("period") or None)
    form = ComparisonForm(
        [(c.code, c.name) for c in selectors.indicator_choices()],
        result.periods,
        initial={
            "indicator": result.indicator.code if result.indicator else "",
            "period": result.period,
        },
    )
    return render(
        request,
        "learning/compare.html",
        {
            "form": form,
            "result": result,
            "regions": Region.objects.filter(is_active=True).count(),
            "chart": result.chart(),
            "learnings": selectors.learnings()[:6],
            "is_keeper": _keeper(request),
        },
    )


@access_rule(HUB_READERS)
def hub_learnings(request: ArkiRequest) -> HttpResponse:
    form = LearningFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    return render(
        request,
        "learning/hub_learnings.html",
        {"form": form, "learnings": selectors.learnings(kind or None)},
    )


@access_rule(HUB_READERS)
def regions(request: ArkiRequest) -> HttpResponse:
    return render(
        request,
        "learning/regions.html",
        {
            "regions": [
                (
                    region,
                    next((p for p in region.packages.all() if p.is_current), None),
                    len(region.packages.all()),
                )
                for region in Region.objects.prefetch_related("packages").order_by("name")
            ],
            "is_keeper": _keeper(request),
        },
    )


@access_rule(HUB_READERS)
def region(request: ArkiRequest, code: str) -> HttpResponse:
    """A region's versions, and which figures changed from the previous one."""
    region = get_object_or_404(Region, code=code)
    versions = list(region.packages.order_by("-version"))
    current = next((p for p in versions if p.is_current), None)
    older = [p for p in versions if current is not None and p.version < current.version]
    changed = selectors.changes(current, older[0]) if current and older else []
    return render(
        request,
        "learning/region.html",
        {
            "region": region,
            "versions": versions,
            "current": current,
            "previous": older[0] if older else None,
            "changes": changed,
        },
    )


@access_rule(HUB_KEEPERS)
def upload(request: ArkiRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            received = services.receive_package(
                form.cleaned_data["package"].read(package.MAX_BYTES + 1),
                via=Via.UPLOAD,
                by=request.user,
            )
        except package.PackageRejected as error:
            form.add_error("package", _("The package was rejected: %(reason)s") % {"reason": error})
        else:
            messages.success(request, _received_message(received))
            return redirect("learning:region", code=received.package.region.code)
    return render(request, "learning/upload.html", {"form": form})


def _received_message(received: services.Received) -> str:
    values = {"region": received.package.region.name, "version": received.package.version}
    if not received.created:
        return (
            _("Version %(version)s of %(region)s had already been received: nothing changed.")
            % values
        )
    if received.replaced is not None:
        return _(
            "Version %(version)s of %(region)s replaced version %(old)s as the current one."
        ) % {**values, "old": received.replaced.version}
    if received.package.is_current:
        return _("Version %(version)s of %(region)s was received.") % values
    return (
        _("Version %(version)s of %(region)s was kept, but a newer version stays current.") % values
    )


def _body(request: PublicRequest) -> bytes:
    """The request body, read up to one byte over a package's 5 MB: not ``request.body``, whose
    limit (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB) is below a package's and answers in HTML."""
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > package.MAX_BYTES:
        raise package.PackageRejected(_("The package is larger than 5 MB."))
    return request.read(package.MAX_BYTES + 1)


@csrf_exempt
@access_rule(REGION_TOKEN)
def api_packages(request: PublicRequest) -> HttpResponse:
    """POST a signed package with ``Authorization: Bearer <region token>``."""
    if request.method != "POST":
        return JsonResponse({"error": "method not allowed"}, status=405, headers={"Allow": "POST"})
    header = request.headers.get("Authorization", "")
    token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    sender = services.region_for_token(token) if token else None
    if sender is None:
        return JsonResponse(
            {"error": "a valid region token is required"},
            status=401,
            headers={"WWW-Authenticate": 'Bearer realm="arki-learning"'},
        )
    try:
        received = services.receive_package(_body(request), via=Via.API, sender=sender)
    except package.PackageRejected as error:
        return JsonResponse({"error": str(error)}, status=400)
    result: Package = received.package
    return JsonResponse(
        {
            "region": result.region.code,
            "version": result.version,
            "current": result.is_current,
            "status": "created" if received.created else "unchanged",
            "replaced": received.replaced.version if received.replaced else None,
        },
        status=201 if received.created else 200,
    )


@access_rule(HUB_READERS)
def meetings(request: ArkiRequest) -> HttpResponse:
    """The monthly learning-network meetings and the learnings being tested in practice."""
    form = MeetingForm(request.POST or None)
    if request.method == "POST":
        if not _keeper(request):
            raise PermissionDenied
        if form.is_valid():
            meeting = submit(
                request,
                form,
                lambda: services.schedule_meeting(by=request.user, **form.cleaned_data),
                _("The meeting was scheduled."),
            )
            if meeting:
                return redirect("learning:meeting", pk=meeting.value.pk)
    return render(
        request,
        "learning/meetings.html",
        {
            "form": form,
            "meetings": NetworkMeeting.objects.order_by("-starts_at")[:36],
            "trials": Trial.objects.select_related("region", "meeting"),
            "statuses": TrialStatus,
            "is_keeper": _keeper(request),
        },
    )


@access_rule(HUB_READERS)
def meeting(request: ArkiRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(NetworkMeeting, pk=pk)
    form = NotesForm(request.POST or None, initial={"notes": meeting.notes})
    if request.method == "POST":
        if not _keeper(request):
            raise PermissionDenied
        if form.is_valid():
            services.save_meeting_notes(meeting, notes=form.cleaned_data["notes"], by=request.user)
            messages.success(request, _("The notes were saved."))
            return redirect("learning:meeting", pk=meeting.pk)
    return render(
        request,
        "learning/meeting.html",
        {
            "meeting": meeting,
            "form": form,
            "trials": meeting.trials.select_related("region"),
            "is_keeper": _keeper(request),
        },
    )


@access_rule(HUB_KEEPERS)
def trial(request: ArkiRequest, pk: int | None = None) -> HttpResponse:
    """Write down a learning to test in practice, or how its test went."""
    existing = get_object_or_404(Trial, pk=pk) if pk is not None else None
    initial = {}
    if existing is not None:
        initial = {
            "title": existing.title,
            "region": existing.region,
            "meeting": existing.meeting,
            "status": existing.status,
            "result": existing.result,
        }
    elif request.GET.get("meeting", "").isdigit():
        initial = {"meeting": NetworkMeeting.objects.filter(pk=request.GET["meeting"]).first()}
    form = TrialForm(request.POST or None, initial=initial)
    if submit(
        request,
        form,
        lambda: services.save_trial(trial=existing, **form.cleaned_data),
        _("The trial was saved."),
    ):
        return redirect("learning:meetings")
    return render(request, "learning/trial.html", {"form": form, "trial": existing})
