"""Demo training records: who completed the LP-method training and when (feeds the indicator)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from audit.roles import Role
from backbone.models import Method, TrainingRecord

# The method each programme's staff are trained in (backbone.models.Method).
METHODS = {"children-families": Method.LP, "working-age": Method.WORK_ABILITY}


def build_training(by: User) -> int:
    """Earlier trainings, completed elsewhere: each professional in their programmes' method."""
    made = 0
    professionals = (
        User.objects.filter(memberships__role=Role.PROFESSIONAL).distinct().order_by("pk")
    )
    for index, user in enumerate(professionals):
        completed = timezone.localdate() - timedelta(days=60 + 90 * index)
        codes = set(
            user.memberships.filter(role=Role.PROFESSIONAL).values_list(
                "programme__code", flat=True
            )
        )
        for method in {METHODS[code] for code in codes if code in METHODS}:
            _record, created = TrainingRecord.objects.get_or_create(
                user=user, method=method, defaults={"completed_on": completed, "recorded_by": by}
            )
            made += int(created)
    return made
