"""What a region needs before it goes live, each with its state and where to fix it.

The administrator's readiness page (``/setup/readiness/``) reads these checks. They name areas,
programmes, teams and settings, never a person or their data: a missing coordinator is "no
coordinator for Tuira · working-age", not who is missing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

READY, TODO, OPTIONAL = "ready", "todo", "optional"
STATES = {
    READY: gettext_lazy("Ready"),
    TODO: gettext_lazy("To do"),
    OPTIONAL: gettext_lazy("Recommended"),
}
# A backup older than this is not a recent backup.
BACKUP_FRESH = timedelta(days=2)
# Failed emails in this window make email delivery a thing to look at.
EMAIL_WINDOW = timedelta(days=7)


@dataclass
class Check:
    key: str
    title: str
    state: str
    summary: str
    missing: list[str] = field(default_factory=list)
    fix_url: str = ""
    fix_label: str = ""

    @property
    def state_label(self) -> str:
        return str(STATES[self.state])


def _pairs() -> list[tuple[object, object]]:
    from directory.models import Area
    from programmes.models import Programme

    areas = list(Area.objects.order_by("name"))
    programmes = list(Programme.objects.filter(is_active=True).order_by("order", "code"))
    return [(area, programme) for area in areas for programme in programmes]


def _areas_and_numbers() -> Check:
    from directory.models import ContactPoint

    points = {
        (point.area_id, point.programme_id): point
        for point in ContactPoint.objects.select_related("area", "programme")
    }
    missing = []
    for area, programme in _pairs():
        point = points.get((area.pk, programme.pk))  # type: ignore[attr-defined]
        if point is None or not point.phone.strip():
            missing.append(_("%(area)s · %(programme)s: no number") % _names(area, programme))
        elif not point.opening_hours.strip():
            missing.append(
                _("%(area)s · %(programme)s: no opening hours") % _names(area, programme)
            )
    if not _pairs():
        missing.append(_("No areas yet."))
    return Check(
        "numbers",
        _("Areas and their coordinating numbers"),
        TODO if missing else READY,
        _("Every area has a number and opening hours for every programme."),
        missing,
        reverse("admin:directory_contactpoint_changelist"),
        _("Contact points in the administration"),
    )


def _names(area: object, programme: object) -> dict[str, str]:
    return {"area": str(area), "programme": str(programme)}


def _coordinators() -> Check:
    from accounts.models import Membership
    from audit.roles import Role

    memberships = Membership.objects.filter(role=Role.COORDINATOR, user__is_active=True)
    missing = [
        _("%(area)s · %(programme)s: no coordinator") % _names(area, programme)
        for area, programme in _pairs()
        if not memberships.filter(
            Q(area=area) | Q(area__isnull=True), Q(programme=programme) | Q(programme__isnull=True)
        ).exists()
    ]
    return Check(
        "coordinators",
        _("Coordinators per area and programme"),
        TODO if missing else READY,
        _("Every area's number is answered by a coordinator of each programme."),
        missing,
        reverse("accounts:staff_import"),
        _("Import staff"),
    )


def _leadership() -> Check:
    from leadership.models import LeadershipTeam
    from leadership.services import missing_sectors
    from programmes.models import Programme

    missing = []
    for programme in Programme.objects.filter(is_active=True).order_by("order", "code"):
        teams = list(LeadershipTeam.objects.filter(programme=programme).select_related("area"))
        if not teams:
            missing.append(_("%(programme)s: no leadership team") % {"programme": programme})
        for team in teams:
            lacking = missing_sectors(team)
            if lacking:
                missing.append(
                    _("%(team)s: no member from %(sectors)s")
                    % {"team": team.name, "sectors": ", ".join(str(s) for s in lacking)}
                )
    return Check(
        "leadership",
        _("Leadership teams with the required sectors"),
        TODO if missing else READY,
        _("Each programme has a leadership team, and each team has its sectors at the table."),
        missing,
        reverse("leadership:team_new"),
        _("New leadership team"),
    )


def _surveys() -> Check:
    from feedback.models import Survey
    from programmes.models import Programme

    missing = []
    for programme in Programme.objects.filter(is_active=True).order_by("order", "code"):
        audiences = set(
            Survey.objects.filter(programme=programme, is_active=True).values_list(
                "audience", flat=True
            )
        )
        for audience, label in (
            ("family", _("family or client")),
            ("professional", _("professional")),
        ):
            if audience not in audiences:
                missing.append(
                    _("%(programme)s: no %(audience)s survey")
                    % {"programme": programme, "audience": label}
                )
    return Check(
        "surveys",
        _("Feedback surveys"),
        TODO if missing else READY,
        _("Each programme asks the people it works with and the professionals for feedback."),
        missing,
        reverse("admin:feedback_survey_changelist"),
        _("Surveys in the administration"),
    )


def _targets() -> Check:
    from indicators.models import Indicator, Target

    with_target = set(Target.objects.values_list("indicator_id", flat=True))
    missing = [
        str(indicator.name)
        for indicator in Indicator.objects.filter(is_active=True).order_by("order")
        if indicator.pk not in with_target
    ]
    return Check(
        "targets",
        _("Indicator targets"),
        OPTIONAL if missing else READY,
        _("The leadership teams have set a target for each key indicator."),
        missing,
        reverse("indicators:dashboard"),
        _("Key indicators"),
    )


def _learning() -> Check:
    missing = []
    if not settings.LEARNING_HUB_URL:
        missing.append(_("LEARNING_HUB_URL is not set."))
    if settings.PRODUCTION and not os.environ.get("LEARNING_SIGNING_KEY", "").strip():
        missing.append(_("LEARNING_SIGNING_KEY is not set."))
    return Check(
        "learning",
        _("The learning network's key and hub"),
        OPTIONAL if missing else READY,
        _("The region signs its figures and sends them to the regions' hub."),
        missing,
    )


def _sign_in() -> Check:
    missing = [] if settings.OIDC_ENABLED else [_("Staff sign in with a password.")]
    return Check(
        "oidc",
        _("Organisation sign-in"),
        OPTIONAL if missing else READY,
        _("Staff sign in with the organisation's accounts (OpenID Connect)."),
        missing,
    )


def _family_identification() -> Check:
    from family.suomifi.config import is_enabled

    missing = [] if is_enabled() else [_("Family members open their plan with a link and code.")]
    return Check(
        "suomifi",
        _("Families' strong identification"),
        OPTIONAL if missing else READY,
        _("Family members sign in with Suomi.fi to see every plan they are part of."),
        missing,
    )


def _second_factor() -> Check:
    missing = [] if settings.ARKI_REQUIRE_OTP else [_("ARKI_REQUIRE_OTP is off.")]
    return Check(
        "otp",
        _("Second factor"),
        TODO if missing else READY,
        _("Every staff member confirms signing in with a second factor."),
        missing,
    )


def _email(now: datetime) -> Check:
    from notifications.models import OutgoingEmail

    missing = []
    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
    if backend != "smtp":
        missing.append(
            _("Emails are not sent anywhere (EMAIL_URL: %(backend)s).") % {"backend": backend}
        )
    failed = OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.FAILED, failed_at__gte=now - EMAIL_WINDOW
    ).count()
    if failed:
        missing.append(_("%(count)s emails failed in the last 7 days.") % {"count": failed})
    return Check(
        "email",
        _("Email delivery"),
        TODO if missing else READY,
        _("Invitations, memos and reminders reach people by email."),
        missing,
    )


def _text_messages(now: datetime) -> Check:
    """Text messages are optional, until a family member has chosen them: then they must go."""
    from networks.models import Channel, NetworkStatus, Participant
    from notifications.models import OutgoingSms
    from notifications.sms import sms_available

    missing = []
    waiting = Participant.objects.filter(
        channel=Channel.SMS, removed_at__isnull=True, kind__is_family=True
    ).exclude(network__status=NetworkStatus.CLOSED)
    if not sms_available():
        chosen = waiting.count()
        missing.append(_("Text messages are off (ARKI_SMS_BACKEND)."))
        if chosen:
            missing.append(
                _("%(count)s family members chose text messages and get nothing.")
                % {"count": chosen}
            )
    failed = OutgoingSms.objects.filter(
        status=OutgoingSms.Status.FAILED, failed_at__gte=now - EMAIL_WINDOW
    ).count()
    if failed:
        missing.append(_("%(count)s text messages failed in the last 7 days.") % {"count": failed})
    urgent = failed or (not sms_available() and waiting.exists())
    return Check(
        "sms",
        _("Text messages"),
        READY if not missing else TODO if urgent else OPTIONAL,
        _("Codes, invitations and reminders reach families who chose text messages."),
        missing,
    )


def _latest_backup() -> datetime | None:
    directory = Path(os.environ.get("ARKI_BACKUP_DIR", settings.LOCAL_DIR / "backups"))
    manifests = sorted(directory.glob("*.manifest.json")) if directory.is_dir() else []
    if not manifests:
        return None
    return datetime.fromtimestamp(manifests[-1].stat().st_mtime, tz=UTC)


def _backups(now: datetime) -> Check:
    latest = _latest_backup()
    if latest is None:
        missing = [_("No backup has been made.")]
    elif now - latest > BACKUP_FRESH:
        missing = [_("The latest backup is %(days)s days old.") % {"days": (now - latest).days}]
    else:
        missing = []
    return Check(
        "backups",
        _("Backups"),
        TODO if missing else READY,
        _("A backup from the last two days (manage.py backup, docs/operations.md)."),
        missing,
    )


def _scheduled(now: datetime) -> Check:
    from operations.readiness import readiness

    ready, report = readiness(now)
    missing = []
    if not ready:
        worker = report.get("worker", {}).get("status")
        if worker != "ok":
            missing.append(_("The background worker has not answered."))
        for task, job in report.get("scheduler", {}).get("jobs", {}).items():
            if job["status"] != "ok":
                missing.append(
                    _("%(task)s has not run recently.") % {"task": task.rsplit(".", 1)[-1]}
                )
    return Check(
        "scheduled",
        _("Scheduled tasks running"),
        READY if ready else TODO,
        _("Reminders, retention, log sealing and the convening deadlines run on their own."),
        missing,
    )


def go_live_checks(now: datetime) -> list[Check]:
    """Every check, in the order a region sets itself up."""
    return [
        _areas_and_numbers(),
        _coordinators(),
        _leadership(),
        _surveys(),
        _targets(),
        _learning(),
        _sign_in(),
        _second_factor(),
        _family_identification(),
        _email(now),
        _text_messages(now),
        _backups(now),
        _scheduled(now),
    ]
