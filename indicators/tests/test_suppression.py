import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.suppression import (
    MIN_COUNT,
    Cell,
    derived_hidden,
    display,
    is_small,
    suppress_table,
    suppress_value,
)


def column(values, with_total=True):
    """Suppress a one-column table ``{row: value}``; return ({row: Cell}, total Cell or None)."""
    cells, totals = suppress_table({row: {"2026Q1": v} for row, v in values.items()}, with_total)
    return {row: cells[row]["2026Q1"] for row in values}, totals.get("2026Q1")


def test_min_count_and_is_small():
    assert MIN_COUNT == 5
    assert [is_small(v) for v in (None, 0, 1, 4, 5, 30)] == [False, False, True, True, False, False]


def test_one_small_cell_hides_the_smallest_published_non_zero_cell():
    cells, total = column({"a": 3, "b": 10, "c": 12})
    assert cells["a"] == Cell(3, True, "small")
    assert cells["b"] == Cell(10, True, "secondary")
    assert cells["c"] == Cell(12, False, "")
    assert total == Cell(25, False, "")


def test_zero_is_not_a_secondary_candidate():
    cells, total = column({"a": 3, "b": 0, "c": 9, "d": 7})
    assert cells["b"] == Cell(0, False, "")
    assert cells["d"] == Cell(7, True, "secondary")
    assert not cells["c"].hidden
    assert total == Cell(19, False, "")


def test_small_cell_beside_only_a_zero_hides_the_total():
    cells, total = column({"a": 3, "b": 0})
    assert cells["a"] == Cell(3, True, "small")
    assert cells["b"] == Cell(0, False, "")
    assert total is not None and total.value == 3 and total.hidden


def test_zeros_hide_nothing():
    cells, total = column({"a": 0, "b": 0})
    assert cells == {"a": Cell(0, False, ""), "b": Cell(0, False, "")}
    assert total == Cell(0, False, "")


def test_small_total_is_hidden():
    cells, total = column({"a": 0, "b": 0, "c": 4})
    assert total == Cell(4, True, "small")
    assert cells["c"] == Cell(4, True, "small")
    assert not cells["a"].hidden and not cells["b"].hidden


def test_two_small_cells_with_a_sum_of_five_or_more_need_nothing_more():
    cells, total = column({"a": 3, "b": 4, "c": 10, "d": 20})
    assert [cells[r].reason for r in "abcd"] == ["small", "small", "", ""]
    assert total == Cell(37, False, "")


def test_two_small_cells_with_a_small_sum_hide_one_more():
    cells, total = column({"a": 1, "b": 2, "c": 10, "d": 20})
    assert [cells[r].reason for r in "abcd"] == ["small", "small", "secondary", ""]
    assert total == Cell(33, False, "")


def test_ties_go_to_the_earliest_row():
    cells, _ = column({"a": 2, "b": 8, "c": 8})
    assert (cells["b"].reason, cells["c"].reason) == ("secondary", "")


def test_none_is_neither_hidden_nor_counted():
    cells, total = column({"a": None, "b": 3, "c": 6, "d": 7})
    assert cells["a"] == Cell(None, False, "")
    assert cells["c"] == Cell(6, True, "secondary")
    assert total == Cell(16, False, "")


def test_all_none_column_has_no_total():
    cells, total = column({"a": None, "b": None})
    assert all(cell == Cell(None, False, "") for cell in cells.values())
    assert total == Cell(None, False, "")


def test_columns_are_independent_and_missing_cells_are_none():
    cells, totals = suppress_table(
        {"091": {"2026Q1": 3, "2026Q2": 12}, "092": {"2026Q1": 8, "2026Q2": 14}, "049": {}}
    )
    assert cells["091"]["2026Q1"].reason == "small"
    assert cells["092"]["2026Q1"].reason == "secondary"
    assert not cells["091"]["2026Q2"].hidden and not cells["092"]["2026Q2"].hidden
    assert cells["049"] == {"2026Q1": Cell(None, False, ""), "2026Q2": Cell(None, False, "")}
    assert totals == {"2026Q1": Cell(11, False, ""), "2026Q2": Cell(26, False, "")}


def test_without_total_only_primary_suppression_applies():
    cells, total = column({"a": 3, "b": 10}, with_total=False)
    assert cells["a"].reason == "small"
    assert cells["b"] == Cell(10, False, "")
    assert total is None


def test_empty_table():
    assert suppress_table({}) == ({}, {})


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="negative"):
        suppress_table({"a": {"2026": -1}})
    with pytest.raises(ValueError, match="negative"):
        suppress_value(-1)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, Cell(None, False, "")),
        (0, Cell(0, False, "")),
        (1, Cell(1, True, "small")),
        (4, Cell(4, True, "small")),
        (5, Cell(5, False, "")),
    ],
)
def test_suppress_value(value, cell):
    assert suppress_value(value) == cell


def test_derived_hidden():
    assert not derived_hidden(12, 40)
    assert derived_hidden(12, 4)  # small base
    assert derived_hidden(3, 40)  # small numerator
    assert not derived_hidden(0, 40)
    assert not derived_hidden(None, 40)
    assert not derived_hidden()
    assert derived_hidden(Cell(10, True, "secondary"), 40)
    assert not derived_hidden(Cell(10, False, ""), Cell(40, False, ""))


def test_display():
    assert display(Cell(3, True, "small")) == "<5"
    assert display(Cell(10, True, "secondary")) == "<5"
    assert display(Cell(None, True, "derived")) == "<5"
    assert display(Cell(None, False, "")) == "–"
    assert display(Cell(0, False, "")) == "0"
    assert display(Cell(17, False, "")) == "17"


tables = st.integers(min_value=1, max_value=4).flatmap(
    lambda n_columns: st.dictionaries(
        st.sampled_from(["091", "092", "049", "235", "257", "753"]),
        st.fixed_dictionaries(
            {f"2026Q{q}": st.none() | st.integers(0, 30) for q in range(1, n_columns + 1)}
        ),
        min_size=1,
        max_size=6,
    )
)


@given(tables, st.booleans())
def test_nothing_small_is_published(rows, with_total):
    cells, totals = suppress_table(rows, with_total)
    for cell in [*(c for row in cells.values() for c in row.values()), *totals.values()]:
        assert cell.hidden or not is_small(cell.value)
        assert cell.hidden == (cell.reason != "")
        assert display(cell) == "<5" or not is_small(cell.value)


@given(tables)
def test_no_hidden_cell_can_be_derived_from_margins(rows):
    cells, totals = suppress_table(rows)
    for column, total in totals.items():
        if total.hidden:
            continue
        hidden = [
            row[column].value
            for row in cells.values()
            if row[column].hidden and row[column].value is not None
        ]
        assert len(hidden) == 0 or len(hidden) >= 2
        assert sum(hidden) == 0 or sum(hidden) >= MIN_COUNT


@given(tables)
def test_published_figures_are_the_true_figures(rows):
    cells, totals = suppress_table(rows)
    assert cells.keys() == rows.keys()
    for row, columns in rows.items():
        for column, value in columns.items():
            assert cells[row][column].value == value
            if not cells[row][column].hidden:
                assert display(cells[row][column]) == ("–" if value is None else str(value))
    for column, total in totals.items():
        present = [cols[column] for cols in rows.values() if cols[column] is not None]
        assert total.value == (sum(present) if present else None)
        if not total.hidden:
            assert display(total) == ("–" if not present else str(sum(present)))
