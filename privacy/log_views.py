"""The data protection officer's pages: the access-log search, a client's report, break-glass review.

The log search shows record numbers, never names. The client's report names the network's
child or client (the officer prints it for them), so it goes through the one access check and
is itself logged.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit import checkpoints
from audit.access import HasRole, PersonalRecord, access_rule, record_or_refuse, require_access
from audit.chain import verify_all
from audit.models import AccessLog, Basis, ChainHead, DisclosureLog
from audit.policy import NetworkAction
from audit.roles import Role
from core.forms import submit
from core.http import ArkiRequest
from networks import consent
from networks.models import BreakGlassGrant, Network
from privacy.log_forms import LogSearchForm, ReportForm, ReviewForm

OFFICERS = HasRole((Role.DATA_PROTECTION_OFFICER,))
REPORT_YEARS = 2


# The client's report names the child: a personal view, for the data protection officer.
CLIENT_REPORT = PersonalRecord(name="data-protection-officer")


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@access_rule(OFFICERS)
def search(request: ArkiRequest) -> HttpResponse:
    """Search the access log: by user, network, time, action, basis, refusals."""
    form = LogSearchForm(request.GET or None)
    rows: QuerySet[AccessLog] = AccessLog.objects.select_related("actor")
    if form.is_valid():
        data = form.cleaned_data
        if data["user"]:
            rows = rows.filter(actor_label__iexact=data["user"].strip())
        if data["network"]:
            rows = rows.filter(subject_type="networks.network", subject_id=str(data["network"]))
        if data["since"]:
            rows = rows.filter(at__gte=_start(data["since"]))
        if data["until"]:
            rows = rows.filter(at__lt=_start(data["until"] + timedelta(days=1)))
        if data["action"]:
            rows = rows.filter(action=data["action"])
        if data["basis"]:
            rows = rows.filter(basis=data["basis"])
        if data["refused"]:
            rows = rows.filter(success=False)
    page = Paginator(rows.order_by("-at", "-id"), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/search.html",
        {
            "form": form,
            "page": page,
            "heads": ChainHead.objects.order_by("log"),
            "unreviewed": _grants().filter(reviewed_at__isnull=True).count(),
        },
    )


@access_rule(OFFICERS)
def verify(request: ArkiRequest) -> HttpResponse:
    """Check the logs' hash chains and the signed checkpoints now (the periodic tasks seal new
    rows and write a checkpoint a day)."""
    found = checkpoints.verify_checkpoints()
    latest: dict[str, checkpoints.CheckpointVerdict] = {}
    for checkpoint in found:
        if checkpoint.intact:
            latest[checkpoint.log] = checkpoint  # verdicts come oldest first
    return render(
        request,
        "audit/verify.html",
        {
            "verdicts": verify_all(),
            "broken_checkpoints": [checkpoint for checkpoint in found if not checkpoint.intact],
            "checked_checkpoints": len(found),
            "latest_checkpoints": [latest[log] for log in sorted(latest)],
            "public_key": checkpoints.public_key_text(checkpoints.signing_key().verify_key),
        },
    )


def _network_subjects(network: Any) -> Q:
    contact_ids = [str(pk) for pk in network.contacts.values_list("pk", flat=True)]
    return Q(subject_type="networks.network", subject_id=str(network.pk)) | Q(
        subject_type="contacts.contact", subject_id__in=contact_ids
    )


@access_rule(CLIENT_REPORT, NetworkAction.CLIENT_REPORT)
def client_report(request: ArkiRequest, pk: int) -> HttpResponse:
    """A report for the client: who processed their data and when (default the last two years)."""
    network = record_or_refuse(Network, pk=pk)
    require_access(request, network, NetworkAction.CLIENT_REPORT)
    form = ReportForm(request.GET or None)
    today = timezone.localdate()
    since = today.replace(year=today.year - REPORT_YEARS)
    until = today
    if form.is_valid():
        since = form.cleaned_data["since"] or since
        until = form.cleaned_data["until"] or until
    window = Q(at__gte=_start(since), at__lt=_start(until + timedelta(days=1)))
    accesses = (
        AccessLog.objects.filter(_network_subjects(network) & window, success=True)
        .exclude(basis=Basis.DATA_PROTECTION_OFFICER)
        .select_related("actor")
        .prefetch_related("actor__memberships__organisation")
        .order_by("at")
    )
    disclosures = list(
        DisclosureLog.objects.filter(_network_subjects(network) & window).order_by("at")
    )
    # Recipients are logged as "participant <id>": name them for the client.
    names = {f"participant {p.pk}": p.name for p in network.participants.all()}
    for row in disclosures:
        row.recipient_name = names.get(row.recipient, row.recipient)
    return render(
        request,
        "audit/client_report.html",
        {
            "network": network,
            "form": form,
            "since": since,
            "until": until,
            "accesses": accesses,
            "disclosures": disclosures,
        },
    )


def _grants() -> Any:
    return BreakGlassGrant.objects.select_related("user", "reviewed_by")


@access_rule(OFFICERS)
def break_glass(request: ArkiRequest) -> HttpResponse:
    """Every emergency access, unreviewed first, with what was opened during it."""
    grants = list(_grants().order_by("reviewed_at", "-granted_at")[:200])
    for grant in grants:
        grant.uses = AccessLog.objects.filter(
            actor_id=grant.user_id,
            basis=Basis.BREAK_GLASS,
            subject_type="networks.network",
            subject_id=str(grant.network_id),
            at__gte=grant.granted_at,
            at__lte=grant.expires_at,
        ).count()
    return render(request, "audit/break_glass.html", {"grants": grants, "form": ReviewForm()})


@access_rule(OFFICERS)
@require_POST
def review(request: ArkiRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(_grants(), pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a review note."))
        return redirect("audit:break_glass")
    submit(
        request,
        None,
        lambda: consent.review_break_glass(
            grant=grant, by=request.user, note=form.cleaned_data["note"]
        ),
        _("The emergency access was reviewed."),
    )
    return redirect("audit:break_glass")
