"""Feedback: load versioned surveys, invite participants with single-use links, take answers.

An answer is stored with its area, programme, meeting kind, audience and month only, under a
random id; the invitation it came through is marked used with the month only, and nothing links
or orders the two against each other.
"""

from __future__ import annotations

import re
import secrets
import tomllib
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.clock import now_or
from core.errors import ValidationError
from feedback.models import (
    Answer,
    Audience,
    FeedbackInvitation,
    InvitationCount,
    Response,
    Survey,
    SurveyVersion,
)
from networks.deadlines import local_date
from networks.models import Meeting, Network, Participant
from notifications.services import send_email
from programmes.models import Programme

DATA_FILE = Path(__file__).resolve().parent / "data" / "surveys.toml"
KINDS = {"scale5": (1, 5), "scale10": (0, 10), "text": None}
INVITATION_DAYS = 30


def load_surveys(path: Path | None = None) -> list[str]:
    """Upsert surveys from the TOML file; changed questions make a new version. All or nothing."""
    path = path or DATA_FILE
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"{path.name}: {error}") from None
    programmes = {p.code: p for p in Programme.objects.all()}
    lines: list[str] = []
    problems: list[str] = []
    specs = data.get("survey", [])
    for index, spec in enumerate(specs, start=1):
        where = f"{path.name}: survey {index}"
        if spec.get("programme") not in programmes:
            problems.append(f"{where}: unknown programme {spec.get('programme')!r}")
        if spec.get("audience") not in Audience.values:
            problems.append(f"{where}: unknown audience {spec.get('audience')!r}")
        codes = [q.get("code") for q in spec.get("questions", [])]
        if not codes or len(codes) != len(set(codes)):
            problems.append(f"{where}: questions need unique codes")
        for question in spec.get("questions", []):
            if question.get("kind") not in KINDS:
                problems.append(f"{where}: question {question.get('code')!r}: unknown kind")
            if not question.get("text_fi"):
                problems.append(f"{where}: question {question.get('code')!r}: text_fi missing")
    if problems:
        raise ValueError("\n".join(problems))
    with transaction.atomic():
        for spec in specs:
            survey, _created = Survey.objects.update_or_create(
                programme=programmes[spec["programme"]],
                audience=spec["audience"],
                defaults={
                    "name_fi": spec.get("name_fi", ""),
                    "name_sv": spec.get("name_sv", ""),
                    "name_en": spec.get("name_en", ""),
                    "is_active": True,
                },
            )
            latest = survey.versions.order_by("-number").first()
            if latest is None or latest.questions != spec["questions"]:
                number = latest.number + 1 if latest else 1
                SurveyVersion.objects.create(
                    survey=survey, number=number, questions=spec["questions"]
                )
                lines.append(f"survey {spec['programme']}/{spec['audience']}: version {number}")
    return lines


def audience_for(participant: Participant) -> str:
    if participant.kind.code == "child":
        return Audience.CHILD
    return Audience.FAMILY if participant.kind.is_family else Audience.PROFESSIONAL


def token_for(invitation: FeedbackInvitation) -> str:
    """The link's token: the id and an HMAC, so the link can be printed again but not forged."""
    mac = salted_hmac("arki.feedback", f"{invitation.pk}:{invitation.nonce}").hexdigest()[:32]
    return f"{invitation.pk}.{mac}"


def feedback_url(invitation: FeedbackInvitation) -> str:
    return f"{settings.ARKI_BASE_URL.rstrip('/')}/feedback/{token_for(invitation)}/"


@dataclass(frozen=True)
class Lookup:
    invitation: FeedbackInvitation | None
    problem: str  # "", "malformed", "forged", "used", "expired"


# What a link could hold after copying: printable ASCII. Anything else (other scripts' digits,
# control characters, broken percent-escapes) cannot be one of our tokens.
PRINTABLE = re.compile(r"[\x20-\x7e]*")
ID_DIGITS = re.compile(r"[0-9]{1,18}")


def find_invitation(token: str, *, now: datetime | None = None) -> Lookup:
    """The invitation behind a link token, or why it cannot be used.

    "malformed": the token cannot be read at all; "forged": it reads but no invitation made it.
    """
    if not PRINTABLE.fullmatch(token):
        return Lookup(None, "malformed")
    pk, _dot, _mac = token.partition(".")
    invitation = (
        FeedbackInvitation.objects.filter(pk=int(pk)).select_related("survey_version").first()
        if ID_DIGITS.fullmatch(pk)
        else None
    )
    if invitation is None or not constant_time_compare(token_for(invitation), token):
        return Lookup(None, "forged")
    if invitation.used_at is not None:
        return Lookup(invitation, "used")
    if invitation.expires_at <= now_or(now):
        return Lookup(invitation, "expired")
    return Lookup(invitation, "")


@transaction.atomic
def invite(
    *,
    network: Network,
    occasion: str,
    meeting: Meeting | None = None,
    now: datetime | None = None,
) -> list[FeedbackInvitation]:
    """Invite every participant whose audience has a survey; email those with an address."""
    surveys = {
        survey.audience: survey.versions.order_by("-number").first()
        for survey in Survey.objects.filter(programme=network.programme, is_active=True)
    }
    now = now_or(now)
    month = local_date(now).replace(day=1)
    meeting_kind = meeting.kind if meeting else ""
    created: list[FeedbackInvitation] = []
    from networks.consent import receiving  # removed, banned and withdrawn are not asked

    for participant in receiving(network.participants.all()).select_related("kind", "user"):
        version = surveys.get(audience_for(participant))
        if version is None:
            continue
        invitation, new = FeedbackInvitation.objects.get_or_create(
            participant=participant,
            meeting=meeting,
            occasion=occasion,
            defaults={
                "survey_version": version,
                "nonce": secrets.token_hex(16),
                "expires_at": now + timedelta(days=INVITATION_DAYS),
                "sent_at": now,
            },
        )
        if not new:
            continue
        counter, _made = InvitationCount.objects.get_or_create(
            area=network.area,
            programme=network.programme,
            audience=audience_for(participant),
            meeting_kind=meeting_kind,
            occasion=occasion,
            month=month,
        )
        InvitationCount.objects.filter(pk=counter.pk).update(sent=F("sent") + 1)
        created.append(invitation)
        if participant.email:
            language = (
                participant.user.preferred_language if participant.user else network.family_language
            )
            with override(language):
                send_email(
                    to=[participant.email],
                    subject=_("Your feedback on the network work"),
                    body=_(
                        "Thank you for taking part. Tell us how the work went: it takes two "
                        "minutes and your answer is anonymous.\n\n%(url)s\n\n"
                        "The link works once and for %(days)s days."
                    )
                    % {"url": feedback_url(invitation), "days": INVITATION_DAYS},
                    now=now,
                )
    return created


def questions(version: SurveyVersion, language: str) -> list[dict[str, Any]]:
    return [
        {**q, "text": q.get(f"text_{language}") or q["text_fi"], "range": KINDS[q["kind"]]}
        for q in version.questions
    ]


def month_start(moment: datetime) -> datetime:
    """The first moment of ``moment``'s month in the installation's time zone (Europe/Helsinki)."""
    first = local_date(moment).replace(day=1)
    return timezone.make_aware(datetime.combine(first, time.min))


@transaction.atomic
def submit(*, token: str, answers: dict[str, Any], now: datetime | None = None) -> Response:
    """Store one anonymous response. A used, expired, forged or malformed link stores nothing.

    The response and its answers get random ids, and the invitation records only the month it
    was used in, so no stored order or time pairs an answer with the invitation it came through.
    """
    now = now_or(now)
    lookup = find_invitation(token, now=now)
    if lookup.problem or lookup.invitation is None:
        raise ValidationError(lookup.problem or "forged")
    invitation = lookup.invitation
    version = invitation.survey_version
    cleaned: list[Answer] = []
    errors: dict[str, str] = {}
    for question in version.questions:
        raw = answers.get(question["code"])
        if raw in (None, ""):
            continue
        bounds = KINDS[question["kind"]]
        if bounds is None:
            if "\x00" in str(raw):
                errors[question["code"]] = _("Null characters are not allowed.")
                continue
            cleaned.append(Answer(question_code=question["code"], text=str(raw).strip()[:2000]))
            continue
        try:
            value = int(str(raw))
        except (TypeError, ValueError):
            errors[question["code"]] = _("Choose one of the numbers.")
            continue
        if not bounds[0] <= value <= bounds[1]:
            errors[question["code"]] = _("Choose one of the numbers.")
            continue
        cleaned.append(Answer(question_code=question["code"], value=value))
    if errors:
        raise ValidationError(errors)
    used = FeedbackInvitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
        used_at=month_start(now)
    )
    if not used:
        raise ValidationError("used")
    participant = invitation.participant
    network = participant.network
    response = Response.objects.create(
        survey_version=version,
        area=network.area,
        programme=network.programme,
        audience=audience_for(participant),
        meeting_kind=invitation.meeting.kind if invitation.meeting else "",
        occasion=invitation.occasion,
        month=local_date(invitation.sent_at).replace(day=1),
    )
    for answer in cleaned:
        answer.response = response
    Answer.objects.bulk_create(cleaned)
    return response
