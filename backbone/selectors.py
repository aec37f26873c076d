"""Reads of the backbone's records for other modules (the indicators) and the pages."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from accounts.models import Membership
from backbone.models import TrainingRecord
from core.db import Prepared

if TYPE_CHECKING:
    from directory.models import Area


@dataclass(frozen=True)
class TrainedPerson:
    """Someone who completed a method's training, and the areas of their memberships."""

    user_id: int
    completed_on: date
    area_ids: frozenset[int]


# Read for every indicator dashboard (the trained-staff figures are not cached: no data stamp
# covers memberships), so compiled once per process (core.db.Prepared).
_RECORDS = Prepared(
    lambda method, before: TrainingRecord.objects.filter(
        method=method, completed_on__lt=before
    ).only("user", "completed_on"),
    method=str,
    before=date,
)
_AREAS = Prepared(
    lambda users: Membership.objects.filter(user_id__any_of=users, area__isnull=False).only(
        "user", "area"
    ),
    users=list,
)


def trained_people(method: str, completed_before: date) -> list[TrainedPerson]:
    """Everyone whose training in ``method`` was completed before ``completed_before``."""
    records = _RECORDS.objects(method=method, before=completed_before)
    areas: dict[int, set[int]] = defaultdict(set)
    if records:
        for membership in _AREAS.objects(users=[record.user_id for record in records]):
            areas[membership.user_id].add(membership.area_id)
    return [
        TrainedPerson(record.user_id, record.completed_on, frozenset(areas.get(record.user_id, ())))
        for record in records
    ]


def training_records(method: str = "", area: Area | None = None) -> QuerySet[TrainingRecord]:
    """Training records, newest first, optionally of one method and of people in one area."""
    records = TrainingRecord.objects.select_related("user", "event", "recorded_by")
    if method:
        records = records.filter(method=method)
    if area is not None:
        records = records.filter(user__in=Membership.objects.filter(area=area).values("user"))
    return records.order_by("-completed_on", "user__full_name")
