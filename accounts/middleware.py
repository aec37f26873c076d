"""Sign-in hardening on every request: session limits, the second factor, Permissions-Policy."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import ngettext

from accounts.models import SecurityEventKind
from accounts.services import (
    LAST_ACTIVITY,
    SIGNED_IN_AT,
    record_security_event,
    start_session_clock,
)

# Saving the session on every request is a database write; a minute's precision is enough.
ACTIVITY_RESOLUTION = 60
OIDC_BACKEND = "accounts.oidc.ArkiOIDCBackend"

# Pages an unverified signed-in user may still reach: the second factor itself, signing out,
# the language switch, and public pages that never show a staff user's data.
OTP_EXEMPT_VIEWS = frozenset(
    {
        "accounts:two_factor",
        "accounts:logout",
        "accounts:locked_out",
        "set_language",
        "home:healthz",
        "home:accessibility",
        "feedback:answer",
        "family:plan",
    }
)

GetResponse = Callable[[HttpRequest], HttpResponseBase]


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header (Django has no setting for it)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        policy = getattr(settings, "ARKI_PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response


def _minutes(seconds: int) -> int:
    return max(1, round(seconds / 60))


def _idle_message(seconds: int) -> str:
    minutes = _minutes(seconds)
    return ngettext(
        "You were signed out after %(minutes)d minute without activity.",
        "You were signed out after %(minutes)d minutes without activity.",
        minutes,
    ) % {"minutes": minutes}


def _absolute_message(seconds: int) -> str:
    hours = seconds / 3600
    if hours >= 1 and hours == int(hours):
        return ngettext(
            "You were signed out because %(hours)d hour has passed since you signed in.",
            "You were signed out because %(hours)d hours have passed since you signed in.",
            int(hours),
        ) % {"hours": int(hours)}
    minutes = _minutes(seconds)
    return ngettext(
        "You were signed out because %(minutes)d minute has passed since you signed in.",
        "You were signed out because %(minutes)d minutes have passed since you signed in.",
        minutes,
    ) % {"minutes": minutes}


class SessionTimeoutMiddleware:
    """Signs a user out after inactivity or after the session's absolute limit.

    Also signs out a session whose user has been deactivated, should any backend still
    return such a user.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        if not user.is_active:
            auth.logout(request)
            return self.get_response(request)
        now = time.time()
        session = request.session
        signed_in_at = session.get(SIGNED_IN_AT)
        last_activity = session.get(LAST_ACTIVITY)
        if signed_in_at is None or last_activity is None:
            # A session from before these limits: start counting now.
            start_session_clock(session)
            return self.get_response(request)
        idle_limit = settings.SESSION_IDLE_TIMEOUT
        absolute_limit = settings.SESSION_ABSOLUTE_TIMEOUT
        if idle_limit and now - last_activity > idle_limit:
            return self._expire(request, _idle_message(idle_limit))
        if absolute_limit and now - signed_in_at > absolute_limit:
            return self._expire(request, _absolute_message(absolute_limit))
        if now - last_activity >= ACTIVITY_RESOLUTION:
            session[LAST_ACTIVITY] = now
        return self.get_response(request)

    def _expire(self, request: HttpRequest, message: str) -> HttpResponseBase:
        record_security_event(SecurityEventKind.SESSION_EXPIRED, request=request, user=request.user)
        auth.logout(request)
        messages.info(request, message)
        if request.headers.get("HX-Request"):
            # htmx would swap the sign-in page into a fragment; send the whole page there.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse(settings.LOGIN_URL)
            return response
        if request.method == "GET":
            return redirect_to_login(request.get_full_path())
        return redirect(settings.LOGIN_URL)


def counts_as_verified(request: HttpRequest) -> bool:
    """Whether the signed-in user has passed the second factor in this session."""
    user: Any = request.user
    if getattr(user, "is_verified", None) and user.is_verified():
        return True
    return bool(
        settings.OIDC_COUNTS_AS_SECOND_FACTOR
        and request.session.get(auth.BACKEND_SESSION_KEY) == OIDC_BACKEND
    )


class OTPRequiredMiddleware:
    """Sends a signed-in user who has not verified a TOTP device to the two-factor page.

    Placed after django-otp's OTPMiddleware, which tells whether the session is verified.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponseBase | None:
        if not settings.ARKI_REQUIRE_OTP or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OTP_EXEMPT_VIEWS:
            return None
        if request.path_info.startswith(settings.STATIC_URL):
            return None
        if counts_as_verified(request):
            return None
        target = reverse("accounts:two_factor")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
