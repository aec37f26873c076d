"""The meeting memo for the family and participants: HTML and PDF in the family's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from meetings.models import MeetingRecord, Promise, PromiseStatus
from meetings.services import goal_progress
from networks.models import Meeting, MeetingStatus, Participant

MEMO_LANGUAGES = ("fi", "sv", "en")


def memo_context(meeting: Meeting) -> dict[str, Any]:
    network = meeting.network
    record = (
        MeetingRecord.objects.filter(meeting=meeting)
        .prefetch_related(
            Prefetch("present", queryset=Participant.objects.select_related("kind", "service"))
        )
        .first()
    )
    meetings, rows = goal_progress(network)
    return {
        "network": network,
        "meeting": meeting,
        "record": record,
        # Only life areas with something written: no empty headings in the memo.
        "life_areas": [
            note
            for note in record.life_areas.select_related("life_area")
            if note.strengths or note.vulnerabilities
        ]
        if record
        else [],
        "child_views": list(record.child_views.select_related("child")) if record else [],
        "goals": rows,
        "rating_meetings": meetings,
        "promises": Promise.objects.filter(network=network, made_in=meeting)
        .select_related("participant")
        .order_by("due"),
        "reviewed": Promise.objects.filter(reviewed_in=meeting).select_related("participant"),
        # Promises of earlier meetings that were still open after this one: carried over.
        "carried": Promise.objects.filter(
            Q(status=PromiseStatus.OPEN) | Q(reviewed_in__starts_at__gt=meeting.starts_at),
            network=network,
            made_in__starts_at__lt=meeting.starts_at,
        )
        .exclude(reviewed_in=meeting)
        .select_related("participant")
        .order_by("due"),
        "family_feedback": family_invited(meeting),
        "next_meeting": network.meetings.filter(
            status=MeetingStatus.PLANNED, starts_at__gt=meeting.starts_at
        )
        .order_by("starts_at")
        .first(),
    }


def memo_language(requested: str | None, meeting: Meeting) -> str:
    if requested in MEMO_LANGUAGES:
        return requested
    return meeting.network.family_language


def feedback_code(meeting: Meeting, recipient: Participant) -> tuple[str, str, str] | None:
    """(name, QR code as a data URI, address) of the recipient's own unused feedback link.

    A personal link answers for its holder, so it goes only into the copy meant for that
    family member, never into a copy anyone else can download or read.
    """
    import base64
    import io

    import qrcode
    import qrcode.image.svg

    from feedback.models import FeedbackInvitation
    from feedback.services import feedback_url

    invitation = (
        FeedbackInvitation.objects.filter(
            meeting=meeting,
            participant=recipient,
            participant__kind__is_family=True,
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("participant")
        .first()
    )
    if invitation is None:
        return None
    url = feedback_url(invitation)
    buffer = io.BytesIO()
    qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    data = base64.b64encode(buffer.getvalue()).decode()
    return invitation.participant.name, f"data:image/svg+xml;base64,{data}", url


def family_invited(meeting: Meeting) -> bool:
    """Were the meeting's family members sent feedback links (for the neutral line)?"""
    from feedback.models import FeedbackInvitation

    return FeedbackInvitation.objects.filter(
        meeting=meeting, participant__kind__is_family=True
    ).exists()


def memo_pdf_html(meeting: Meeting, language: str, *, recipient: Participant | None = None) -> str:
    """The PDF memo's HTML. With no recipient (a download) it carries no personal link; the copy
    for one family member carries that member's own feedback link only."""
    code = feedback_code(meeting, recipient) if recipient is not None else None
    with translation.override(language):
        return render_to_string(
            "meetings/memo_pdf.html",
            {
                **memo_context(meeting),
                "language": language,
                "feedback_code": code,
            },
        )


def render_memo_pdf(
    meeting: Meeting, language: str, *, recipient: Participant | None = None
) -> bytes:
    """The memo as a PDF (WeasyPrint). Free text is escaped by the template like everywhere.

    Only the copy for one family member (``recipient``) carries a feedback link: a QR code of
    that member's own link. The downloaded memo carries none.
    """
    from core.pdf import render_pdf

    html = memo_pdf_html(meeting, language, recipient=recipient)
    stylesheet = settings.BASE_DIR / "meetings" / "static" / "meetings" / "memo.css"
    # PDF/A, tagged; the title comes from the template's <title> (the memo's heading).
    return render_pdf(html, base_url=settings.BASE_DIR, stylesheets=[stylesheet], language=language)
