"""The indicator dashboard: figures per area and period, small numbers suppressed, changes, targets."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import numberformat, timezone
from django.utils.formats import get_format, number_format

from core.db import Prepared, Run, objects_together
from indicators.computations import Figure, compute, shared_events, shared_memo
from indicators.models import (
    Audience,
    Disclosure,
    EnteredValue,
    Indicator,
    InterpretationNote,
    Source,
    Target,
    Unit,
)
from indicators.periods import Cadence, Period, period_containing
from indicators.suppression import Cell, derived_hidden, suppress_table

if TYPE_CHECKING:
    from directory.models import Area
    from programmes.models import Programme

HISTORY = {Cadence.MONTHLY: 13, Cadence.QUARTERLY: 5, Cadence.HALF_YEARLY: 3, Cadence.YEARLY: 3}
HIDDEN = "<5"
PROTECTED = ".."


@dataclass(frozen=True)
class Shown:
    """One published (or hidden) figure. A hidden figure never shows its value."""

    value: float | None
    hidden: bool
    reason: str = ""

    @property
    def text(self) -> str:
        return self.text_with(number_format)

    def text_with(self, format_number: Callable[..., str]) -> str:
        """The text, with numbers formatted by ``format_number`` (``number_format``'s
        signature; :func:`figure_formatter` is the fast one for many cells)."""
        if self.hidden:
            # 1–4 people: "<5"; hidden to protect another cell, or too few to compute: "..".
            return HIDDEN if self.reason == "small" else PROTECTED
        if self.value is None:
            return "–"
        return format_number(self.value, decimal_pos=0 if float(self.value).is_integer() else 1)


def figure_formatter() -> Callable[..., str]:
    """``number_format`` for the active language with its separators looked up once: the same
    text, without three format lookups per table cell."""
    decimal_separator = get_format("DECIMAL_SEPARATOR")
    grouping = get_format("NUMBER_GROUPING")
    thousand_separator = get_format("THOUSAND_SEPARATOR")

    def format_number(value: float, decimal_pos: int | None = None) -> str:
        return numberformat.format(
            value, decimal_separator, decimal_pos, grouping, thousand_separator, use_l10n=True
        )

    return format_number


@dataclass
class Row:
    label: str
    area: Area | None
    cells: list[Shown]


@dataclass
class IndicatorView:
    indicator: Indicator
    periods: list[Period]
    rows: list[Row]
    scope: Row  # the row the headline figures are of: the chosen area, or all areas
    current: Shown
    previous: Shown
    year_earlier: Shown
    target: Decimal | None
    notes: list[InterpretationNote] = field(default_factory=list)

    @property
    def period(self) -> Period:
        return self.periods[-1]

    @property
    def in_progress(self) -> bool:
        """The latest period has not ended (or not even begun): its figure is not final, so it
        is never compared as a change, let alone "in the wrong direction"."""
        return self.period.end > timezone.localdate()

    def _change(self, other: Shown) -> float | None:
        if self.in_progress:
            return None
        if self.current.hidden or other.hidden or self.current.value is None or other.value is None:
            return None
        return round(self.current.value - other.value, 1)

    @property
    def change_from_previous(self) -> float | None:
        return self._change(self.previous)

    @property
    def change_from_year_earlier(self) -> float | None:
        return self._change(self.year_earlier)

    @property
    def right_direction(self) -> bool | None:
        """Are we moving in the right direction (compared with the previous period)?"""
        change = self.change_from_previous
        if change is None or change == 0:
            return None
        return (change > 0) == (self.indicator.direction == "up")

    @property
    def target_met(self) -> bool | None:
        if self.target is None or self.current.hidden or self.current.value is None:
            return None
        if self.indicator.direction == "up":
            return self.current.value >= float(self.target)
        return self.current.value <= float(self.target)

    def chart(self, rows: list[Row] | None = None) -> dict[str, Any]:
        """The chart's data: one line per row of ``rows`` (default: the headline row only, so a
        chart never shows more areas than were chosen). A hidden or missing figure is a gap
        (``None``); ``hidden`` names the periods hidden per line, for the note under the chart."""
        from django.utils.translation import gettext as _

        chosen = rows if rows is not None else [self.scope]
        return {
            "labels": [p.name for p in self.periods],
            "series": [
                {
                    "label": row.label,
                    "values": [None if c.hidden or c.value is None else c.value for c in row.cells],
                    "hidden": [
                        p.name for p, c in zip(self.periods, row.cells, strict=True) if c.hidden
                    ],
                }
                for row in chosen
            ],
            "target": float(self.target) if self.target is not None else None,
            "targetLabel": _("Target"),
            "integer": self.indicator.unit == Unit.COUNT,
        }

    @property
    def sparkline(self) -> list[float | None]:
        """The headline row's figures over the periods shown, hidden ones as gaps."""
        return [None if c.hidden or c.value is None else c.value for c in self.scope.cells]


def periods_until(day: date, cadence: str, count: int | None = None) -> list[Period]:
    """The ``count`` periods (default: the cadence's history) up to the one containing ``day``,
    the oldest first."""
    return list(_periods_until(day, cadence, count or HISTORY[cadence]))


@lru_cache(maxsize=256)
def _periods_until(day: date, cadence: str, count: int) -> tuple[Period, ...]:
    """Kept per day, cadence and count (a dashboard asks for the same few dozen periods of each
    of its indicators on every request; a period is an immutable value)."""
    periods = [period_containing(day, cadence)]
    for _ in range(count - 1):
        periods.append(periods[-1].previous())
    return tuple(reversed(periods))


def periods_read(until: date | None, cadence: str) -> list[Period]:
    """The periods whose figures are read for a view. Without ``until`` (the latest period with
    data) twice the history is read, so that the window can end at an earlier period."""
    if until is None:
        return periods_until(timezone.localdate(), cadence, 2 * HISTORY[cadence])
    return periods_until(until, cadence)


def latest_with_data(present: list[bool], periods: list[Period]) -> int:
    """The index of the period a view ends at when no day is chosen: the latest period that has
    ended and has a figure (``present``: hidden or not); else the latest with a figure at all (a
    period still running); else the latest."""
    today = timezone.localdate()
    with_data = [i for i, has in enumerate(present) if has]
    ended = [i for i in with_data if periods[i].end <= today]
    if ended:
        return ended[-1]
    return with_data[-1] if with_data else len(periods) - 1


def figures(
    indicator: Indicator, programme: Programme, areas: list[Area], periods: list[Period]
) -> dict[tuple[int | None, str], Figure]:
    area_ids = [area.pk for area in areas]
    if indicator.source == Source.COMPUTED:
        result = compute(indicator.computation, programme, area_ids, periods)
        if not indicator.enterable:
            return result
        # An entered figure (e.g. from the training register) replaces the computed one.
        entered = _entered(indicator, programme, area_ids, periods)
        if not entered:
            return result
        result.update(entered)
        _add_totals(indicator, result, area_ids, periods, {period for _a, period in entered})
        return result
    result = _entered(indicator, programme, area_ids, periods)
    _add_totals(indicator, result, area_ids, periods, {p.code for p in periods})
    return result


ENTERED_MEMO = "entered"


def _entered(
    indicator: Indicator, programme: Programme, area_ids: list[int], periods: list[Period]
) -> dict[tuple[int | None, str], Figure]:
    codes = [p.code for p in periods]
    memo = shared_memo()
    read = memo.get((ENTERED_MEMO, programme.pk, indicator.pk)) if memo is not None else None
    if read is not None and set(codes) <= read[0]:
        # Read with the other indicators of the block (:func:`read_entered`).
        wanted_areas, wanted_codes = set(area_ids), set(codes)
        rows = [row for row in read[1] if row[0] in wanted_areas and row[1] in wanted_codes]
    else:
        rows = list(
            EnteredValue.objects.filter(
                indicator=indicator, programme=programme, area_id__in=area_ids, period__in=codes
            ).values_list("area_id", "period", "value")
        )
    result: dict[tuple[int | None, str], Figure] = {}
    for area_id, period, value in rows:
        number = float(value)
        result[(area_id, period)] = Figure(number, int(number) if indicator.person_count else None)
    return result


# The entered figures of a dashboard's indicators, compiled once: read by the periods' first days
# (every writer keeps ``period_start`` as its period's first day, indicators.entry), then taken
# by period code.
_ENTERED = Prepared(
    lambda programme, ids, first, last: (
        EnteredValue.objects.filter(
            programme_id=programme,
            indicator_id__any_of=ids,
            period_start__gte=first,
            period_start__lte=last,
        )
        .order_by()
        .values_list("indicator_id", "area_id", "period", "value")
    ),
    programme=int,
    ids=list,
    first=date,
    last=date,
)


def read_entered(programme: Programme, shown: Sequence[tuple[Indicator, list[Period]]]) -> None:
    """Inside :func:`shared_events`, read at once the entered figures of every indicator that
    has them (each with the periods it reads), for :func:`_entered` to take from memory: one
    query for the dashboard instead of one per such indicator. For reading only: an entered
    figure saved inside the same block would not be seen."""
    memo = shared_memo()
    entered = [
        (indicator, periods)
        for indicator, periods in shown
        if indicator.source != Source.COMPUTED or indicator.enterable
    ]
    if memo is None or len(entered) < 2:
        return
    # Every period of these indicators, and more of them (:func:`_entered` takes its own codes).
    starts = [period.start for _indicator, periods in entered for period in periods]
    rows: dict[int, list[tuple[int, str, Decimal]]] = {i.pk: [] for i, _periods in entered}
    for indicator_id, area_id, period, value in _ENTERED.rows(
        programme=programme.pk, ids=list(rows), first=min(starts), last=max(starts)
    ):
        rows[indicator_id].append((area_id, period, Decimal(str(value))))
    for indicator, periods in entered:
        codes = {p.code for p in periods}
        memo[(ENTERED_MEMO, programme.pk, indicator.pk)] = (codes, rows[indicator.pk])


def _add_totals(
    indicator: Indicator,
    result: dict[tuple[int | None, str], Figure],
    area_ids: list[int],
    periods: list[Period],
    codes: set[str],
) -> None:
    """The total of a count is the sum of its areas' figures (periods ``codes`` only)."""
    if indicator.unit != Unit.COUNT:
        return
    for period in periods:
        if period.code not in codes:
            continue
        present = [result[(a, period.code)] for a in area_ids if (a, period.code) in result]
        if present:
            total = sum(f.value or 0 for f in present)
            result[(None, period.code)] = Figure(
                total, int(total) if indicator.person_count else None
            )


def provenance(
    indicator: Indicator, programme: Programme, periods: list[Period]
) -> dict[tuple[int, str], EnteredValue]:
    """Where each entered figure of the periods came from: (area id, period code) -> value."""
    return {
        (value.area_id, value.period): value
        for value in EnteredValue.objects.filter(
            indicator=indicator, programme=programme, period__in=[p.code for p in periods]
        ).select_related("updated_by", "area")
    }


def indicator_view(
    indicator: Indicator,
    programme: Programme,
    areas: list[Area],
    area: Area | None = None,
    until: date | None = None,
    context: ViewContext | None = None,
    audience: str = Audience.OUTSIDE,
    *,
    scope_only: bool = False,
) -> IndicatorView:
    """One indicator for the areas (rows) and periods (columns), with a total row.

    ``scope_only``: the rows hold the scope row alone (the chosen area's, or the total), all
    that an overview of many indicators shows; its cells are those of the whole table (a
    person count is still suppressed over every area).

    ``context`` holds the targets and notes of many indicators read at once
    (:func:`indicator_views`); without it they are read for this indicator.

    ``audience``: a count of activity (``Disclosure.ACTIVITY``: calls, discussions, meetings
    held) is exact for the region's own staff on Arki's pages (``Audience.STAFF``) and has its
    small numbers hidden in everything that leaves (``Audience.OUTSIDE``, the default); a count
    of people is hidden for every audience.

    Without ``until`` the view ends at the latest period with data (:func:`latest_with_data`),
    never at an empty period just begun."""
    periods = periods_read(until, indicator.cadence)
    data = figures(indicator, programme, areas, periods)
    shown_rows = [a for a in areas if (area.pk == a.pk if area is not None else not scope_only)]
    rows: list[Row] = []
    exact = (
        audience == Audience.STAFF
        and indicator.disclosure == Disclosure.ACTIVITY
        and indicator.unit == Unit.COUNT
    )
    suppressed = not exact and indicator.person_count and indicator.unit == Unit.COUNT
    area_pks = [a.pk for a in areas]  # a model's pk is a property: read once, not per cell
    if until is None:
        # The window first, then the cells of its periods only (twice the history is read).
        # Whether a period has a figure, hidden or not, does not depend on what is hidden: a
        # cell is hidden only where there is a figure, and each period's column is suppressed
        # on its own, so the shown columns come out the same as from the whole table.
        scope_keys: list[int | None] = [area.pk] if area is not None else [None]
        if suppressed and area is None:
            scope_keys = list(area_pks)  # the total of a person count: the sum of its areas
        derived = not exact and not suppressed
        present = [
            any(_has_figure(data.get((key, p.code)), derived=derived) for key in scope_keys)
            for p in periods
        ]
        last = latest_with_data(present, periods)
        periods = periods[max(0, last - HISTORY[indicator.cadence] + 1) : last + 1]
    codes = [p.code for p in periods]
    if exact:
        for a in shown_rows:
            pk = a.pk
            rows.append(Row(a.name, a, [_exact(data.get((pk, code))) for code in codes]))
        total = [_exact(data.get((None, code))) for code in codes]
    elif suppressed:
        keys = {pk: str(pk) for pk in area_pks}
        table = {
            keys[pk]: {code: _whole(data.get((pk, code))) for code in codes} for pk in area_pks
        }
        cells, totals = suppress_table(table, with_total=True)
        for a in shown_rows:
            row = cells[keys[a.pk]]
            rows.append(Row(a.name, a, [_shown(row[code]) for code in codes]))
        no_data = Cell(None, False, "")  # a region with no areas yet has no total either
        total = [_shown(totals.get(code, no_data)) for code in codes]
    else:
        for a in shown_rows:
            pk = a.pk
            rows.append(Row(a.name, a, [_derived(data.get((pk, code))) for code in codes]))
        total = [_derived(data.get((None, code))) for code in codes]
    if area is None:
        from django.utils.translation import gettext as _

        rows.append(Row(_("All areas"), None, total))
    scope = rows[0] if area is not None else rows[-1]
    year_earlier_code = periods[-1].year_earlier().code
    year_index = next((i for i, p in enumerate(periods) if p.code == year_earlier_code), None)
    context = context or ViewContext.read([indicator], area)
    # An area's own target, or else the programme-wide one.
    targets = context.targets.get((indicator.pk, periods[-1].code), {})
    target = targets.get(area.pk if area is not None else None, targets.get(None))
    shown_codes = {p.code for p in periods}
    return IndicatorView(
        indicator=indicator,
        periods=periods,
        rows=rows,
        scope=scope,
        current=scope.cells[-1],
        previous=scope.cells[-2] if len(periods) > 1 else Shown(None, False),
        year_earlier=scope.cells[year_index] if year_index is not None else Shown(None, False),
        target=target,
        notes=[note for note in context.notes.get(indicator.pk, []) if note.period in shown_codes],
    )


@dataclass
class ViewContext:
    """Targets and interpretation notes of several indicators, two queries in all (read
    together)."""

    # (indicator, period) -> {area id or None: target}
    targets: dict[tuple[int, str], dict[int | None, Decimal]]
    # indicator -> notes on the area (None: all areas), newest first
    notes: dict[int, list[InterpretationNote]]

    @classmethod
    def read(cls, indicators: list[Indicator], area: Area | None) -> ViewContext:
        ids = [indicator.pk for indicator in indicators]
        targets: dict[tuple[int, str], dict[int | None, Decimal]] = {}
        read_targets, read = objects_together(
            [
                Run(_TARGETS, {"ids": ids}),
                Run(_NOTES_OF_ALL, {"ids": ids})
                if area is None
                else Run(_NOTES_OF_AREA, {"ids": ids, "area": area.pk}),
            ]
        )
        for target in read_targets:
            targets.setdefault((target.indicator_id, target.period), {})[target.area_id] = (
                target.value
            )
        notes: dict[int, list[InterpretationNote]] = {}
        for note in read:
            notes.setdefault(note.indicator_id, []).append(note)
        return cls(targets, notes)


# Read on every dashboard and agenda, each compiled once per process (core.db.Prepared).
_TARGETS = Prepared(lambda ids: Target.objects.filter(indicator_id__any_of=ids), ids=list)
_NOTES_OF_ALL = Prepared(
    lambda ids: InterpretationNote.objects.filter(
        indicator_id__any_of=ids, area__isnull=True
    ).select_related("author"),
    ids=list,
)
_NOTES_OF_AREA = Prepared(
    lambda ids, area: InterpretationNote.objects.filter(
        indicator_id__any_of=ids, area_id=area
    ).select_related("author"),
    ids=list,
    area=int,
)


def _shown(cell: Cell) -> Shown:
    return Shown(None if cell.hidden else cell.value, cell.hidden, cell.reason)


def _has_figure(figure: Figure | None, *, derived: bool) -> bool:
    """Whether a cell made of the figure has data, shown or hidden (``_exact``, ``_whole`` and
    ``_derived`` make a cell with a value or hidden exactly when this is true)."""
    if figure is None:
        return False
    return figure.value is not None or (derived and derived_hidden(figure.base))


def _whole(figure: Figure | None) -> int | None:
    return None if figure is None or figure.value is None else int(figure.value)


def _exact(figure: Figure | None) -> Shown:
    return Shown(None, False) if figure is None else Shown(figure.value, False)


def _derived(figure: Figure | None) -> Shown:
    if figure is None:
        return Shown(None, False)
    if derived_hidden(figure.base):
        return Shown(None, True, "derived")
    return Shown(figure.value, False)


def indicators_for(programme: Programme | None) -> list[Indicator]:
    """The programme's active indicators and those of every programme, in their order (no
    programme: only those of every programme)."""
    run = _indicators_run(programme)
    return run.prepared.objects(**run.values)


def covered_areas() -> dict[int, frozenset[int]]:
    """The areas each active indicator is limited to (an indicator not named covers every
    area)."""
    return _covered(_INDICATOR_AREAS.rows())


def _covered(rows: list[tuple[int, int]]) -> dict[int, frozenset[int]]:
    covered: dict[int, set[int]] = {}
    for indicator_id, area_id in rows:
        covered.setdefault(indicator_id, set()).add(area_id)
    return {indicator_id: frozenset(areas) for indicator_id, areas in covered.items()}


def _indicators_run(programme: Programme | None) -> Run:
    if programme is None:
        return Run(_GENERAL_INDICATORS, {})
    return Run(_INDICATORS, {"programme": programme.pk})


def _catalogue(
    programme: Programme,
) -> tuple[list[Indicator], list[Area], dict[int, frozenset[int]]]:
    """:func:`indicators_for` the programme, every area by name and :func:`covered_areas`, read
    together (core.db.objects_together)."""
    indicators, areas, covered = objects_together(
        [_indicators_run(programme), Run(_AREAS, {}), Run(_INDICATOR_AREAS, {}, as_rows=True)]
    )
    return indicators, areas, _covered(covered)


_INDICATORS = Prepared(
    lambda programme: Indicator.objects.filter(is_active=True).filter(
        Q(programme_id=programme) | Q(programme__isnull=True)
    ),
    programme=int,
)
_GENERAL_INDICATORS = Prepared(
    lambda: Indicator.objects.filter(is_active=True, programme__isnull=True)
)
_AREAS = Prepared(lambda: _area_model().objects.order_by("name"))


def _area_model() -> type[Area]:
    from directory.models import Area

    return Area


_INDICATOR_AREAS = Prepared(
    lambda: (
        Indicator.areas.through.objects.filter(indicator__is_active=True)
        .order_by()
        .values_list("indicator_id", "area_id")
    )
)


def indicator_views(
    programme: Programme,
    area: Area | None = None,
    until: date | None = None,
    code: str | None = None,
    audience: str = Audience.OUTSIDE,
    *,
    scope_only: bool = False,
) -> list[IndicatorView]:
    """Every active indicator of the programme (or the one ``code``) over the areas it covers
    (``scope_only``: each with its scope row alone, :func:`indicator_view`)."""

    indicators, areas, covered = _catalogue(programme)
    wanted = [i for i in indicators if code is None or i.code == code]
    views = []
    context = ViewContext.read(wanted, area)
    with events_for(programme, [(indicator, until) for indicator in wanted]):
        read_entered(programme, [(i, periods_read(until, i.cadence)) for i in wanted])
        for indicator in wanted:
            own = covered.get(indicator.pk, frozenset())
            scoped = [a for a in areas if not own or a.pk in own]
            if area is not None and area not in scoped:
                continue
            views.append(
                indicator_view(
                    indicator,
                    programme,
                    scoped,
                    area,
                    until,
                    context,
                    audience,
                    scope_only=scope_only,
                )
            )
    return views


def events_for(
    programme: Programme, shown: Sequence[tuple[Indicator, date | None]]
) -> AbstractContextManager[Any]:
    """One shared tally of the programme's events when several computed indicators will read
    them (each would otherwise query on its own); a single indicator queries only its own.

    ``shown``: each indicator with the last day of the periods shown for it (None: the latest
    period with data, :func:`periods_read`)."""
    computed = [(i, until) for i, until in shown if i.source == Source.COMPUTED]
    if len(computed) < 2:
        return nullcontext()
    # Each indicator's periods follow each other, the oldest first.
    spans = [periods_read(until, indicator.cadence) for indicator, until in computed]
    lower = min(periods[0].bounds()[0] for periods in spans)
    upper = max(periods[-1].bounds()[1] for periods in spans)
    return shared_events(lower, upper, programme=programme)
