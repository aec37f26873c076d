"""Feedback results: response rates, averages, distributions and comments, never for < 5 answers."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum
from django.utils.translation import get_language

from feedback.models import Answer, Audience, InvitationCount, Response, Survey
from indicators.periods import Period

MIN_GROUP = 5


@dataclass
class QuestionResult:
    code: str
    text: str
    kind: str
    count: int = 0
    average: float | None = None
    distribution: list[tuple[int, int]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


@dataclass
class GroupResult:
    audience: str
    audience_label: str
    invited: int
    answered: int
    questions: list[QuestionResult]

    @property
    def shown(self) -> bool:
        return self.answered >= MIN_GROUP

    @property
    def response_rate(self) -> float | None:
        return round(100 * self.answered / self.invited, 1) if self.invited else None


def feedback_results(*, programme: Any, period: Period, area: Any = None) -> list[GroupResult]:
    """One group per audience of the programme in the period (and area, if given)."""
    months = {"month__gte": period.start, "month__lt": period.end}
    scope: dict[str, Any] = {"programme": programme, **months}
    if area is not None:
        scope["area"] = area
    language = (get_language() or "fi")[:2]
    groups = []
    for survey in Survey.objects.filter(programme=programme).prefetch_related("versions"):
        latest = survey.versions.order_by("-number").first()
        if latest is None:
            continue
        responses = Response.objects.filter(audience=survey.audience, **scope)
        invited = (
            InvitationCount.objects.filter(audience=survey.audience, **scope).aggregate(
                total=Sum("sent")
            )["total"]
            or 0
        )
        answered = responses.count()
        results = []
        if answered >= MIN_GROUP:
            answers = Answer.objects.filter(response__in=responses)
            by_code: dict[str, list[Answer]] = defaultdict(list)
            for answer in answers:
                by_code[answer.question_code].append(answer)
            for question in latest.questions:
                result = QuestionResult(
                    question["code"],
                    question.get(f"text_{language}") or question["text_fi"],
                    question["kind"],
                )
                given = by_code.get(question["code"], [])
                if question["kind"] == "text":
                    result.comments = [a.text for a in given if a.text]
                    result.count = len(result.comments)
                else:
                    values = [a.value for a in given if a.value is not None]
                    result.count = len(values)
                    if values:
                        result.average = round(sum(values) / len(values), 2)
                        low, high = (1, 5) if question["kind"] == "scale5" else (0, 10)
                        tally = Counter(values)
                        result.distribution = [(n, tally.get(n, 0)) for n in range(low, high + 1)]
                results.append(result)
        groups.append(
            GroupResult(
                survey.audience,
                str(Audience(survey.audience).label),
                invited,
                answered,
                results,
            )
        )
    return groups


def feedback_figures(
    *, programme: Any, period: Period, area: Any = None
) -> dict[str, float | None]:
    """Averages and response rates for the indicators and the leadership agenda (≥ 5 answers)."""
    figures: dict[str, float | None] = {}
    for group in feedback_results(programme=programme, period=period, area=area):
        figures[f"{group.audience}.response_rate"] = group.response_rate if group.shown else None
        for question in group.questions:
            if question.average is not None:
                figures[f"{group.audience}.{question.code}"] = question.average
    return figures
