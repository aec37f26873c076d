"""Feedback results: response rates, averages, distributions and comments, never for < 5 answers."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.utils.translation import get_language

from core.db import Scalars
from feedback.models import (
    Answer,
    Audience,
    FeedbackInvitation,
    InvitationCount,
    Response,
    ResponseTally,
    Survey,
    SurveyVersion,
)
from indicators.periods import Period

if TYPE_CHECKING:
    from directory.models import Area
    from programmes.models import Programme

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


def feedback_results(
    *, programme: Programme, period: Period, area: Area | None = None
) -> list[GroupResult]:
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
            by_code: dict[str, list[tuple[int | None, str]]] = defaultdict(list)
            for code, value, text in Answer.objects.filter(response__in=responses).values_list(
                "question_code", "value", "text"
            ):
                by_code[code].append((value, text))
            for question in latest.questions:
                result = QuestionResult(
                    question["code"],
                    question.get(f"text_{language}") or question["text_fi"],
                    question["kind"],
                )
                given = by_code.get(question["code"], [])
                if question["kind"] == "text":
                    # Sorted by text: the order the answers came in is not shown.
                    result.comments = sorted(text for _value, text in given if text)
                    result.count = len(result.comments)
                else:
                    values = [value for value, _text in given if value is not None]
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
                # The survey's own name says whose feedback it is ("Feedback from the client").
                survey.name or str(Audience(survey.audience).label),
                invited,
                answered,
                results,
            )
        )
    return groups


RESULTS_CACHE_PREFIX = "arki:feedback-results:"


def cached_feedback_results(
    *, programme: Programme, period: Period, area: Area | None = None
) -> list[GroupResult]:
    """:func:`feedback_results`, kept in the cache under :func:`feedback_stamp` (three one-row
    reads) like the indicator figures: the same for every leader who opens the agenda, computed
    afresh after any new answer, invitation or survey version. ``ARKI_INDICATOR_CACHE_SECONDS``
    bounds the memory (0 turns the cache off)."""
    seconds = settings.ARKI_INDICATOR_CACHE_SECONDS
    if not seconds:
        return feedback_results(programme=programme, period=period, area=area)
    key = RESULTS_CACHE_PREFIX + ":".join(
        str(part)
        for part in (
            programme.pk,
            period.code,
            area.pk if area is not None else "-",
            (get_language() or "fi")[:2],
            "-".join(str(value) for value in feedback_stamp()),
        )
    )
    found: list[GroupResult] | None = cache.get(key)
    if found is None:
        found = feedback_results(programme=programme, period=period, area=area)
        cache.set(key, found, seconds)
    return found


# A value that changes whenever the feedback figures can: a new answer, invitation or survey
# version. Answers have random ids, so their tally is read (``ResponseTally``).
FEEDBACK_STAMP = Scalars(
    lambda: [
        ResponseTally.objects.filter(pk=1).values("responses"),
        FeedbackInvitation.objects.order_by("-pk").values("pk")[:1],
        SurveyVersion.objects.order_by("-pk").values("pk")[:1],
    ]
)


def feedback_stamp() -> tuple[Any, ...]:
    """:data:`FEEDBACK_STAMP`'s values, in one query."""
    return FEEDBACK_STAMP.read()


def feedback_figures(
    *, programme: Programme, period: Period, area: Area | None = None
) -> dict[str, float | None]:
    """Averages and response rates for the indicators and the leadership agenda (≥ 5 answers)."""
    figures: dict[str, float | None] = {}
    for group in feedback_results(programme=programme, period=period, area=area):
        figures[f"{group.audience}.response_rate"] = group.response_rate if group.shown else None
        for question in group.questions:
            if question.average is not None:
                figures[f"{group.audience}.{question.code}"] = question.average
    return figures


@dataclass
class Tally:
    """Feedback counted for one (area or total, period, audience)."""

    answered: int = 0
    invited: int = 0
    sums: dict[str, int] = field(default_factory=dict)  # question code -> sum of values
    counts: dict[str, int] = field(default_factory=dict)  # question code -> answers with a value

    def average(self, code: str) -> float | None:
        """The question's average, shown only for a group of MIN_GROUP or more answers."""
        if self.answered < MIN_GROUP or not self.counts.get(code):
            return None
        return round(self.sums[code] / self.counts[code], 2)


TallyKey = tuple[int | None, str, str]  # (area id or None for all areas, period code, audience)


def feedback_tallies(
    *, programme: Programme, area_ids: list[int], periods: list[Period], questions: set[str]
) -> tuple[dict[str, set[str]], dict[TallyKey, Tally]]:
    """The same figures as :func:`feedback_results`, for many areas and periods in three queries.

    Returns the audiences that have a survey (with the question codes of its latest version)
    and a tally per (area, period, audience); area None is every area of the programme.
    """
    from indicators.periods import period_containing

    surveys: dict[str, set[str]] = {}
    for survey in Survey.objects.filter(programme=programme).prefetch_related("versions"):
        latest = max(survey.versions.all(), key=lambda version: version.number, default=None)
        if latest is not None:
            surveys[survey.audience] = {question["code"] for question in latest.questions}
    tallies: dict[TallyKey, Tally] = defaultdict(Tally)
    if not periods or not surveys:
        return surveys, tallies
    cadence = periods[0].cadence
    codes = {period.code for period in periods}
    scope = {
        "programme": programme,
        "audience__in": list(surveys),
        "month__gte": min(period.start for period in periods),
        "month__lt": max(period.end for period in periods),
    }
    wanted = set(area_ids)
    period_of: dict[Any, str] = {}

    def keys(area_id: int, month: Any, audience: str) -> list[TallyKey]:
        if month not in period_of:
            period_of[month] = period_containing(month, cadence).code
        code = period_of[month]
        if code not in codes:
            return []
        found: list[TallyKey] = [(None, code, audience)]
        if area_id in wanted:
            found.append((area_id, code, audience))
        return found

    from django.db.models import Count

    for row in (
        Response.objects.filter(**scope)
        .values("area_id", "month", "audience")
        .annotate(n=Count("id"))
        .order_by()
    ):
        for key in keys(row["area_id"], row["month"], row["audience"]):
            tallies[key].answered += row["n"]
    for row in (
        InvitationCount.objects.filter(**scope)
        .values("area_id", "month", "audience")
        .annotate(n=Sum("sent"))
        .order_by()
    ):
        for key in keys(row["area_id"], row["month"], row["audience"]):
            tallies[key].invited += row["n"] or 0
    if questions:
        answer_scope = {f"response__{name}": value for name, value in scope.items()}
        for row in (
            Answer.objects.filter(question_code__in=questions, value__isnull=False, **answer_scope)
            .values("response__area_id", "response__month", "response__audience", "question_code")
            .annotate(total=Sum("value"), n=Count("value"))
            .order_by()
        ):
            for key in keys(
                row["response__area_id"], row["response__month"], row["response__audience"]
            ):
                tally = tallies[key]
                code = row["question_code"]
                tally.sums[code] = tally.sums.get(code, 0) + row["total"]
                tally.counts[code] = tally.counts.get(code, 0) + row["n"]
    return surveys, tallies
