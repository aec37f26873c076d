"""Retention: when a closed network's retention period has run out, erase its personal data.

Each programme keeps a closed network's personal data ``Programme.retention_years`` whole
years after the network was closed (set in programmes/data/*.toml; see docs/retention.md).
Then :func:`apply_retention` erases it, one transaction per network: names become pseudonyms
("Verkosto 12"), free text becomes :data:`MARKER`, contact details and birth dates are
emptied and personal links are deleted. The rows themselves stay, so the anonymous indicator
events, feedback counts and the append-only access and disclosure logs (which hold record ids,
never names) keep adding up. The network is marked ``erased_at`` and is never erased twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from audit.access import record_access
from audit.models import Action, Basis
from contacts.models import Contact, Outcome
from core.clock import now_or
from family.models import FamilyLink
from meetings.models import (
    ChildView,
    FamilyPreparation,
    Goal,
    LifeAreaNote,
    MeetingRecord,
    MeetingRecordRevision,
    Promise,
)
from networks.deadlines import local_date
from networks.models import (
    BreakGlassGrant,
    Child,
    ConsentRecord,
    DisclosureBan,
    Meeting,
    MeetingChange,
    Network,
    NetworkStatus,
    Participant,
)
from programmes.models import Programme

# What erased free text reads; names get a pseudonym instead.
MARKER = "[poistettu]"


def network_pseudonym(network_id: int) -> str:
    return f"Verkosto {network_id}"


def participant_pseudonym(participant_id: int) -> str:
    return f"Osallistuja {participant_id}"


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def retention_ends_on(network: Network) -> date:
    """The day the retention period of a closed network runs out (Finnish calendar day)."""
    assert network.closed_at is not None
    return add_years(local_date(network.closed_at), network.programme.retention_years)


def due_networks(today: date) -> list[Network]:
    """Closed, not yet erased networks whose retention period has run out by ``today``."""
    due: list[Network] = []
    for programme in Programme.objects.order_by("order", "code"):
        # Closed on or before this day (Helsinki time), with a day to spare for 29 February;
        # the exact check below decides.
        latest = add_years(today, -programme.retention_years) + timedelta(days=2)
        candidates = (
            Network.objects.filter(
                programme=programme,
                status=NetworkStatus.CLOSED,
                closed_at__isnull=False,
                erased_at__isnull=True,
                closed_at__lt=timezone.make_aware(datetime.combine(latest, time.min)),
            )
            .select_related("programme")
            .order_by("closed_at", "pk")
        )
        due.extend(network for network in candidates if retention_ends_on(network) <= today)
    return due


@dataclass(frozen=True)
class DueNetwork:
    id: int
    closed_on: date
    retention_ended_on: date


@dataclass
class ProgrammeRetention:
    code: str
    name: str
    retention_years: int
    due: list[DueNetwork] = field(default_factory=list)
    # Network id -> how many rows of each kind were erased (a real run only).
    erased: dict[int, dict[str, int]] = field(default_factory=dict)


@dataclass
class RetentionReport:
    """What a retention run found due and, unless it was a dry run, erased."""

    today: date
    dry_run: bool
    programmes: list[ProgrammeRetention] = field(default_factory=list)
    # Contacts resolved with advice, never joined to a network (due_contacts).
    contacts_due: int = 0
    contacts_erased: int = 0

    @property
    def due_count(self) -> int:
        return sum(len(programme.due) for programme in self.programmes)

    @property
    def erased_count(self) -> int:
        return sum(len(programme.erased) for programme in self.programmes)

    def lines(self) -> list[str]:
        mode = "dry run, nothing erased" if self.dry_run else "erasing"
        lines = [f"Retention on {self.today.isoformat()} ({mode})"]
        for programme in self.programmes:
            lines.append(
                f"{programme.code} (kept {programme.retention_years} years after closing): "
                f"{len(programme.due)} network(s) due"
            )
            for network in programme.due:
                line = (
                    f"  network {network.id}: closed {network.closed_on.isoformat()}, "
                    f"retention ended {network.retention_ended_on.isoformat()}"
                )
                counts = programme.erased.get(network.id)
                if counts is not None:
                    erased = ", ".join(f"{count} {kind}" for kind, count in counts.items())
                    line += f"; erased {erased}"
                elif not self.dry_run:
                    line += "; already erased by another run"
                lines.append(line)
        total = f"{self.due_count} network(s) due"
        if not self.dry_run:
            total += f", {self.erased_count} erased"
        lines.append(total + ".")
        contacts = f"{self.contacts_due} contact(s) without a network due"
        if not self.dry_run:
            contacts += f", {self.contacts_erased} erased"
        lines.append(contacts + ".")
        return lines


def apply_retention(
    today: date | None = None, *, dry_run: bool, progress: Any = None
) -> RetentionReport:
    """Find the networks due for erasure and, unless ``dry_run``, erase their personal data.

    ``progress`` (optional, core.progress's callback) hears ``("networks", done, total)``."""
    today = today or timezone.localdate()
    report = RetentionReport(today=today, dry_run=dry_run)
    by_programme: dict[int, ProgrammeRetention] = {}
    for programme in Programme.objects.order_by("order", "code"):
        by_programme[programme.pk] = ProgrammeRetention(
            code=programme.code, name=programme.name, retention_years=programme.retention_years
        )
        report.programmes.append(by_programme[programme.pk])
    contacts = due_contacts(today)
    report.contacts_due = len(contacts)
    if not dry_run and contacts:
        with transaction.atomic():
            report.contacts_erased = _save_each(contacts, CONTACT_FIELDS, _erase_contact)
    due = list(due_networks(today))
    for done, network in enumerate(due, start=1):
        if progress is not None:
            progress("networks", done, len(due))
        assert network.closed_at is not None
        entry = by_programme[network.programme_id]
        entry.due.append(
            DueNetwork(network.pk, local_date(network.closed_at), retention_ends_on(network))
        )
        if not dry_run:
            counts = erase_network(network.pk)
            if counts is not None:
                entry.erased[network.pk] = counts
    return report


def _text(value: str) -> str:
    """Free text becomes the marker; an empty field stays empty."""
    return MARKER if value.strip() else ""


def _erased_json(value: Any) -> Any:
    """A JSON snapshot with every non-empty text replaced by the marker; ids and numbers kept."""
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, list):
        return [_erased_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _erased_json(item) for key, item in value.items()}
    return value


def _save_each(rows: Iterable[models.Model], fields: list[str], change: Any) -> int:
    """Apply ``change(row)`` to each row and save only ``fields``; returns how many."""
    count = 0
    for row in rows:
        change(row)
        row.save(update_fields=fields)
        count += 1
    return count


CONTACT_FIELDS = [
    "concern",
    "no_consent_reasons",
    "advice_given",
    "contact_person_name",
    "contact_person_service",
    "contact_person_phone",
    "contact_person_email",
    "version",
    "updated_at",
]


def _erase_contact(row: Contact) -> None:
    row.concern = _text(row.concern)
    row.no_consent_reasons = _text(row.no_consent_reasons)
    row.advice_given = _text(row.advice_given)
    row.contact_person_name = row.contact_person_service = row.contact_person_phone = ""
    row.contact_person_email = ""
    row.version += 1


def due_contacts(today: date) -> list[Contact]:
    """Contacts resolved without a network (advice and consultation), not yet erased, whose
    programme's retention period has run out since they were received. The caller's name, phone
    and email and the concern would otherwise stay for ever: only a network's erasure reached
    its contacts."""
    due: list[Contact] = []
    for programme in Programme.objects.order_by("order", "code"):
        latest = add_years(today, -programme.retention_years) + timedelta(days=2)
        candidates = (
            Contact.objects.filter(
                programme=programme,
                network__isnull=True,
                outcome=Outcome.ADVICE,
                received_at__lt=timezone.make_aware(datetime.combine(latest, time.min)),
            )
            .exclude(concern=MARKER)
            .order_by("received_at", "pk")
        )
        due.extend(
            contact
            for contact in candidates
            if add_years(local_date(contact.received_at), programme.retention_years) <= today
        )
    return due


def _erase_child(row: Child) -> None:
    row.name = f"{MARKER} {row.pk}"
    row.birth_date = None
    row.match_key = f"erased|child|{row.pk}"


@transaction.atomic
def erase_network(network_id: int, *, now: datetime | None = None) -> dict[str, int] | None:
    """Erase one network's personal data; None if it was already erased (or is not closed)."""
    network = Network.objects.select_for_update().get(pk=network_id)
    if network.erased_at is not None or network.status != NetworkStatus.CLOSED:
        return None
    counts: dict[str, int] = {}

    def participant(row: Participant) -> None:
        row.name = participant_pseudonym(row.pk)
        row.relation = row.email = row.phone = row.organisation = ""
        row.identity_code_hash = ""

    counts["participants"] = _save_each(
        Participant.objects.filter(network=network),
        ["name", "relation", "email", "phone", "organisation", "identity_code_hash"],
        participant,
    )
    counts["family links"] = FamilyLink.objects.filter(participant__network=network).delete()[0]

    meetings = Meeting.objects.filter(network=network)

    def meeting(row: Meeting) -> None:
        row.place, row.late_reason, row.online_link = _text(row.place), _text(row.late_reason), ""

    counts["meetings"] = _save_each(meetings, ["place", "late_reason", "online_link"], meeting)

    def change(row: MeetingChange) -> None:
        row.reason = _text(row.reason)

    _save_each(MeetingChange.objects.filter(meeting__network=network), ["reason"], change)

    record_fields = ["family_view", "common_goal", "protective_factors"]

    def record(row: MeetingRecord) -> None:
        for name in record_fields:
            setattr(row, name, _text(getattr(row, name)))

    counts["meeting records"] = _save_each(
        MeetingRecord.objects.filter(meeting__network=network), record_fields, record
    )

    # The family's own words before a meeting are not part of the kept record: deleted.
    counts["family preparations"] = FamilyPreparation.objects.filter(
        meeting__network=network
    ).delete()[0]

    counts["children's views"] = ChildView.objects.filter(record__meeting__network=network).update(
        text=MARKER
    )

    def revision(row: MeetingRecordRevision) -> None:
        row.snapshot = _erased_json(row.snapshot)

    _save_each(
        MeetingRecordRevision.objects.filter(record__meeting__network=network),
        ["snapshot"],
        revision,
    )

    def note(row: LifeAreaNote) -> None:
        row.strengths, row.vulnerabilities = _text(row.strengths), _text(row.vulnerabilities)

    counts["life-area notes"] = _save_each(
        LifeAreaNote.objects.filter(record__meeting__network=network),
        ["strengths", "vulnerabilities"],
        note,
    )

    def goal(row: Goal) -> None:
        row.text, row.scale_note = _text(row.text), _text(row.scale_note)

    counts["goals"] = _save_each(Goal.objects.filter(network=network), ["text", "scale_note"], goal)

    def promise(row: Promise) -> None:
        row.act, row.review_note = _text(row.act), _text(row.review_note)

    counts["promises"] = _save_each(
        Promise.objects.filter(network=network), ["act", "review_note"], promise
    )

    counts["contacts"] = _save_each(
        Contact.objects.filter(network=network), CONTACT_FIELDS, _erase_contact
    )

    # Consents, bans and emergency-access reasons name family members and describe the need.
    counts["consents"] = ConsentRecord.objects.filter(network=network).update(given_by=MARKER)
    counts["bans"] = DisclosureBan.objects.filter(network=network).update(
        requested_by=MARKER, reason=MARKER
    )
    counts["emergency accesses"] = BreakGlassGrant.objects.filter(network=network).update(
        reason=MARKER, review_note=MARKER
    )

    counts["children"] = _save_each(
        Child.objects.filter(network=network),
        ["name", "birth_date", "match_key"],
        _erase_child,
    )
    Network.objects.filter(pk=network.pk).update(
        subject_name=network_pseudonym(network.pk),
        subject_birth_date=None,
        match_key=f"erased|{network.pk}",
        closing_summary=_text(network.closing_summary),
        erased_at=now_or(now),
        version=F("version") + 1,
    )
    record_access(
        actor=None,
        subject=network,
        action=Action.DELETE,
        basis=Basis.RETENTION,
        success=True,
    )
    return counts
