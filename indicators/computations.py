"""Figures Arki computes from its own anonymous events: never typed twice.

Each computation takes the programme, the areas and the periods, and returns a Figure for each
(area, period) and for the total over the areas (area None). ``base`` is how many events the
figure rests on; the dashboard hides a figure whose base is 1–4.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from indicators.models import Event, EventKind
from indicators.periods import Period, period_containing


@dataclass(frozen=True)
class Figure:
    value: float | None
    base: int | None


Key = tuple[int | None, str]
Computation = Callable[[Any, list[int], list[Period]], dict[Key, Figure]]
REGISTRY: dict[str, Computation] = {}


def computation(name: str) -> Callable[[Computation], Computation]:
    def register(function: Computation) -> Computation:
        REGISTRY[name] = function
        return function

    return register


def _events(
    kinds: Iterable[str], programme: Any, area_ids: list[int], periods: list[Period], *fields: str
) -> dict[Key, list[tuple[Any, ...]]]:
    """Events grouped by (area, period) and by (None, period) for the total, in Finnish time."""
    if not periods:
        return {}
    start = min(p.start for p in periods)
    end = max(p.end for p in periods)
    lower, upper = Period(start, end, periods[0].cadence).bounds()
    codes = {p.code for p in periods}
    cadence = periods[0].cadence
    rows = Event.objects.filter(
        kind__in=list(kinds),
        programme=programme,
        area_id__in=area_ids,
        occurred_at__gte=lower,
        occurred_at__lt=upper,
    ).values_list("area_id", "occurred_at", *fields)
    grouped: dict[Key, list[tuple[Any, ...]]] = defaultdict(list)
    for area_id, occurred_at, *rest in rows:
        code = period_containing(timezone.localtime(occurred_at).date(), cadence).code
        if code in codes:
            grouped[(area_id, code)].append(tuple(rest))
            grouped[(None, code)].append(tuple(rest))
    return grouped


def _all_keys(area_ids: list[int], periods: list[Period]) -> list[Key]:
    return [(area, p.code) for p in periods for area in [*area_ids, None]]


def _count(
    kinds: Iterable[str], programme: Any, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    grouped = _events(kinds, programme, area_ids, periods)
    return {
        key: Figure(len(grouped.get(key, [])), len(grouped.get(key, [])))
        for key in _all_keys(area_ids, periods)
    }


@computation("contacts_received")
def contacts_received(
    programme: Any, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    return _count([EventKind.CONTACT_RECEIVED], programme, area_ids, periods)


@computation("lp_method_use")
def lp_method_use(programme: Any, area_ids: list[int], periods: list[Period]) -> dict[Key, Figure]:
    return _count(
        [EventKind.LP_DISCUSSION_HELD, EventKind.MEETING_HELD], programme, area_ids, periods
    )


@computation("networks_opened")
def networks_opened(
    programme: Any, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    return _count([EventKind.NETWORK_OPENED], programme, area_ids, periods)


@computation("networks_closed")
def networks_closed(
    programme: Any, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    return _count([EventKind.NETWORK_CLOSED], programme, area_ids, periods)


def _from_values(
    kinds: Iterable[str],
    field: str,
    programme: Any,
    area_ids: list[int],
    periods: list[Period],
    reduce: Callable[[list[Any]], float],
) -> dict[Key, Figure]:
    grouped = _events(kinds, programme, area_ids, periods, field)
    result = {}
    for key in _all_keys(area_ids, periods):
        values = [row[0] for row in grouped.get(key, []) if row[0] is not None]
        result[key] = Figure(round(reduce(values), 1) if values else None, len(values))
    return result


@computation("convened_within_deadline")
def convened_within_deadline(
    programme: Any, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    deadline = programme.convening_deadline_days
    return _from_values(
        [EventKind.NETWORK_CONVENED],
        "days",
        programme,
        area_ids,
        periods,
        lambda days: 100 * sum(1 for d in days if d <= deadline) / len(days),
    )


@computation("median_days_to_first_meeting")
def median_days_to_first_meeting(
    programme: Any, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    return _from_values(
        [EventKind.NETWORK_CONVENED], "days", programme, area_ids, periods, statistics.median
    )


@computation("sectors_per_network")
def sectors_per_network(
    programme: Any, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    return _from_values(
        [EventKind.NETWORK_CONVENED], "sectors", programme, area_ids, periods, statistics.mean
    )


@computation("promises_kept")
def promises_kept(programme: Any, area_ids: list[int], periods: list[Period]) -> dict[Key, Figure]:
    return _from_values(
        [EventKind.PROMISE_REVIEWED],
        "outcome",
        programme,
        area_ids,
        periods,
        lambda outcomes: 100 * sum(1 for o in outcomes if o == "kept") / len(outcomes),
    )


@computation("lp_trained_staff")
def lp_trained_staff(
    programme: Any, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    """Staff trained in the LP method by the end of each period: cumulative, from training records.

    Training is not tied to a programme, so ``programme`` is not used. A person counts in each
    area of their memberships; the total counts each person once, whether in any of the areas
    or with no area membership at all (e.g. a developer worker).
    """
    from backbone.models import Method
    from backbone.selectors import trained_people

    if not periods:
        return {}
    people = trained_people(Method.LP, max(period.end for period in periods))
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


def _feedback(extract: Callable[[list[Any]], tuple[float | None, int]]) -> Computation:
    def compute(programme: Any, area_ids: list[int], periods: list[Period]) -> dict[Key, Figure]:
        from directory.models import Area
        from feedback.selectors import feedback_results

        areas = {area.pk: area for area in Area.objects.filter(pk__in=area_ids)}
        result = {}
        for period in periods:
            for area_id in [*area_ids, None]:
                groups = feedback_results(
                    programme=programme, period=period, area=areas.get(area_id) if area_id else None
                )
                value, base = extract(groups)
                result[(area_id, period.code)] = Figure(value, base)
        return result

    return compute


def _question_average(audience: str, code: str) -> Callable[[list[Any]], tuple[float | None, int]]:
    def extract(groups: list[Any]) -> tuple[float | None, int]:
        for group in groups:
            if group.audience == audience:
                question = next((q for q in group.questions if q.code == code), None)
                return (question.average if question else None), group.answered
        return None, 0

    return extract


def _response_rate(groups: list[Any]) -> tuple[float | None, int]:
    invited = sum(group.invited for group in groups)
    answered = sum(group.answered for group in groups)
    return (round(100 * answered / invited, 1) if invited else None), answered


REGISTRY["feedback_family_heard"] = _feedback(_question_average("family", "heard"))
REGISTRY["feedback_professional_knew_next"] = _feedback(
    _question_average("professional", "knew_next")
)
REGISTRY["feedback_response_rate"] = _feedback(_response_rate)
