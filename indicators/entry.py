"""Entering and importing figures from other registers: validate everything, write all or nothing.

Every created or corrected value leaves an EnteredValueChange row (who, when, old, new, how).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.errors import ValidationError
from core.tables import (
    FIRST_DATA_ROW,
    RowError,
)
from directory.models import Area
from indicators.models import (
    EnteredValue,
    EnteredValueChange,
    Indicator,
    Provenance,
    Source,
    Unit,
)
from indicators.periods import Period, parse_period
from programmes.models import Programme

if TYPE_CHECKING:
    from accounts.models import User

COLUMNS = ("indicator", "area", "programme", "period", "value")
# EnteredValue.value is Decimal(12, 2): ten digits before the decimal point.
LARGEST_VALUE = Decimal("9999999999.99")


class ConfigurationError(Exception):
    """An import cannot run as configured (e.g. the Sotkanet mapping); nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportReport:
    """What an import did, or why it did nothing."""

    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    # Rows deliberately left out (not errors), by the reason shown to the user.
    skipped: dict[str, int] = field(default_factory=dict)
    # A training register: the people counted and the half-years written.
    people: int | None = None
    periods: list[Period] = field(default_factory=list)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total(self) -> int:
        return self.created + self.changed + self.unchanged


def entered_indicators(
    programme: Programme | None = None, cadence: str | None = None
) -> list[Indicator]:
    """The active indicators whose figures may be entered, of a programme (None: of any),
    optionally of one cadence: the entered ones and the computed ones marked enterable.

    An indicator without a programme belongs to every programme.
    """
    indicators = Indicator.objects.filter(
        Q(source=Source.ENTERED) | Q(source=Source.COMPUTED, enterable=True), is_active=True
    )
    if programme is not None:
        indicators = indicators.filter(Q(programme=programme) | Q(programme__isnull=True))
    if cadence is not None:
        indicators = indicators.filter(cadence=cadence)
    return list(indicators.order_by("order", "code"))


def current_values(
    indicators: Iterable[Indicator], area: Area, programme: Programme, period: Period
) -> dict[int, Decimal]:
    """The saved values by indicator id."""
    return {
        indicator_id: entered.value
        for indicator_id, entered in current_entries(indicators, area, programme, period).items()
    }


def current_entries(
    indicators: Iterable[Indicator], area: Area, programme: Programme, period: Period
) -> dict[int, EnteredValue]:
    """The saved values by indicator id, with where each came from (provenance)."""
    return {
        entered.indicator_id: entered
        for entered in EnteredValue.objects.filter(
            indicator__in=list(indicators), area=area, programme=programme, period=period.code
        )
    }


def value_history(
    indicators: Iterable[Indicator], area: Area, programme: Programme, period: Period
) -> list[EnteredValueChange]:
    """Every change to these values, newest first: who, when, old and new value, how."""
    return list(
        EnteredValueChange.objects.filter(
            entered_value__indicator__in=list(indicators),
            entered_value__area=area,
            entered_value__programme=programme,
            entered_value__period=period.code,
        )
        .select_related("entered_value__indicator", "changed_by")
        .order_by("-changed_at", "-pk")
    )


def parse_number(text: str) -> Decimal:
    """A number as typed in a Finnish or English spreadsheet: "12.5" or "12,5"."""
    try:
        number = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("not a number")) from None
    if not number.is_finite():
        raise ValueError(_("not a number"))
    return number


def _indicator_problem(indicator: Indicator, programme: Programme | None) -> str | None:
    if indicator.source != Source.ENTERED and not indicator.enterable:
        return _("the indicator is computed by Arki and cannot be imported")
    if not indicator.is_active:
        return _("the indicator is not in use")
    if programme is not None and indicator.programme_id not in (None, programme.pk):
        return _("the indicator does not belong to this programme")
    return None


def _period_problem(indicator: Indicator, period: Period) -> str | None:
    if period.cadence != indicator.cadence:
        return _("wrong period for a %(cadence)s indicator (%(example)s)") % {
            "cadence": indicator.get_cadence_display(),
            "example": _example_period(indicator.cadence),
        }
    return None


def _example_period(cadence: str) -> str:
    return {"monthly": "2026-03", "quarterly": "2026Q1", "half_yearly": "2026S1"}.get(
        cadence, "2026"
    )


def _value_problem(indicator: Indicator | None, value: Decimal) -> str | None:
    if value < 0:
        return _("negative")
    if value > LARGEST_VALUE:
        return _("too large")
    if (
        indicator is not None
        and indicator.unit == Unit.COUNT
        and value != value.to_integral_value()
    ):
        return _("not a whole number (this indicator counts)")
    if value != value.quantize(Decimal("0.01")):
        return _("more than two decimals")
    return None


def _period_or_error(code: str) -> Period:
    try:
        return parse_period(code.strip().upper())  # "2026q1" is meant as 2026Q1
    except ValueError:
        raise ValueError(_("not a period code (use 2026-03, 2026Q1, 2026S1 or 2026)")) from None


def _write(
    *,
    by: User,
    indicator: Indicator,
    area: Area,
    programme: Programme,
    period: Period,
    value: Decimal,
    via: str,
    provenance: str,
    detail: str = "",
) -> str:
    """Create or update one value and record the change; "created", "changed" or "unchanged".

    A created or changed value takes the provenance (a :class:`Provenance`) and its detail
    (e.g. "Sotkanet 1245 · data.json"); an unchanged one keeps where it came from.
    """
    detail = detail[: EnteredValue._meta.get_field("provenance_detail").max_length]
    entered = (
        EnteredValue.objects.select_for_update()
        .filter(indicator=indicator, area=area, programme=programme, period=period.code)
        .first()
    )
    if entered is None:
        entered = EnteredValue.objects.create(
            indicator=indicator,
            area=area,
            programme=programme,
            period=period.code,
            period_start=period.start,
            value=value,
            provenance=provenance,
            provenance_detail=detail,
            updated_by=by,
        )
        EnteredValueChange.objects.create(
            entered_value=entered, old_value=None, new_value=value, changed_by=by, via=via
        )
        return "created"
    if entered.value == value:
        return "unchanged"
    old_value = entered.value
    entered.value = value
    entered.provenance = provenance
    entered.provenance_detail = detail
    entered.updated_by = by
    entered.save(
        update_fields=["value", "provenance", "provenance_detail", "updated_by", "updated_at"]
    )
    EnteredValueChange.objects.create(
        entered_value=entered, old_value=old_value, new_value=value, changed_by=by, via=via
    )
    return "changed"


def save_entered_values(
    *,
    by: User,
    area: Area,
    programme: Programme,
    period_code: str,
    values: Mapping[Indicator, Decimal | None],
    via: str = "form",
) -> int:
    """Save one area's figures for one period; returns how many values were created or changed.

    ``None`` leaves a value as it is. Raises ValidationError (keyed by indicator code, or
    "period") and writes nothing when any value is not acceptable.
    """
    try:
        period = _period_or_error(period_code)
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from None
    problems: dict[str, list[str]] = {}
    for indicator, value in values.items():
        problem = _indicator_problem(indicator, programme) or _period_problem(indicator, period)
        if problem is None and value is not None:
            problem = _value_problem(indicator, value)
        if problem is not None:
            problems.setdefault(indicator.code, []).append(f"{indicator.name}: {problem}")
    if problems:
        raise ValidationError(problems)
    saved = 0
    with transaction.atomic():
        for indicator, value in values.items():
            if value is None:
                continue
            outcome = _write(
                by=by,
                indicator=indicator,
                area=area,
                programme=programme,
                period=period,
                value=value,
                via=via,
                provenance=Provenance.FORM,
            )
            saved += outcome != "unchanged"
    return saved


@dataclass(frozen=True)
class _ValidRow:
    indicator: Indicator
    area: Area
    programme: Programme
    period: Period
    value: Decimal


def _is_blank(row: Mapping[str, str | None]) -> bool:
    return not any((value or "").strip() for value in row.values())


def _collector(errors: list[RowError], row: int) -> Callable[[str, str], None]:
    def error(column: str, reason: str) -> None:
        errors.append(RowError(row, column, reason))

    return error


def import_values(*, by: User, rows: list[dict[str, str]], source_name: str = "") -> ImportReport:
    """Import rows (indicator, area, programme, period, value codes) all or nothing.

    Row numbers are spreadsheet rows: the header is row 1, the first value row 2. Blank rows
    are skipped. When any row has a problem, nothing is written and the report lists them all.
    The values' provenance is the file, ``source_name`` (the file's name) its detail.
    """
    report = ImportReport()
    present = set().union(*(row.keys() for row in rows)) if rows else set()
    missing = [column for column in COLUMNS if column not in present]
    if not rows or all(_is_blank(row) for row in rows):
        report.errors.append(RowError(FIRST_DATA_ROW, "", _("the file has no rows to import")))
        return report
    if missing:
        report.errors.extend(RowError(1, column, _("missing column")) for column in missing)
        return report

    indicators = {i.code: i for i in Indicator.objects.all()}
    areas = {a.code: a for a in Area.objects.all()}
    programmes = {p.code: p for p in Programme.objects.all()}
    seen: dict[tuple[str, str, str, str], int] = {}
    valid: list[_ValidRow] = []

    for number, row in enumerate(rows, start=FIRST_DATA_ROW):
        if _is_blank(row):
            continue
        cells = {column: (row.get(column) or "").strip() for column in COLUMNS}
        errors: list[RowError] = []
        error = _collector(errors, number)
        for column in COLUMNS:
            if not cells[column]:
                error(column, _("missing value"))

        indicator = indicators.get(cells["indicator"])
        programme = programmes.get(cells["programme"])
        if cells["indicator"] and indicator is None:
            error("indicator", _("unknown indicator"))
        if cells["area"] and cells["area"] not in areas:
            error("area", _("unknown area"))
        if cells["programme"] and programme is None:
            error("programme", _("unknown programme"))
        if indicator is not None:
            problem = _indicator_problem(indicator, programme)
            if problem is not None:
                error("indicator", problem)
                indicator = None

        period: Period | None = None
        if cells["period"]:
            try:
                period = _period_or_error(cells["period"])
            except ValueError as problem:
                error("period", str(problem))
            else:
                wrong = _period_problem(indicator, period) if indicator is not None else None
                if wrong is not None:
                    error("period", wrong)

        value: Decimal | None = None
        if cells["value"]:
            try:
                value = parse_number(cells["value"])
            except ValueError as problem:
                error("value", str(problem))
            else:
                problem_text = _value_problem(indicator, value)
                if problem_text is not None:
                    error("value", problem_text)

        key = (
            cells["indicator"],
            cells["area"],
            cells["programme"],
            period.code if period is not None else cells["period"],
        )
        if all(key) and key in seen:
            error("", _("duplicate of row %(row)s") % {"row": seen[key]})
        seen.setdefault(key, number)

        if errors:
            report.errors.extend(errors)
        elif indicator is not None and programme is not None and period and value is not None:
            valid.append(_ValidRow(indicator, areas[cells["area"]], programme, period, value))

    if report.errors:
        return report
    with transaction.atomic():
        for item in valid:
            outcome = _write(
                by=by,
                indicator=item.indicator,
                area=item.area,
                programme=item.programme,
                period=item.period,
                value=item.value,
                via="import",
                provenance=Provenance.FILE,
                detail=source_name,
            )
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report
