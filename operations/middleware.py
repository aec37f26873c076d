"""A database outage answers 503 with Retry-After and a short page, not a 500 or a hung worker.

Django turns an exception raised inside a middleware (the session store, the user lookup, the
session timeouts) into a 500 response at that layer, so it never reaches an outer middleware
as an exception. ``note_database_outage`` (connected to ``got_request_exception``) marks the
request when that exception was a database connection error; the middleware, placed outside
everything that reads the database, swaps such a 500 for the 503 page. Exceptions raised by
views reach ``process_exception`` directly.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger("arki.operations")

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
            logger.warning(
                "database unavailable: %s %s: %s", request.method, request.path, exception
            )
            setattr(request, MARK, True)
            return unavailable_response(request)
        return None
