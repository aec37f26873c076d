"""The trained-staff indicators, computed from the training records this app keeps.

Registered with the indicator registry from ``BackboneConfig.ready``; a training register file
(``indicators/training_register.py``) may replace their figures with entered ones.
"""

from __future__ import annotations

from backbone.selectors import trained_people
from indicators.computations import TRAINED_STAFF_TAG, Computation, Figure, Key, computation
from indicators.periods import Period
from programmes.models import Programme

# The computation of staff trained in each programme's discussion method (backbone.Method).
TRAINED_STAFF = {
    "lp_trained_staff": "lp",
    "work_ability_trained_staff": "work_ability",
}


def trained_staff(method: str) -> Computation:
    def compute(
        programme: Programme, area_ids: list[int], periods: list[Period]
    ) -> dict[Key, Figure]:
        """Staff trained in the method by the end of each period: cumulative, from training
        records.

        Training is not tied to a programme, so ``programme`` is not used. A person counts in
        each area of their memberships; the total counts each person once, whether in any of
        the areas or with no area membership at all (e.g. a developer worker).
        """
        if not periods:
            return {}
        people = trained_people(method, max(period.end for period in periods))
        wanted = set(area_ids)
        result: dict[Key, Figure] = {}
        for period in periods:
            trained = [person for person in people if person.completed_on < period.end]
            for area_id in area_ids:
                count = sum(1 for person in trained if area_id in person.area_ids)
                result[(area_id, period.code)] = Figure(count, count)
            total = sum(1 for person in trained if not person.area_ids or person.area_ids & wanted)
            result[(None, period.code)] = Figure(total, total)
        return result

    return compute


def register() -> None:
    for name, method in TRAINED_STAFF.items():
        computation(name, source=None, tags=[TRAINED_STAFF_TAG])(trained_staff(method))
