"""The data-subject export: everything Arki holds about one network's child or client (GDPR Art. 15).

One JSON document per network. It carries the person's own data and the work done around them;
it leaves out what would expose others or open doors: no personal-link tokens or codes (only
their hashes are stored anyway), no other participants' email addresses or phone numbers, no
caller's name on a contact, and no feedback answers (they are anonymous and cannot be tied back).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from audit.access import subject_key
from audit.models import AccessLog, DisclosureLog
from contacts.models import Contact
from family.models import FamilyLink
from feedback.models import FeedbackInvitation
from meetings.models import FamilyPreparation, Goal, MeetingRecord, Promise
from networks.models import Meeting, Network, Participant

EXPORT_FORMAT = "arki-subject-export"
EXPORT_VERSION = 2  # 2: several children per network (children, children_views, goal child)


def _when(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _name(item: Any) -> str | None:
    return str(item) if item is not None else None


def _participant(participant: Participant) -> dict[str, Any]:
    return {
        "id": participant.pk,
        "name": participant.name,
        "kind": _name(participant.kind),
        "role": _name(participant.role),
        "relation": participant.relation,
        "service": _name(participant.service),
        "organisation": participant.organisation,
        "own_worker": participant.is_own_worker,
        "added_at": _when(participant.added_at),
        "removed_at": _when(participant.removed_at),
    }


def _record(record: MeetingRecord) -> dict[str, Any]:
    return {
        "present": [participant.name for participant in record.present.order_by("pk")],
        "family_view": record.family_view,
        "children_views": [
            {"child": view.child.name, "view": view.text}
            for view in record.child_views.select_related("child")
        ],
        "common_goal": record.common_goal,
        "protective_factors": record.protective_factors,
        "life_areas": [
            {
                "life_area": _name(note.life_area),
                "strengths": note.strengths,
                "vulnerabilities": note.vulnerabilities,
            }
            for note in record.life_areas.select_related("life_area")
        ],
        "saved_at": _when(record.saved_at),
        "version": record.version,
    }


def _preparation(preparation: FamilyPreparation) -> dict[str, Any]:
    return {
        "by": preparation.participant.name,
        "goes_well": preparation.goes_well,
        "worries": preparation.worries,
        "wishes": preparation.wishes,
        "who_to_invite": preparation.who_to_invite,
        "child_view": preparation.child_view,
        "created_at": _when(preparation.created_at),
        "updated_at": _when(preparation.updated_at),
    }


def _meeting(meeting: Meeting) -> dict[str, Any]:
    record = MeetingRecord.objects.filter(meeting=meeting).first()
    return {
        "id": meeting.pk,
        "kind": meeting.kind,
        "status": meeting.status,
        "starts_at": _when(meeting.starts_at),
        "ends_at": _when(meeting.ends_at),
        "place": meeting.place,
        "reason_for_the_time": meeting.late_reason,
        "responsible": meeting.organiser.full_name,
        "changes": [
            {
                "changed_at": _when(change.changed_at),
                "old_starts_at": _when(change.old_starts_at),
                "new_starts_at": _when(change.new_starts_at),
                "cancelled": change.cancelled,
                "reason": change.reason,
            }
            for change in meeting.changes.order_by("changed_at", "pk")
        ],
        "invitations_sent": [
            {
                "to": invitation.participant.name,
                "method": invitation.method,
                "sequence": invitation.sequence,
                "sent_at": _when(invitation.sent_at),
            }
            for invitation in meeting.invitations.select_related("participant").order_by(
                "sent_at", "pk"
            )
        ],
        "record": _record(record) if record is not None else None,
        "family_preparations": [
            _preparation(preparation)
            for preparation in meeting.family_preparations.select_related("participant").order_by(
                "created_at", "pk"
            )
        ],
    }


def _goal(goal: Goal) -> dict[str, Any]:
    return {
        "id": goal.pk,
        "whose_goal": goal.owner,
        "child": goal.child.name if goal.child is not None else None,
        "goal": goal.text,
        "what_0_and_10_mean": goal.scale_note,
        "set_in_meeting": goal.set_in_id,
        "ratings": [
            {
                "meeting": rating.meeting_id,
                "date": _when(rating.meeting.starts_at),
                "rating": rating.rating,
            }
            for rating in goal.ratings.select_related("meeting").order_by(
                "meeting__starts_at", "pk"
            )
        ],
    }


def _promise(promise: Promise) -> dict[str, Any]:
    return {
        "id": promise.pk,
        "who": promise.participant.name,
        "act": promise.act,
        "due": _when(promise.due),
        "status": promise.status,
        "note": promise.review_note,
        "made_in_meeting": promise.made_in_id,
        "reviewed_in_meeting": promise.reviewed_in_id,
        "reviewed_at": _when(promise.reviewed_at),
    }


def _contact(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "received_at": _when(contact.received_at),
        "channel": contact.channel,
        "concern": contact.concern,
        "concern_categories": [_name(category) for category in contact.concern_categories.all()],
        "consent": contact.consent,
        "legal_ground": contact.legal_ground,
        "reasons_for_acting_without_consent": contact.no_consent_reasons,
        "outcome": contact.outcome,
    }


def _family_link(link: FamilyLink) -> dict[str, Any]:
    return {
        "for": link.participant.name,
        "created_at": _when(link.created_at),
        "expires_at": _when(link.expires_at),
        "revoked_at": _when(link.revoked_at),
        "locked_at": _when(link.locked_at),
        "last_opened_at": _when(link.last_opened_at),
    }


def _feedback_invitation(invitation: FeedbackInvitation) -> dict[str, Any]:
    return {
        "to": invitation.participant.name,
        "occasion": invitation.occasion,
        "meeting": invitation.meeting_id,
        "sent_at": _when(invitation.sent_at),
        "expires_at": _when(invitation.expires_at),
    }


def _access_row(row: AccessLog) -> dict[str, Any]:
    return {
        "at": _when(row.at),
        "by": row.actor_label,
        "action": row.action,
        "basis": row.basis,
        "allowed": row.success,
        "view": row.view_name,
    }


def _disclosure_row(row: DisclosureLog) -> dict[str, Any]:
    return {
        "at": _when(row.at),
        "by": row.actor_label,
        "data": row.data,
        "recipient": row.recipient,
        "channel": row.channel,
        "basis": row.basis,
    }


def subject_export(network: Network) -> dict[str, Any]:
    """Everything Arki holds about the network's child or client, as one JSON-ready dict."""
    subject_type, subject_id = subject_key(network)
    log_filter = {"subject_type": subject_type, "subject_id": subject_id}
    participants = network.participants.select_related("kind", "role", "service").order_by(
        "added_at", "pk"
    )
    meetings = network.meetings.select_related("organiser").order_by("starts_at", "pk")
    return {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_VERSION,
        "exported_at": _when(timezone.now()),
        "controller": settings.ARKI_INSTALLATION_NAME,
        "network": {
            "id": network.pk,
            "name_of_the_child_or_client": network.subject_name,
            "date_of_birth": _when(network.subject_birth_date),
            "children": [
                {"name": child.name, "date_of_birth": _when(child.birth_date)}
                for child in network.children.all()
            ],
            "area": _name(network.area),
            "programme": _name(network.programme),
            "status": network.status,
            "family_language": network.family_language,
            "first_contact_at": _when(network.first_contact_at),
            "first_meeting_at_the_latest": _when(network.convening_deadline),
            "coordinator": network.coordinator.full_name,
            "initiator": network.initiator.full_name if network.initiator else None,
            "opened_at": _when(network.opened_at),
            "closed_at": _when(network.closed_at),
            "reason_for_closing": network.closing_reason,
            "closing_summary": network.closing_summary,
            "personal_data_erased_at": _when(network.erased_at),
        },
        "participants": [_participant(participant) for participant in participants],
        "meetings": [_meeting(meeting) for meeting in meetings],
        "goals": [_goal(goal) for goal in Goal.objects.filter(network=network).order_by("pk")],
        "promises": [
            _promise(promise)
            for promise in Promise.objects.filter(network=network)
            .select_related("participant")
            .order_by("due", "pk")
        ],
        "family_links": [
            _family_link(link)
            for link in FamilyLink.objects.filter(participant__network=network)
            .select_related("participant")
            .order_by("created_at", "pk")
        ],
        "contacts": [
            _contact(contact)
            for contact in Contact.objects.filter(network=network)
            .prefetch_related("concern_categories")
            .order_by("received_at", "pk")
        ],
        "feedback_invitations_sent": [
            _feedback_invitation(invitation)
            for invitation in FeedbackInvitation.objects.filter(participant__network=network)
            .select_related("participant")
            .order_by("sent_at", "pk")
        ],
        "access_log": [
            _access_row(row) for row in AccessLog.objects.filter(**log_filter).order_by("at", "pk")
        ],
        "disclosure_log": [
            _disclosure_row(row)
            for row in DisclosureLog.objects.filter(**log_filter).order_by("at", "pk")
        ],
    }
