"""PDF rendering (WeasyPrint) with a time limit.

WeasyPrint has no timeout of its own, and a thread cannot be stopped, so each render runs in a
child process that is killed when it passes ``ARKI_PDF_TIME_LIMIT`` seconds (see
docs/decisions/0002-bad-input-and-concurrent-use.md). Children are forked from a fork server
that has WeasyPrint imported already: a render costs a fork, not a second of imports, and the
child shares nothing with the web worker (no database connection, no threads).

This module imports nothing from Django at import time: the fork server imports it.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DEFAULT_TIME_LIMIT = 20.0


class PdfTimeLimitExceeded(Exception):
    """The PDF was not ready within the time limit; the render was stopped."""


class PdfRenderError(Exception):
    """WeasyPrint failed in the child process."""


def _context() -> Any:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["core.pdf_server"])
    return context


def _write_pdf(
    sender: multiprocessing.connection.Connection,
    html: str,
    base_url: str,
    stylesheets: list[str],
) -> None:
    """In the child: render and send back ``("pdf", bytes)`` or ``("error", text)``."""
    try:
        from weasyprint import HTML

        pdf = HTML(string=html, base_url=base_url).write_pdf(stylesheets=stylesheets)
        sender.send(("pdf", pdf))
    except Exception as error:  # reported to the parent, which raises
        sender.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        sender.close()


def render_pdf(
    html: str,
    *,
    base_url: str | Path,
    stylesheets: Sequence[str | Path] = (),
    time_limit: float | None = None,
) -> bytes:
    """``html`` as PDF bytes, or :class:`PdfTimeLimitExceeded` after ``time_limit`` seconds
    (default: the ``ARKI_PDF_TIME_LIMIT`` setting)."""
    if time_limit is None:
        from django.conf import settings

        time_limit = float(getattr(settings, "ARKI_PDF_TIME_LIMIT", DEFAULT_TIME_LIMIT))
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_write_pdf,
        args=(sender, html, str(base_url), [str(sheet) for sheet in stylesheets]),
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(time_limit):
            raise PdfTimeLimitExceeded(f"no PDF within {time_limit} s")
        try:
            kind, payload = receiver.recv()
        except EOFError:
            raise PdfRenderError("the PDF process ended without an answer") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if kind != "pdf":
        raise PdfRenderError(payload)
    return bytes(payload)
