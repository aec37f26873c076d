"""Reads for the hub: comparisons across regions, version history and what changed."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from feedback.computations import FEEDBACK_BASED
from feedback.services import KINDS as ANSWER_SCALES
from indicators.models import Indicator, Unit
from indicators.periods import parse_period
from learning.models import Package, PackageFigure, PackageLearning
from learning.package import IndicatorRule

PER = 1000


def indicator_rules() -> dict[str, IndicatorRule]:
    """This installation's indicator catalogue, as the package check judges figures by it.

    A person count is what the indicator pages suppress (``person_count`` and unit count); a
    percentage lies in 0–100; an average of feedback answers lies on the 1–5 answer scale.
    """
    low, high = ANSWER_SCALES["scale5"] or (None, None)
    rules = {}
    for indicator in Indicator.objects.all():
        bounds: tuple[float | None, float | None] = (None, None)
        if indicator.unit == Unit.PERCENT:
            bounds = (0, 100)
        elif indicator.unit == Unit.AVERAGE and indicator.computation in FEEDBACK_BASED:
            bounds = (low, high)
        rules[indicator.code] = IndicatorRule(
            unit=indicator.unit,
            person_count=indicator.person_count and indicator.unit == Unit.COUNT,
            low=bounds[0],
            high=bounds[1],
        )
    return rules


@dataclass(frozen=True)
class Choice:
    code: str
    name: str


@dataclass
class ComparisonRow:
    region: str
    area_name: str
    is_total: bool
    value: float | None
    hidden: bool
    per_thousand: float | None
    note: str
    small: bool = False  # hidden for being 1–4 people ("<5"); other hidden cells are ".."


@dataclass
class Comparison:
    indicator: Choice | None
    unit: str
    population: str
    period: str
    periods: list[str]
    rows: list[ComparisonRow] = field(default_factory=list)

    def chart(self) -> dict[str, object]:
        """Region totals as a bar chart: per 1,000 where every total has a denominator."""
        totals = [row for row in self.rows if row.is_total]
        per = bool(totals) and all(row.per_thousand is not None or row.hidden for row in totals)
        return {
            "labels": [row.region for row in totals],
            "series": [
                {
                    "label": self.period,
                    "values": [
                        None if row.hidden else (row.per_thousand if per else row.value)
                        for row in totals
                    ],
                }
            ],
        }


def _name(figure: PackageFigure) -> str:
    language = (get_language() or "fi")[:2]
    return str(getattr(figure, f"name_{language}", "") or figure.name_fi)


def current_figures() -> QuerySet[PackageFigure]:
    return PackageFigure.objects.filter(package__is_current=True, package__region__is_active=True)


def _programme_names() -> dict[str, str]:
    from programmes.models import Programme

    return {programme.code: programme.name for programme in Programme.objects.all()}


def indicator_choices() -> list[Choice]:
    """Every (programme, indicator) in the current packages, as ``programme:indicator``."""
    programmes = _programme_names()
    seen: dict[str, Choice] = {}
    for figure in current_figures().order_by("programme", "indicator", "pk"):
        code = f"{figure.programme}:{figure.indicator}"
        if code not in seen:
            programme = programmes.get(figure.programme, figure.programme)
            seen[code] = Choice(code, f"{_name(figure)} ({programme})")
    return sorted(seen.values(), key=lambda choice: choice.name)


def _figures_of(choice: str) -> QuerySet[PackageFigure]:
    programme, _sep, indicator = choice.partition(":")
    return current_figures().filter(programme=programme, indicator=indicator)


def periods_of(choice: str) -> list[str]:
    return sorted(set(_figures_of(choice).values_list("period", flat=True)))


def comparison(indicator: str | None, period: str | None) -> Comparison:
    """The same indicator across regions and their areas for one period, per 1,000 if possible."""
    choices = indicator_choices()
    chosen = next((c for c in choices if c.code == indicator), choices[0] if choices else None)
    if chosen is None:
        return Comparison(None, "", "", "", [])
    periods = periods_of(chosen.code)
    if period not in periods:
        # The latest period that has ended: the current one is still filling up.
        ended = [p for p in periods if parse_period(p).bounds()[1] <= timezone.now()]
        period = (ended or periods)[-1] if periods else ""
    figures = list(
        _figures_of(chosen.code)
        .filter(period=period)
        .select_related("package__region")
        .order_by("package__region__name", "-area", "area_name")
    )
    # Region total first, then its areas.
    figures.sort(key=lambda f: (f.package.region.name, f.area != "", f.area_name))
    unit = figures[0].unit if figures else ""
    rows = []
    for figure in figures:
        per = None
        if (
            figure.unit == "count"
            and not figure.hidden
            and figure.value is not None
            and figure.population
        ):
            per = round(figure.value * PER / figure.population, 2)
        rows.append(
            ComparisonRow(
                region=figure.package.region.name,
                area_name=figure.area_name,
                is_total=figure.area == "",
                value=figure.value,
                hidden=figure.hidden,
                per_thousand=per,
                note=figure.note,
                small=figure.hidden and figure.hidden_reason == "small",
            )
        )
    population = figures[0].population_kind if figures else ""
    return Comparison(chosen, unit, population, period, periods, rows)


@dataclass(frozen=True)
class Change:
    indicator: str
    area_name: str
    period: str
    before: str
    after: str


def _shown(figure: PackageFigure | None) -> str:
    if figure is None:
        return "–"
    if figure.hidden:
        # "<5" only for a cell hidden for being small; one hidden because of the total (so that
        # the small one cannot be worked out) is "..", as in Statistics Finland's tables.
        return "<5" if figure.hidden_reason == "small" else ".."
    if figure.value is None:
        return "–"
    return f"{figure.value:g}"


def changes(newer: Package, older: Package) -> list[Change]:
    """The figures whose published value differs between two versions of a region's package."""

    def index(package: Package) -> dict[tuple[str, str, str, str], PackageFigure]:
        return {(f.programme, f.indicator, f.area, f.period): f for f in package.figures.all()}

    before, after = index(older), index(newer)
    result = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if _shown(old) != _shown(new):
            sample = new or old
            assert sample is not None
            result.append(
                Change(_name(sample), sample.area_name, sample.period, _shown(old), _shown(new))
            )
    return result


def learnings(kind: str | None = None) -> list[PackageLearning]:
    query = PackageLearning.objects.filter(
        package__is_current=True, package__region__is_active=True
    ).select_related("package__region")
    if kind:
        query = query.filter(kind=kind)
    return list(query.order_by("-date", "package__region__name"))
