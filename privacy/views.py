"""Data-protection pages: the data subject's export and the administrator's retention report."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render

from audit.access import HasRole, access_rule, record_disclosure, record_or_refuse, require_access
from audit.models import Basis, DisclosureChannel
from audit.policy import NetworkAction
from audit.roles import Role
from core.http import ArkiRequest
from networks.access import NETWORK
from networks.models import Network
from privacy.export import subject_export as build_export
from privacy.retention import apply_retention

ADMINISTRATORS = HasRole((Role.ADMINISTRATOR,))
EXPORT_RECIPIENT = "the data subject (Article 15 request)"


@access_rule(NETWORK, NetworkAction.EXPORT)
def subject_export(request: ArkiRequest, pk: int) -> HttpResponse:
    """Everything about the network's child or client as JSON, for a right-of-access request."""
    network = record_or_refuse(
        Network.objects.select_related("area", "programme", "coordinator", "initiator"), pk=pk
    )
    require_access(request, network, NetworkAction.EXPORT)
    document = build_export(network)
    record_disclosure(
        actor=request.user,
        subject=network,
        data=f"everything about network {network.pk} (JSON export)",
        recipient=EXPORT_RECIPIENT,
        channel=DisclosureChannel.EXPORT,
        basis=Basis.DATA_SUBJECT_REQUEST,
        request_id=getattr(request, "request_id", ""),
    )
    body = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="arki-network-{network.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response


@access_rule(ADMINISTRATORS)
def retention_report(request: ArkiRequest) -> HttpResponse:
    """What a retention run would erase today: counts and network numbers, never names."""
    report = apply_retention(dry_run=True)
    return render(request, "privacy/retention.html", {"report": report})
