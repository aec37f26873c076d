from typing import Any

from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from audit.access import PUBLIC, SIGNED_IN, access_rule
from audit.roles import Role
from contacts.selectors import pending_contact_count
from core.http import ArkiRequest, PublicRequest
from directory.selectors import contact_points_for_user
from programmes.models import Programme


def _programmes_of(user: Any) -> tuple[list[Programme], bool]:
    """The active programmes the user's memberships name, and whether any did.

    A user whose memberships name no programme (or only ones no longer in use) works across
    them all and sees every active programme.
    """
    ids = {m.programme_id for m in user.memberships.all() if m.programme_id}
    active = Programme.objects.filter(is_active=True)
    own = list(active.filter(pk__in=ids)) if ids else []
    return (own, True) if own else (list(active), False)


def _shared(texts: list[str]) -> str | None:
    """The one text every programme of the user says alike; None when they differ."""
    return texts[0] if len(set(texts)) == 1 else None


@access_rule(SIGNED_IN)
def home(request: ArkiRequest) -> HttpResponse:
    programmes, limited = _programmes_of(request.user)
    points = contact_points_for_user(request.user)
    if limited:
        # The coordinating numbers of the user's own programmes only.
        points = points.filter(programme__in=programmes)
    context: dict[str, Any] = {
        "contact_points": points,
        # One card per programme: its own discussion method, in its own words.
        "discussion_cards": [
            {
                "programme": programme,
                "method": programme.method_name or str(programme),
                "text": programme.words.discussion_card,
            }
            for programme in programmes
        ],
        # The programme's own words when all the user's programmes say it alike, else neutral.
        "lead": _shared([programme.words.home_lead for programme in programmes]),
        "directory_text": _shared([programme.words.directory_card for programme in programmes]),
    }
    if request.user.has_any_role((Role.COORDINATOR,)):
        # The coordinator's day starts here: record a call, see what waits.
        context["pending_contacts"] = pending_contact_count(request.user)
    return render(request, "home/home.html", context)


@access_rule(PUBLIC)
def accessibility_statement(request: PublicRequest) -> HttpResponse:
    return render(
        request,
        "home/accessibility.html",
        {"statement_date": _("Statement drawn up on 22 November 2026.")},
    )


@access_rule(PUBLIC)
def healthz(request: PublicRequest) -> JsonResponse:
    """Liveness and database check for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@access_rule(SIGNED_IN)
def ping(request: ArkiRequest) -> HttpResponse:
    """The floor of the load benchmark: the whole middleware stack and sign-in, no page work."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
