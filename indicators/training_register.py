"""Trained-staff figures from a training register file, not only from Arki's training records.

The file (CSV or XLSX) lists the people who completed the programme's method training (the LP
method, or "Työkyky ja työllistyminen puheeksi" in working-age services), also staff without an
Arki account, one a row: ``area``
(an Arki area code), ``completed`` (2026-03-14 or 14.3.2026) and optionally ``person``,
``name`` or ``identifier``, which only tells a person listed twice in one area apart and is
never stored. Per area, the people trained by the end of each half-year are counted
cumulatively, as the trained-staff computations (``backbone/computations.py``)
count Arki's own records, and written as entered figures of the programme's trained-staff
indicator, which replace the computed ones.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tables import FIRST_DATA_ROW, RowError
from directory.models import Area
from indicators.computations import TRAINED_STAFF_TAG, tagged
from indicators.entry import ConfigurationError, ImportReport, _indicator_problem, _write
from indicators.models import Cadence, Indicator, Provenance
from indicators.periods import Period, period_containing
from programmes.models import Programme

if TYPE_CHECKING:
    from accounts.models import User

COLUMNS = ("area", "completed")
PERSON_COLUMNS = ("person", "name", "identifier")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_FINNISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def parse_date(text: str) -> date:
    """2026-03-14 or 14.3.2026 (also 14.03.2026); a ValueError names the accepted forms."""
    text = text.strip()
    iso = _ISO_DATE.match(text)
    finnish = _FINNISH_DATE.match(text)
    try:
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if finnish:
            return date(int(finnish.group(3)), int(finnish.group(2)), int(finnish.group(1)))
    except ValueError:
        pass
    raise ValueError(_("not a date (use 2026-03-14 or 14.3.2026)"))


def half_years(first: date, last: date) -> list[Period]:
    """The half-years from the one containing ``first`` to the one containing ``last``."""
    period = period_containing(last, Cadence.HALF_YEARLY)
    start = period_containing(first, Cadence.HALF_YEARLY)
    periods = []
    while period >= start:
        periods.append(period)
        period = period.previous()
    return periods[::-1]


def trained_indicator(programme: Programme) -> Indicator:
    """The programme's trained-staff indicator, if its figures may be entered: the catalogue's
    indicator of the programme (or of every programme) computed from its method's trainings."""
    indicator = (
        Indicator.objects.filter(is_active=True, computation__in=tagged(TRAINED_STAFF_TAG))
        .filter(Q(programme=programme) | Q(programme__isnull=True))
        .order_by("programme", "order")
        .first()
    )
    if indicator is None:
        raise ConfigurationError(
            [
                _("The catalogue has no trained-staff indicator for %(programme)s.")
                % {"programme": programme}
            ]
        )
    problem = _indicator_problem(indicator, programme)
    if problem is None and indicator.cadence != Cadence.HALF_YEARLY:
        problem = _("it is not measured half-yearly")
    if problem is not None:
        raise ConfigurationError([f"{indicator.name}: {problem}"])
    return indicator


def import_training_register(
    *,
    by: User,
    rows: list[dict[str, str]],
    programme: Programme,
    source_name: str = "",
    today: date | None = None,
) -> ImportReport:
    """Count the people of a training register per area and half-year and save the counts.

    All or nothing: an unknown area, a bad date or a date in the future is a row error and
    nothing is written. Areas the file does not mention are left as they are. Raises
    ConfigurationError when the programme's trained-staff indicator cannot be entered.
    """
    indicator = trained_indicator(programme)
    today = today or timezone.localdate()
    report = ImportReport()
    present = set().union(*(row.keys() for row in rows)) if rows else set()
    if not any(any((value or "").strip() for value in row.values()) for row in rows):
        report.errors.append(RowError(FIRST_DATA_ROW, "", _("the file has no rows to import")))
        return report
    missing = [column for column in COLUMNS if column not in present]
    if missing:
        report.errors.extend(RowError(1, column, _("missing column")) for column in missing)
        return report
    person_column = next((column for column in PERSON_COLUMNS if column in present), None)
    areas = {area.code: area for area in Area.objects.all()}
    # The earliest completion of each person in each area; without a person column, every
    # row is a person of its own.
    completions: dict[tuple[str, object], date] = {}
    repeated = _("people listed again in the same area (counted once, from the first date)")

    for number, row in enumerate(rows, start=FIRST_DATA_ROW):
        cells = {column: (row.get(column) or "").strip() for column in row}
        if not any(cells.values()):
            continue
        errors: list[RowError] = []
        area_code = cells.get("area", "")
        if not area_code:
            errors.append(RowError(number, "area", _("missing value")))
        elif area_code not in areas:
            errors.append(RowError(number, "area", _("unknown area")))
        completed: date | None = None
        if not cells.get("completed"):
            errors.append(RowError(number, "completed", _("missing value")))
        else:
            try:
                completed = parse_date(cells["completed"])
            except ValueError as problem:
                errors.append(RowError(number, "completed", str(problem)))
            else:
                if completed > today:
                    errors.append(RowError(number, "completed", _("a date in the future")))
        if errors or completed is None:
            report.errors.extend(errors)
            continue
        person = cells.get(person_column or "", "").casefold()
        key: tuple[str, object] = (area_code, person or number)
        if key in completions:
            report.skip(repeated)
            completions[key] = min(completions[key], completed)
        else:
            completions[key] = completed

    if report.errors:
        return report
    periods = half_years(min(completions.values()), today)
    by_area: dict[str, list[date]] = {}
    for (area_code, _person), completed in completions.items():
        by_area.setdefault(area_code, []).append(completed)
    counts = _cumulative(by_area, periods)
    report.people = len(completions)
    report.periods = periods
    with transaction.atomic():
        for (area_code, period), count in counts.items():
            outcome = _write(
                by=by,
                indicator=indicator,
                area=areas[area_code],
                programme=programme,
                period=period,
                value=count,
                via="training_register",
                provenance=Provenance.TRAINING_REGISTER,
                detail=source_name,
            )
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _cumulative(
    by_area: Mapping[str, list[date]], periods: list[Period]
) -> dict[tuple[str, Period], Decimal]:
    """People trained by the end of each period (completed before its first day after)."""
    return {
        (area_code, period): Decimal(sum(1 for day in dates if day < period.end))
        for area_code, dates in sorted(by_area.items())
        for period in periods
    }
