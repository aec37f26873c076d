"""The feedback indicators, computed from the anonymous answers this app keeps.

Registered with the indicator registry from ``FeedbackConfig.ready``, with the feedback data
stamp for the figures cache.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.db import report_memory
from feedback.selectors import FEEDBACK_STAMP, feedback_tallies
from indicators.computations import (
    Computation,
    Figure,
    Key,
    all_keys,
    computation,
    register_source,
    shared_memo,
)
from indicators.periods import Period
from programmes.models import Programme

SOURCE = "feedback"
# The question codes the feedback indicators average (filled in by question_average).
FEEDBACK_QUESTIONS: set[str] = set()


def _feedback(
    programme: Programme, area_ids: list[int], periods: list[Period], questions: set[str]
) -> tuple[dict[str, set[str]], dict[Any, Any]]:
    """Feedback tallies; inside ``indicators.computations.shared_events`` one set of queries
    (for every feedback question) serves all feedback indicators over the same programme,
    areas and periods."""
    memo = shared_memo()
    if memo is None:
        return feedback_tallies(
            programme=programme, area_ids=area_ids, periods=periods, questions=questions
        )
    key = (SOURCE, programme.pk, tuple(sorted(area_ids)), tuple(p.code for p in periods))
    if key not in memo:
        with report_memory():
            memo[key] = feedback_tallies(
                programme=programme,
                area_ids=area_ids,
                periods=periods,
                questions=FEEDBACK_QUESTIONS | questions,
            )
    found: tuple[dict[str, set[str]], dict[Any, Any]] = memo[key]
    return found


def question_average(audience: str, code: str) -> Computation:
    """The average answer to one question of one audience; its base is that audience's answers."""
    FEEDBACK_QUESTIONS.add(code)

    def compute(
        programme: Programme, area_ids: list[int], periods: list[Period]
    ) -> dict[Key, Figure]:
        surveys, tallies = _feedback(programme, area_ids, periods, {code})
        result = {}
        for key in all_keys(area_ids, periods):
            if audience not in surveys:
                result[key] = Figure(None, 0)
                continue
            tally = tallies.get((key[0], key[1], audience))
            if tally is None:
                result[key] = Figure(None, 0)
            else:
                average = tally.average(code) if code in surveys[audience] else None
                result[key] = Figure(average, tally.answered)
        return result

    return compute


def response_rate(
    programme: Programme, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    """Answers per invitation over every audience that has a survey."""
    surveys, tallies = _feedback(programme, area_ids, periods, set())
    result = {}
    for area_id, code in all_keys(area_ids, periods):
        groups = [tallies.get((area_id, code, audience)) for audience in surveys]
        invited = sum(group.invited for group in groups if group)
        answered = sum(group.answered for group in groups if group)
        rate = round(100 * answered / invited, 1) if invited else None
        result[(area_id, code)] = Figure(rate, answered)
    return result


# The computations that read feedback.
FEEDBACK_BASED: dict[str, Callable[[], Computation]] = {
    "feedback_family_heard": lambda: question_average("family", "heard"),
    "feedback_professional_knew_next": lambda: question_average("professional", "knew_next"),
    "feedback_response_rate": lambda: response_rate,
}


def register() -> None:
    register_source(SOURCE, FEEDBACK_STAMP)
    for name, make in FEEDBACK_BASED.items():
        computation(name, source=SOURCE)(make())
