"""Demo training records: who completed the LP-method training and when (feeds the indicator)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import Role, User
from backbone.models import Method, TrainingRecord


def build_training(by: User) -> int:
    made = 0
    professionals = (
        User.objects.filter(memberships__role=Role.PROFESSIONAL).distinct().order_by("pk")
    )
    for index, user in enumerate(professionals):
        completed = timezone.localdate() - timedelta(days=60 + 90 * index)
        _record, created = TrainingRecord.objects.get_or_create(
            user=user, method=Method.LP, defaults={"completed_on": completed, "recorded_by": by}
        )
        made += int(created)
    return made
