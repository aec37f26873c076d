"""Every request logged and counted; a database outage answers 503, not a 500 or a hung worker.

:class:`RequestLogMiddleware` writes one line per request (route name, status, duration, request
and user id — never the path, its query string or anything the user typed) and feeds the
Prometheus series (operations.metrics).

In :class:`DatabaseUnavailableMiddleware` a database outage answers 503 with Retry-After and a
short page. Django turns an exception raised inside a middleware (the session store, the user lookup, the
session timeouts) into a 500 response at that layer, so it never reaches an outer middleware
as an exception. ``note_database_outage`` (connected to ``got_request_exception``) marks the
request when that exception was a database connection error; the middleware, placed outside
everything that reads the database, swaps such a 500 for the 503 page. Exceptions raised by
views reach ``process_exception`` directly.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import empty

from operations import metrics
from operations.logs import current_request_id

logger = logging.getLogger("arki.operations")
request_logger = logging.getLogger("arki.requests")

OUTAGE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
MARK = "_arki_database_unavailable"
# The page loads only Arki's own stylesheet; CSPMiddleware (further in) may not have run.
PAGE_CSP = (
    "default-src 'self'; script-src 'none'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)


def note_database_outage(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """``got_request_exception`` receiver: remember that the request failed on the database."""
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, OUTAGE_ERRORS):
        setattr(request, MARK, True)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 page in the user's language, rendered without touching the database."""
    # Language from the URL, cookie or Accept-Language only: LocaleMiddleware may not have run.
    language = translation.get_language_from_request(request)
    with translation.override(language):
        body = render_to_string(
            "503.html",
            {"LANGUAGE_CODE": language, "installation_name": settings.ARKI_INSTALLATION_NAME},
        )
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = language
    response["Content-Security-Policy"] = PAGE_CSP
    response["X-Frame-Options"] = "DENY"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, MARK, False) and response.status_code >= 500:
            return unavailable_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OUTAGE_ERRORS):
            # The route's name, not the path: a path may carry a family member's link.
            logger.warning(
                "database unavailable: %s %s: %s", request.method, route_name(request), exception
            )
            setattr(request, MARK, True)
            return unavailable_response(request)
        return None


def route_name(request: HttpRequest) -> str:
    """The URL pattern's name (``networks:detail``): the same for every id, so no record or
    person can be told from it."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return str(match.view_name)
    if request.path.startswith(settings.STATIC_URL or "/static/"):
        return "static"
    return "unresolved"


def signed_in_user_id(request: HttpRequest) -> int | None:
    """The signed-in user's primary key, if the request already looked the user up; never
    queries the database for it (the lookup may be what failed)."""
    user = request.__dict__.get("user")
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


class RequestLogMiddleware:
    """One log line and the metrics per request. Placed right after RequestIdMiddleware, so the
    status is the one the client gets and the duration covers every other middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request_id = getattr(request, "request_id", "")
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            route = route_name(request)
            method = str(request.method)
            metrics.observe_request(route, method, response.status_code, seconds)
            duration_ms = round(seconds * 1000, 1)
            request_logger.log(
                logging.ERROR if response.status_code >= 500 else logging.INFO,
                "%s %s %s %sms",
                method,
                route,
                response.status_code,
                duration_ms,
                extra={
                    "request_id": request_id,
                    "user_id": signed_in_user_id(request),
                    "route": route,
                    "method": method,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
            return response
        finally:
            current_request_id.reset(token)
