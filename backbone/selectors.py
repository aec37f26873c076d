"""Reads of the backbone's records for other modules (the indicators) and the pages."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from accounts.models import Membership
from backbone.models import TrainingRecord

if TYPE_CHECKING:
    from directory.models import Area


@dataclass(frozen=True)
class TrainedPerson:
    """Someone who completed a method's training, and the areas of their memberships."""

    user_id: int
    completed_on: date
    area_ids: frozenset[int]


def trained_people(method: str, completed_before: date) -> list[TrainedPerson]:
    """Everyone whose training in ``method`` was completed before ``completed_before``."""
    records = list(
        TrainingRecord.objects.filter(method=method, completed_on__lt=completed_before).values_list(
            "user_id", "completed_on"
        )
    )
    areas: dict[int, set[int]] = defaultdict(set)
    for user_id, area_id in Membership.objects.filter(
        user_id__in=[user_id for user_id, _completed in records], area__isnull=False
    ).values_list("user_id", "area_id"):
        areas[user_id].add(area_id)
    return [
        TrainedPerson(user_id, completed_on, frozenset(areas.get(user_id, ())))
        for user_id, completed_on in records
    ]


def training_records(method: str = "", area: Area | None = None) -> QuerySet[TrainingRecord]:
    """Training records, newest first, optionally of one method and of people in one area."""
    records = TrainingRecord.objects.select_related("user", "event", "recorded_by")
    if method:
        records = records.filter(method=method)
    if area is not None:
        records = records.filter(user__in=Membership.objects.filter(area=area).values("user"))
    return records.order_by("-completed_on", "user__full_name")
