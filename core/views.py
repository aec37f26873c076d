from typing import Any

from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.models import Role
from audit.access import PUBLIC, SIGNED_IN, access_rule
from contacts.selectors import pending_contact_count
from directory.selectors import contact_points_for_user


@access_rule(SIGNED_IN)
def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"contact_points": contact_points_for_user(request.user)}
    if request.user.has_any_role((Role.COORDINATOR,)):  # type: ignore[union-attr]
        # The coordinator's day starts here: record a call, see what waits.
        context["pending_contacts"] = pending_contact_count(request.user)
    return render(request, "core/home.html", context)


@access_rule(PUBLIC)
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/accessibility.html",
        {"statement_date": _("Statement drawn up on 22 November 2026.")},
    )


@access_rule(PUBLIC)
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@access_rule(SIGNED_IN)
def ping(request: HttpRequest) -> HttpResponse:
    """The floor of the load benchmark: the whole middleware stack and sign-in, no page work."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
