"""The family prepares a meeting in their own words (the verbs and reads of FamilyPreparation).

Kept out of ``meetings/services.py``, which already records the meeting itself: here the family
member writes, the coordinator and the meeting record read.

What the family wrote goes to the coordinator and the meeting record page only, never into the
memo PDF automatically: every participant receives the memo, and the family may not want all of
them to read what worries them. Whatever the network wants in the memo, it writes in the record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from core.clock import now_or
from core.db import Prepared, Run, objects_together
from core.errors import ValidationError
from meetings.models import FamilyPreparation
from networks.models import Meeting, MeetingStatus, Network, NetworkStatus, Participant

ANSWER_FIELDS = ("goes_well", "worries", "wishes", "who_to_invite", "child_view")


def max_length(name: str) -> int:
    """The longest answer the field ``name`` takes (the model says)."""
    field = FamilyPreparation._meta.get_field(name)
    assert isinstance(field, models.Field) and field.max_length is not None
    return int(field.max_length)


def preparation_open(meeting: Meeting, now: datetime | None = None) -> bool:
    """The family may write or change their preparation: the meeting is planned, in an open
    network, and has not started."""
    return (
        meeting.status == MeetingStatus.PLANNED
        and meeting.network.status != NetworkStatus.CLOSED
        and meeting.starts_at > now_or(now)
    )


def preparation_of(meeting: Meeting, participant: Participant) -> FamilyPreparation | None:
    return FamilyPreparation.objects.filter(meeting=meeting, participant=participant).first()


def preparations_read(participant: Participant) -> Run:
    """Every preparation of the participant (one per meeting of their network, at most), as a
    read to read with a page's others: the plan page picks its next meeting's among them."""
    return Run(_PREPARATIONS_OF, {"participant": participant.pk}, {"participant": participant})


_PREPARATIONS_OF = Prepared(
    lambda participant: FamilyPreparation.objects.filter(participant_id=participant),
    participant=int,
)


@transaction.atomic
def save_preparation(
    meeting: Meeting,
    participant: Participant,
    *,
    goes_well: str,
    worries: str,
    wishes: str,
    who_to_invite: str,
    child_view: str,
    now: datetime | None = None,
) -> FamilyPreparation | None:
    """A family member tells, before the meeting starts, what goes well, what worries them, what
    they wish from the meeting, whom they want there, and the child's own view.

    Saving again changes the same answers (one preparation per member and meeting); emptying
    every answer removes it (None). Refused, with nothing written, when the meeting is not a
    planned meeting of the member's open network that has not started, when the member is not
    a family member whose participation still stands, or when an answer is too long.
    """
    from networks.consent import participant_excluded

    now = now_or(now)
    locked = Meeting.objects.select_for_update().select_related("network").get(pk=meeting.pk)
    member = Participant.objects.select_related("kind", "network").get(pk=participant.pk)
    if locked.network_id != member.network_id:
        raise ValidationError(_("This meeting is not in your network."))
    if not member.kind.is_family:
        raise ValidationError(_("Only the family prepares the meeting here."))
    if (
        member.removed_at is not None
        or member.network.status == NetworkStatus.CLOSED
        or participant_excluded(member)
    ):
        raise ValidationError(_("Your participation in this network has ended."))
    if not preparation_open(locked, now):
        raise ValidationError(
            _(
                "The meeting has started or is no longer planned: the answers can no longer be changed."
            )
        )
    answers = {
        "goes_well": goes_well.strip(),
        "worries": worries.strip(),
        "wishes": wishes.strip(),
        "who_to_invite": who_to_invite.strip(),
        "child_view": child_view.strip(),
    }
    errors = {
        name: [
            _("Write at most %(limit)d characters (now %(length)d).")
            % {"limit": max_length(name), "length": len(text)}
        ]
        for name, text in answers.items()
        if len(text) > max_length(name)
    }
    if errors:
        raise ValidationError(errors)
    existing = (
        FamilyPreparation.objects.select_for_update()
        .filter(meeting=locked, participant=member)
        .first()
    )
    if not any(answers.values()):
        if existing is not None:
            existing.delete()
        return None
    if existing is None:
        return FamilyPreparation.objects.create(
            meeting=locked, participant=member, created_at=now, updated_at=now, **answers
        )
    for name, text in answers.items():
        setattr(existing, name, text)
    existing.updated_at = now
    existing.save(update_fields=[*ANSWER_FIELDS, "updated_at"])
    return existing


def preparations_for(meeting: Meeting) -> QuerySet[FamilyPreparation]:
    """The family's preparations of a meeting, for the coordinator and the meeting record."""
    return (
        FamilyPreparation.objects.filter(meeting=meeting)
        .select_related("participant", "participant__kind")
        .order_by("created_at", "pk")
    )


def preparation_page_reads(network: Network) -> list[Run]:
    """``networks.extensions.network_page``'s reads for :func:`preparation_page_context`."""
    return [Run(_PREPARED_MEETINGS, {"network": network.pk}, {"network": network})]


def preparation_page_context(
    network: Network, rows: list[list[Any]] | None = None
) -> dict[str, Any]:
    """``networks.extensions.network_page``: the planned meetings the family has prepared, each
    with the number of family members who answered (``rows``: those of
    :func:`preparation_page_reads`, read by the page; None: read here)."""
    meetings = rows[0] if rows is not None else objects_together(preparation_page_reads(network))[0]
    return {"prepared_meetings": [(meeting, meeting.answers) for meeting in meetings]}


# The network's planned meetings with at least one family member's answers, compiled once.
_PREPARED_MEETINGS = Prepared(
    lambda network: (
        Meeting.objects.filter(network_id=network, status=MeetingStatus.PLANNED)
        .annotate(answers=Count("family_preparations"))
        .filter(answers__gt=0)
        .order_by("starts_at")
    ),
    network=int,
)
