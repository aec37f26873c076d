"""Reporting periods with ISO-style codes: 2026-03 (month), 2026Q1, 2026S1 (half-year), 2026."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings


class Cadence:
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"


_PATTERNS = [
    (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), Cadence.MONTHLY),
    (re.compile(r"^(\d{4})Q([1-4])$"), Cadence.QUARTERLY),
    (re.compile(r"^(\d{4})S([12])$"), Cadence.HALF_YEARLY),
    (re.compile(r"^(\d{4})$"), Cadence.YEARLY),
]
_MONTHS = {Cadence.MONTHLY: 1, Cadence.QUARTERLY: 3, Cadence.HALF_YEARLY: 6, Cadence.YEARLY: 12}


@dataclass(frozen=True, order=True)
class Period:
    start: date  # first day
    end: date  # first day after the period
    cadence: str

    @cached_property
    def code(self) -> str:
        # Cached: a dashboard asks each period's code thousands of times.
        year, month = self.start.year, self.start.month
        if self.cadence == Cadence.MONTHLY:
            return f"{year}-{month:02d}"
        if self.cadence == Cadence.QUARTERLY:
            return f"{year}Q{(month - 1) // 3 + 1}"
        if self.cadence == Cadence.HALF_YEARLY:
            return f"{year}S{(month - 1) // 6 + 1}"
        return f"{year}"

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        """The period as people read it, in the active language: "joulukuu 2026",
        "loka–joulukuu 2026", "heinä–joulukuu 2026", "2026" ("oktober–december 2026",
        "October–December 2026"). Codes stay in URLs, the API and files."""
        return period_name(self)

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as aware datetimes in the installation's time zone (DST-safe)."""
        zone = ZoneInfo(settings.TIME_ZONE)
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end, time.min, tzinfo=zone),
        )

    def previous(self) -> Period:
        return period_containing(_add_months(self.start, -_MONTHS[self.cadence]), self.cadence)

    def year_earlier(self) -> Period:
        return period_containing(_add_months(self.start, -12), self.cadence)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def parse_period(code: str) -> Period:
    """Parse a period code; a ValueError names what is wrong."""
    text = code.strip()
    for pattern, cadence in _PATTERNS:
        match = pattern.match(text)
        if match:
            year = int(match.group(1))
            part = int(match.group(2)) if match.lastindex and match.lastindex > 1 else 1
            first_month = 1 + (part - 1) * _MONTHS[cadence] if cadence != Cadence.MONTHLY else part
            start = date(year, first_month, 1)
            return Period(start, _add_months(start, _MONTHS[cadence]), cadence)
    raise ValueError(f"not a period code: {code!r} (use 2026-03, 2026Q1, 2026S1 or 2026)")


def period_containing(day: date, cadence: str) -> Period:
    months = _MONTHS[cadence]
    first_month = ((day.month - 1) // months) * months + 1
    start = date(day.year, first_month, 1)
    return Period(start, _add_months(start, months), cadence)


def period_name(period: Period, language: str | None = None) -> str:
    """See :attr:`Period.name`; ``language`` overrides the active one."""
    from django.utils import translation
    from django.utils.dates import MONTHS

    with translation.override(language or translation.get_language() or "fi"):
        finnish = (translation.get_language() or "fi").startswith("fi")
        year = period.start.year
        if period.cadence == Cadence.YEARLY:
            return str(year)
        first = str(MONTHS[period.start.month])
        if period.cadence == Cadence.MONTHLY:
            return f"{first} {year}"
        last = str(MONTHS[_add_months(period.end, -1).month])
        if finnish and first.endswith("kuu"):
            # Finnish joins a range of months on the first one's stem: "loka–joulukuu".
            first = first[: -len("kuu")]
        return f"{first}\u2013{last} {year}"
