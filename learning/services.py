"""The learning network's verbs: a region shares and exports; a hub registers, receives, plans.

Region side: :func:`record_learning`, :func:`build_payload`, :func:`export_package`,
:func:`send_to_hub`. Hub side: :func:`register_region`, :func:`receive_package`,
:func:`schedule_meeting`, :func:`save_meeting_notes`, :func:`save_trial`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from nacl.signing import SigningKey

from core.clock import now_or
from core.errors import ValidationError
from directory.models import Area
from indicators.models import InterpretationNote
from indicators.selectors import indicator_views
from leadership.models import Decision
from learning import package, selectors
from learning.models import (
    ExportedPackage,
    LearningKind,
    NetworkMeeting,
    Package,
    PackageFigure,
    PackageLearning,
    Region,
    SharedLearning,
    Trial,
    Via,
)
from programmes.models import Programme

if TYPE_CHECKING:
    from accounts.models import User

# --- region side -----------------------------------------------------------------------------


def record_learning(*, by: User, kind: str, text: str, area: Area | None) -> SharedLearning:
    """Write down what works, what does not, or what is essential in our area."""
    if kind not in {LearningKind.WORKS, LearningKind.DOES_NOT_WORK, LearningKind.ESSENTIAL}:
        raise ValidationError({"kind": _("Choose what kind of learning this is.")})
    if not text.strip():
        raise ValidationError({"text": _("Write the learning.")})
    return SharedLearning.objects.create(kind=kind, text=text.strip(), area=area, author=by)


def set_learning_shared(learning: SharedLearning, shareable: bool) -> None:
    learning.shareable = shareable
    learning.save(update_fields=["shareable"])


def build_payload(version: int, until: date | None = None) -> dict[str, Any]:
    """This region's package contents: suppressed figures, populations and shared learnings."""
    figures: list[dict[str, Any]] = []
    areas = {area.pk: area for area in Area.objects.all()}
    for programme in Programme.objects.filter(is_active=True).order_by("order", "code"):
        for view in indicator_views(programme, until=until or timezone.localdate()):
            indicator = view.indicator
            notes = {
                (note.area_id, note.period): note.text
                for note in reversed(
                    InterpretationNote.objects.filter(
                        indicator=indicator, period__in=[p.code for p in view.periods]
                    )
                )
            }
            for row in view.rows:
                area = areas.get(row.area.pk) if row.area is not None else None
                for period, cell in zip(view.periods, row.cells, strict=True):
                    figures.append(
                        {
                            "programme": programme.code,
                            "population": programme.population,
                            "indicator": indicator.code,
                            "name": {
                                "fi": indicator.name_fi,
                                "sv": indicator.name_sv,
                                "en": indicator.name_en,
                            },
                            "unit": indicator.unit,
                            "person_count": indicator.person_count,
                            "area": area.code if area else "",
                            "area_name": area.name if area else settings.ARKI_REGION_NAME,
                            "period": period.code,
                            "value": None if cell.hidden else cell.value,
                            "hidden": cell.hidden,
                            # Why: "small" (1–4 people, shown "<5") or "secondary" (hidden so
                            # that another cell cannot be worked out, shown "..").
                            "hidden_reason": cell.reason if cell.hidden else "",
                            "note": notes.get((area.pk if area else None, period.code), ""),
                        }
                    )
    populations = [
        {
            "area": area.code,
            "area_name": area.name,
            "children": area.child_population,
            "inhabitants": area.population,
        }
        for area in areas.values()
        if area.population is not None or area.child_population is not None
    ]
    learnings = [
        {
            "kind": learning.kind,
            "text": learning.text,
            "area_name": learning.area.name if learning.area else "",
            "date": timezone.localdate(learning.created_at).isoformat(),
        }
        for learning in SharedLearning.objects.filter(shareable=True).select_related("area")
    ] + [
        {
            "kind": LearningKind.DECISION.value,
            "text": decision.what + (f"\n{decision.why}" if decision.why else ""),
            "area_name": decision.meeting.team.area.name if decision.meeting.team.area else "",
            "date": timezone.localdate(decision.created_at).isoformat(),
        }
        for decision in Decision.objects.filter(shareable=True).select_related(
            "meeting__team__area"
        )
    ]
    return {
        "format_version": package.FORMAT_VERSION,
        "region": {"code": settings.ARKI_REGION_CODE, "name": settings.ARKI_REGION_NAME},
        "version": version,
        "created_at": timezone.localtime().isoformat(),
        "figures": figures,
        "populations": populations,
        "learnings": learnings,
    }


@transaction.atomic
def export_package(*, by: User | None, key: SigningKey | None = None) -> ExportedPackage:
    """Build, check and sign the next version of this region's package."""
    if not settings.ARKI_REGION_CODE:
        raise ValidationError(_("ARKI_REGION_CODE is not set: the package cannot name its region."))
    last = ExportedPackage.objects.select_for_update().order_by("-version").first()
    version = (last.version if last else 0) + 1
    payload = build_payload(version)
    # The same check the hub makes, by this region's catalogue: never send a leak.
    package.check_payload(payload, selectors.indicator_rules())
    envelope = package.seal(payload, key or package.signing_key())
    return ExportedPackage.objects.create(
        version=version,
        created_at=datetime.fromisoformat(payload["created_at"]),
        created_by=by if getattr(by, "is_authenticated", False) else None,
        sha256=package.open_envelope(envelope).sha256,
        figures=len(payload["figures"]),
        learnings=len(payload["learnings"]),
        envelope=envelope,
    )


def send_to_hub(
    exported: ExportedPackage, *, timeout: float = 20, now: datetime | None = None
) -> str:
    """POST the package to LEARNING_HUB_URL with this region's token; returns the hub's answer."""
    if not settings.LEARNING_HUB_URL or not settings.LEARNING_HUB_TOKEN:
        raise ValidationError(_("No hub is configured (LEARNING_HUB_URL, LEARNING_HUB_TOKEN)."))
    request = urllib.request.Request(  # noqa: S310 - the operator configures an https URL
        settings.LEARNING_HUB_URL,
        data=bytes(exported.envelope),
        method="POST",
        headers={
            "Authorization": f"Bearer {settings.LEARNING_HUB_TOKEN}",
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            result = f"{answer.status} {answer.read(300).decode(errors='replace')}"
    except urllib.error.HTTPError as error:
        result = f"{error.code} {error.read(300).decode(errors='replace')}"
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        result = _("The hub could not be reached: %(error)s") % {"error": error}
    exported.sent_at = now_or(now)
    exported.send_result = result[:300]
    exported.save(update_fields=["sent_at", "send_result"])
    return result


# --- hub side --------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def register_region(*, code: str, name: str, public_key: str) -> tuple[Region, str]:
    """Register (or re-key) a region; returns it with a new API token, shown only this once."""
    if not package.valid_public_key(public_key):
        raise ValidationError({"public_key": _("The public key must be 32 bytes in base64.")})
    token = secrets.token_urlsafe(32)
    region, _created = Region.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "public_key": public_key.strip(),
            "token_hash": _token_hash(token),
            "is_active": True,
        },
    )
    return region, token


def region_for_token(token: str) -> Region | None:
    """The active region whose API token this is, compared in constant time."""
    digest = _token_hash(token)
    for region in Region.objects.filter(is_active=True):
        if hmac.compare_digest(region.token_hash, digest):
            return region
    return None


@dataclass(frozen=True)
class Received:
    package: Package
    created: bool  # False: the same version was received before (idempotent)
    replaced: Package | None  # the version this one replaced as current


@transaction.atomic
def receive_package(
    raw: bytes, *, via: str = Via.UPLOAD, sender: Region | None = None, by: User | None = None
) -> Received:
    """Verify and keep a region's package; the newest version becomes the current one.

    Raises :class:`learning.package.PackageRejected` with the reason: not a package, unsigned,
    unknown region, a signature that does not match, a bad shape, an indicator this hub's
    catalogue does not know, unsuppressed small numbers (by the hub's catalogue, whatever the
    sender says), or a version number reused for different contents.
    """
    opened = package.open_envelope(raw)
    code = opened.region_code
    region = Region.objects.select_for_update().filter(code=code, is_active=True).first()
    if region is None:
        raise package.PackageRejected(
            _("Unknown region %(code)s: register it in the hub first.") % {"code": code}
        )
    if sender is not None and sender.pk != region.pk:
        raise package.PackageRejected(
            _("The package is region %(code)s's, but the token is another region's.")
            % {"code": code}
        )
    package.verify(opened, region.public_key)
    payload = opened.payload
    catalogue = selectors.indicator_rules()  # the hub's own: the sender's flags are not asked
    package.check_payload(payload, catalogue)
    version = payload["version"]
    existing = Package.objects.filter(region=region, version=version).first()
    if existing is not None:
        if existing.sha256 == opened.sha256:
            return Received(existing, created=False, replaced=None)
        raise package.PackageRejected(
            _(
                "Version %(version)s of %(region)s was already received with different "
                "contents. Send it as a new version."
            )
            % {"version": version, "region": region.name}
        )
    current = Package.objects.filter(region=region, is_current=True).first()
    becomes_current = current is None or current.version < version
    if becomes_current and current is not None:
        current.is_current = False
        current.save(update_fields=["is_current"])
    received = Package.objects.create(
        region=region,
        version=version,
        created_at=datetime.fromisoformat(payload["created_at"]),
        via=via,
        received_by=by if getattr(by, "is_authenticated", False) else None,
        sha256=opened.sha256,
        signature=opened.signature.hex(),
        payload=payload,
        is_current=becomes_current,
    )
    populations = {p["area"]: p for p in payload["populations"]}
    totals: dict[str, int] = {}
    for population in payload["populations"]:
        for kind in package.POPULATIONS:
            if population.get(kind) is not None:
                totals[kind] = totals.get(kind, 0) + population[kind]
    PackageFigure.objects.bulk_create(
        [
            PackageFigure(
                package=received,
                programme=figure["programme"],
                indicator=figure["indicator"],
                name_fi=figure["name"].get("fi", "")[:200],
                name_sv=(figure["name"].get("sv") or "")[:200],
                name_en=(figure["name"].get("en") or "")[:200],
                unit=figure["unit"],
                person_count=catalogue[figure["indicator"]].person_count,
                area=figure["area"],
                area_name=figure["area_name"],
                period=figure["period"],
                value=figure["value"],
                hidden=figure["hidden"],
                hidden_reason=figure.get("hidden_reason", "") if figure["hidden"] else "",
                population_kind=figure.get("population", "inhabitants"),
                population=_population(figure, populations, totals),
                note=figure.get("note", ""),
            )
            for figure in payload["figures"]
        ]
    )
    PackageLearning.objects.bulk_create(
        [
            PackageLearning(
                package=received,
                kind=learning["kind"],
                text=learning["text"],
                area_name=learning.get("area_name", ""),
                date=date.fromisoformat(learning["date"]),
            )
            for learning in payload["learnings"]
        ]
    )
    return Received(received, created=True, replaced=current if becomes_current else None)


def _population(
    figure: dict[str, Any], populations: dict[str, dict[str, Any]], totals: dict[str, int]
) -> int | None:
    kind = figure.get("population", "inhabitants")
    if kind not in package.POPULATIONS:
        return None
    if figure["area"] == "":
        return totals.get(kind)
    value = populations.get(figure["area"], {}).get(kind)
    return value if isinstance(value, int) else None


def schedule_meeting(*, starts_at: datetime, topic: str, place: str, by: User) -> NetworkMeeting:
    if not topic.strip():
        raise ValidationError({"topic": _("Write the meeting's topic.")})
    return NetworkMeeting.objects.create(
        starts_at=starts_at, topic=topic.strip(), place=place.strip(), updated_by=by
    )


def save_meeting_notes(meeting: NetworkMeeting, *, notes: str, by: User) -> NetworkMeeting:
    meeting.notes = notes.strip()
    meeting.updated_by = by
    meeting.save(update_fields=["notes", "updated_by"])
    return meeting


def save_trial(
    *,
    trial: Trial | None,
    title: str,
    region: Region | None,
    meeting: NetworkMeeting | None,
    status: str,
    result: str,
) -> Trial:
    """Record a learning to test in practice, or update how the test went."""
    if not title.strip():
        raise ValidationError({"title": _("Write what is tested.")})
    trial = trial or Trial()
    trial.title, trial.region, trial.meeting = title.strip(), region, meeting
    trial.status, trial.result = status, result.strip()
    trial.full_clean()
    trial.save()
    return trial
