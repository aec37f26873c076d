"""PDF rendering (WeasyPrint) with a time limit.

WeasyPrint has no timeout of its own, and a thread cannot be stopped, so each render runs in a
child process that is killed when it passes ``ARKI_PDF_TIME_LIMIT`` seconds (see
docs/decisions/0002-bad-input-and-concurrent-use.md). Children are forked from a fork server
that has WeasyPrint imported already: a render costs a fork, not a second of imports, and the
child shares nothing with the web worker (no database connection, no threads).

Every PDF Arki makes is archive-ready (issue #20): PDF/A (``PDF_VARIANT``, fonts embedded,
sRGB output intent, XMP metadata), tagged for screen readers (``pdf_tags``), with the document's
title, language (``/Lang``) and ``Arki`` as the creator. See docs/operations.md, "Archive-ready
documents".

This module imports nothing from Django at import time: the fork server imports it.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DEFAULT_TIME_LIMIT = 20.0

#: The PDF/A variant of every PDF (WeasyPrint's ``pdf_variant``). PDF/A-2b: fonts embedded,
#: colours in an sRGB output intent, XMP metadata. Not "-3": Arki embeds no files, and PDF/A-2 is
#: the level archives and validators accept most widely. Not "-2a": WeasyPrint's tags are not
#: claimed to be complete, so the document claims the "b" level and is tagged besides.
#: ``ARKI_PDF_VARIANT`` in the settings overrides it.
PDF_VARIANT = "pdf/a-2b"

#: ``/Creator`` of the PDF (and ``xmp:CreatorTool``); WeasyPrint stays the ``/Producer``.
CREATOR = "Arki"


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
    metadata: dict[str, str],
    variant: str,
) -> None:
    """In the child: render and send back ``("pdf", bytes)`` or ``("error", text)``."""
    try:
        from datetime import UTC, datetime

        from weasyprint import HTML

        options: dict[str, Any] = {
            "stylesheets": stylesheets,
            "pdf_variant": variant or None,
            "pdf_tags": True,
        }
        document = HTML(string=html, base_url=base_url).render(**options)
        info = document.metadata
        if metadata.get("title"):
            info.title = metadata["title"]
        if metadata.get("language"):
            info.lang = metadata["language"]
        if metadata.get("subject"):
            info.description = metadata["subject"]
        info.generator = CREATOR
        if not info.authors:
            info.authors = [metadata.get("author") or CREATOR]
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        info.created = info.created or now
        info.modified = info.modified or now
        pdf = document.write_pdf(**options)
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
    title: str | None = None,
    language: str | None = None,
    subject: str | None = None,
    author: str | None = None,
    time_limit: float | None = None,
) -> bytes:
    """``html`` as archive-ready PDF bytes (PDF/A, tagged), or :class:`PdfTimeLimitExceeded`
    after ``time_limit`` seconds (default: the ``ARKI_PDF_TIME_LIMIT`` setting).

    ``title`` and ``language`` (a BCP 47 tag such as ``fi``) override the HTML's ``<title>`` and
    ``<html lang>``; ``subject`` becomes ``/Subject``, ``author`` ``/Author`` (default ``Arki``).
    The creator is always ``Arki``.
    """
    from django.conf import settings

    if time_limit is None:
        time_limit = float(getattr(settings, "ARKI_PDF_TIME_LIMIT", DEFAULT_TIME_LIMIT))
    variant = str(getattr(settings, "ARKI_PDF_VARIANT", PDF_VARIANT))
    metadata = {
        key: value
        for key, value in {
            "title": title,
            "language": language,
            "subject": subject,
            "author": author,
        }.items()
        if value
    }
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_write_pdf,
        args=(
            sender,
            html,
            str(base_url),
            [str(sheet) for sheet in stylesheets],
            metadata,
            variant,
        ),
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
