"""Views for the monitoring system: readiness and Prometheus metrics. No person's data."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST

from audit.access import PUBLIC, HasRole, ServiceToken, access_rule
from audit.roles import Role
from core.http import ArkiRequest, PublicRequest
from operations import metrics
from operations.golive import READY, go_live_checks
from operations.readiness import readiness

METRICS_TOKEN = ServiceToken("metrics-token")
ADMINISTRATORS = HasRole((Role.ADMINISTRATOR,))


@access_rule(PUBLIC)
@never_cache
def readyz(request: PublicRequest) -> JsonResponse:
    """200 when Arki can do all its work (database, worker, periodic tasks), 503 otherwise."""
    ready, report = readiness(timezone.now())
    return JsonResponse(report, status=200 if ready else 503)


def _bearer_token(request: PublicRequest) -> str:
    header = request.headers.get("Authorization", "")
    return header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""


@access_rule(METRICS_TOKEN)
@never_cache
def metrics_view(request: PublicRequest) -> HttpResponse:
    """The Prometheus scrape: ``Authorization: Bearer <ARKI_METRICS_TOKEN>``. Without a token
    configured the endpoint does not exist (404)."""
    expected = settings.ARKI_METRICS_TOKEN
    if not expected:
        raise Http404
    if not hmac.compare_digest(_bearer_token(request).encode(), expected.encode()):
        return HttpResponse(
            "a valid bearer token is required\n",
            status=401,
            content_type="text/plain; charset=utf-8",
            headers={"WWW-Authenticate": 'Bearer realm="arki-metrics"'},
        )
    return HttpResponse(metrics.scrape(), content_type=CONTENT_TYPE_LATEST)


@access_rule(ADMINISTRATORS)
@never_cache
def go_live(request: ArkiRequest) -> HttpResponse:
    """The administrator's readiness page: what the region needs before going live."""
    checks = go_live_checks(timezone.now())
    return render(
        request,
        "operations/go_live.html",
        {"checks": checks, "ready": sum(check.state == READY for check in checks)},
    )
