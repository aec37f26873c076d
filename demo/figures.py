"""Demo figures from other registers (entered values) and targets, for the indicator dashboard."""

from __future__ import annotations

import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from directory.models import Area
from indicators.models import EnteredValue, Indicator, Target
from indicators.periods import Cadence, period_containing
from programmes.models import Programme

# Synthetic yearly and half-yearly levels per area (children under 18: Tuira larger).
LEVELS = {
    "child-protection-clients": {"kaakkuri": 95, "tuira": 310},
    "specialised-care-clients": {"kaakkuri": 60, "tuira": 190},
    "shl-clients": {"kaakkuri": 140, "tuira": 420},
    "student-welfare-groups": {"kaakkuri": 14, "tuira": 38},
}
HISTORY = {Cadence.YEARLY: 4, Cadence.HALF_YEARLY: 6, Cadence.QUARTERLY: 6}


def build_figures(areas: dict[str, Area], programme: Programme, by: User) -> int:
    """Entered values for the last periods, trending the way the model hopes; returns how many."""
    rng = random.Random(2026)  # noqa: S311 - synthetic demo data
    made = 0
    today = timezone.localdate()
    for indicator in Indicator.objects.filter(code__in=LEVELS):
        period = period_containing(today, indicator.cadence).previous()
        periods = [period]
        for _ in range(HISTORY[indicator.cadence] - 1):
            periods.insert(0, periods[0].previous())
        for code, level in LEVELS[indicator.code].items():
            for step, current in enumerate(periods):
                trend = -0.04 if indicator.direction == "down" else 0.05
                value = round(level * (1 + trend * step) * rng.uniform(0.95, 1.05))
                _value, created = EnteredValue.objects.get_or_create(
                    indicator=indicator,
                    area=areas[code],
                    programme=programme,
                    period=current.code,
                    defaults={
                        "period_start": current.start,
                        "value": Decimal(value),
                        "updated_by": by,
                    },
                )
                made += int(created)
        target = round(
            sum(LEVELS[indicator.code].values()) * (0.85 if indicator.direction == "down" else 1.15)
        )
        Target.objects.get_or_create(
            indicator=indicator,
            period=periods[-1].code,
            area=None,
            defaults={"value": Decimal(target)},
        )
    for code, value in (
        ("convened-within-deadline", 90),
        ("days-to-first-meeting", 12),
        ("promises-kept", 70),
    ):
        model_indicator = Indicator.objects.filter(code=code).first()
        if model_indicator is not None:
            current = period_containing(today, model_indicator.cadence)
            Target.objects.get_or_create(
                indicator=model_indicator,
                period=current.code,
                area=None,
                defaults={"value": Decimal(value)},
            )
    return made
