"""Answers every view shares: personal pages and files are not stored, a slow PDF is a message."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from core.pdf import PdfTimeLimitExceeded

logger = logging.getLogger("arki.core")

RETRY_AFTER_SECONDS = 30


def is_personal(request: HttpRequest) -> bool:
    """The view's access rule (set by audit.access.access_rule) guards someone's data."""
    return bool(getattr(getattr(request, "access_rule", None), "personal", False))


def is_file(response: HttpResponse) -> bool:
    """A download or export (PDF, CSV, XLSX, JSON…) rather than a page."""
    content_type = response.get("Content-Type", "")
    return "Content-Disposition" in response or not content_type.startswith("text/html")


class CacheControlMiddleware:
    """``Cache-Control: no-store`` on every answer of a personal view and on every file, so no
    browser or proxy keeps a copy of a child's data on disk."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_personal(request) or is_file(response):
            patch_cache_control(response, no_store=True, private=True)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, PdfTimeLimitExceeded):
            logger.warning("PDF time limit: %s %s: %s", request.method, request.path, exception)
            response = render(request, "core/pdf_time_limit.html", status=503)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return None
