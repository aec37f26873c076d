"""The meeting memo for the family and participants: HTML and PDF in the family's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from meetings.models import MeetingRecord, Promise
from meetings.services import goal_progress
from networks.models import Meeting, MeetingStatus

MEMO_LANGUAGES = ("fi", "sv", "en")


def memo_context(meeting: Meeting) -> dict[str, Any]:
    network = meeting.network
    record = MeetingRecord.objects.filter(meeting=meeting).prefetch_related("present").first()
    meetings, rows = goal_progress(network)
    return {
        "network": network,
        "meeting": meeting,
        "record": record,
        "life_areas": record.life_areas.select_related("life_area") if record else [],
        "goals": rows,
        "rating_meetings": meetings,
        "promises": Promise.objects.filter(network=network, made_in=meeting)
        .select_related("participant")
        .order_by("due"),
        "reviewed": Promise.objects.filter(reviewed_in=meeting).select_related("participant"),
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


def feedback_codes(meeting: Meeting) -> list[tuple[str, str, str]]:
    """(name, QR code as a data URI, address) for each family member's unused feedback link."""
    import base64
    import io

    import qrcode
    import qrcode.image.svg

    from feedback.models import FeedbackInvitation
    from feedback.services import feedback_url

    codes = []
    for invitation in FeedbackInvitation.objects.filter(
        meeting=meeting, used_at__isnull=True, participant__kind__is_family=True
    ).select_related("participant"):
        url = feedback_url(invitation)
        buffer = io.BytesIO()
        qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
        data = base64.b64encode(buffer.getvalue()).decode()
        codes.append((invitation.participant.name, f"data:image/svg+xml;base64,{data}", url))
    return codes


def render_memo_pdf(meeting: Meeting, language: str) -> bytes:
    """The memo as a PDF (WeasyPrint). Free text is escaped by the template like everywhere.

    The family's printed memo carries a QR code of each family member's feedback link.
    """
    from core.pdf import render_pdf

    with translation.override(language):
        html = render_to_string(
            "meetings/memo_pdf.html",
            {
                **memo_context(meeting),
                "language": language,
                "feedback_codes": feedback_codes(meeting),
            },
        )
    stylesheet = settings.BASE_DIR / "meetings" / "static" / "meetings" / "memo.css"
    return render_pdf(html, base_url=settings.BASE_DIR, stylesheets=[stylesheet])
