"""Statistical disclosure control for indicator tables about people (children, families).

Finnish practice for published person counts:

* a count of 1–4 persons is never published; it is shown as ``<5`` (*primary* suppression);
* a hidden count must not be recoverable from published totals, so further cells (or the total)
  are hidden as well (*secondary*, complementary suppression);
* a figure derived from a hidden count or from a base of 1–4 (a percentage, a median, a change
  from an earlier period) is hidden too.

Tables are ``rows -> columns -> count``: rows are areas, columns are periods, and a total is
published per column only (no row totals), so every column is protected independently.

A hidden :class:`Cell` still carries its true ``value`` for internal use; render cells only
through :func:`display`, never ``cell.value`` directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MIN_COUNT = 5
"""The smallest person count that may be published (counts 1 to ``MIN_COUNT - 1`` are hidden)."""

SMALL = "small"
SECONDARY = "secondary"
DERIVED = "derived"

HIDDEN_TEXT = "<5"
NO_DATA_TEXT = "–"


@dataclass(frozen=True)
class Cell:
    """One figure of a table, with its publication decision.

    ``value`` is the true count (``None`` = no data); ``hidden`` tells whether it may be published;
    ``reason`` is ``""`` (published), ``"small"`` (1–4), ``"secondary"`` (hidden to protect another
    cell) or ``"derived"`` (computed from hidden counts or a small base).
    """

    value: int | None
    hidden: bool
    reason: str


def is_small(value: int | None) -> bool:
    """True for a count that must not be published: 1 to ``MIN_COUNT - 1`` (0 and None are fine)."""
    return value is not None and 0 < value < MIN_COUNT


def _check(value: int | None) -> None:
    if value is not None and value < 0:
        raise ValueError(f"a person count cannot be negative: {value}")


def suppress_value(value: int | None) -> Cell:
    """A single published figure outside a table: hidden only if it is small (1–4)."""
    _check(value)
    if is_small(value):
        return Cell(value, True, SMALL)
    return Cell(value, False, "")


def _columns(rows: Mapping[str, Mapping[str, int | None]]) -> list[str]:
    """Every column key of the table, in first-seen order."""
    seen: dict[str, None] = {}
    for columns in rows.values():
        for column in columns:
            seen.setdefault(column)
    return list(seen)


def _needs_more(hidden: list[int]) -> bool:
    """Whether the hidden cells of a column could still be derived or bounded from its total.

    With exactly one hidden cell, total minus the published cells gives its value; with a hidden
    sum of 1–4 a reader knows the hidden cells are all small.
    """
    return len(hidden) == 1 or is_small(sum(hidden))


def suppress_table(
    rows: Mapping[str, Mapping[str, int | None]], with_total: bool = True
) -> tuple[dict[str, dict[str, Cell]], dict[str, Cell]]:
    """Apply primary and secondary suppression to a table of person counts.

    ``rows`` maps a row key (area code) to a column key (period code) to a count (or None).
    A column missing from a row is treated as None. Returns ``(cells, totals)``: ``cells`` has
    every row with every column, ``totals`` the total per column (the sum of the column's non-None
    values, None if all are None). With ``with_total=False`` no totals are published, ``totals``
    is empty and only primary suppression applies.

    Rules, per column independently:

    1. Primary: every cell of 1–4 is hidden (``"small"``), and so is a total of 1–4.
    2. Secondary: while the total is published and exactly one non-None cell is hidden, or the
       hidden cells sum to 1–4, hide the smallest published non-zero cell (``"secondary"``;
       ties go to the earliest row), or the total if there is none.

    Zero is publishable; None is never hidden. Raises ValueError for a negative count.
    """
    columns = _columns(rows)
    cells: dict[str, dict[str, Cell]] = {row: {} for row in rows}
    totals: dict[str, Cell] = {}
    for column in columns:
        values = {row: rows[row].get(column) for row in rows}
        for value in values.values():
            _check(value)
        hidden = {row: is_small(value) for row, value in values.items()}
        reasons = {row: SMALL if hidden[row] else "" for row in values}

        present = [value for value in values.values() if value is not None]
        total = sum(present) if present else None
        total_hidden = is_small(total)
        total_reason = SMALL if total_hidden else ""

        if with_total and total is not None:
            while not total_hidden:
                hidden_values = [v for r, v in values.items() if hidden[r] and v is not None]
                if not _needs_more(hidden_values):
                    break
                candidates = [
                    (value, index, row)
                    for index, (row, value) in enumerate(values.items())
                    if not hidden[row] and value
                ]
                if candidates:
                    _, _, row = min(candidates)
                    hidden[row] = True
                    reasons[row] = SECONDARY
                else:
                    total_hidden, total_reason = True, SECONDARY

        for row, value in values.items():
            cells[row][column] = Cell(value, hidden[row], reasons[row])
        if with_total:
            totals[column] = Cell(total, total_hidden, total_reason)
    return cells, totals


def derived_hidden(*counts: int | Cell | None) -> bool:
    """Whether a figure derived from ``counts`` must be hidden (shown as a ``"derived"`` cell).

    Pass every count the derived figure (a percentage, a median, a change from an earlier period)
    is computed from: numerators and denominators/bases. It is hidden if any of them is hidden or
    1–4. Plain ints are judged by :func:`is_small` alone, so pass the :class:`Cell` from
    :func:`suppress_table` when a count may have been hidden by secondary suppression.
    None (no data) does not hide the figure; the caller has no figure to show then anyway.
    """
    for count in counts:
        if isinstance(count, Cell):
            if count.hidden or is_small(count.value):
                return True
        elif is_small(count):
            return True
    return False


def display(cell: Cell) -> str:
    """The published text of a cell: ``"<5"`` if hidden, ``"–"`` for no data, else the value."""
    if cell.hidden:
        return HIDDEN_TEXT
    if cell.value is None:
        return NO_DATA_TEXT
    return str(cell.value)
