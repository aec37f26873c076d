"""An indicator's view without a chosen day builds the cells of its shown periods only (issue #21):
the result must be the same as building the whole table read (twice the history), suppressing it
and then cutting the window, for every kind of figure and any data."""

from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from directory.models import Area
from indicators import selectors
from indicators.computations import Figure
from indicators.models import Audience, Disclosure, Indicator, Unit
from indicators.periods import Cadence
from indicators.suppression import suppress_table
from programmes.models import Programme

AREAS = [Area(pk=pk, name=f"Area {pk}") for pk in (11, 12, 13)]


def reference(indicator, area, audience, data, periods):
    """The whole table first, then the window (the way the view was built before)."""
    codes = [p.code for p in periods]
    shown = [a for a in AREAS if area is None or a.pk == area.pk]
    exact = (
        audience == Audience.STAFF
        and indicator.disclosure == Disclosure.ACTIVITY
        and indicator.unit == Unit.COUNT
    )
    if exact:
        rows = [[selectors._exact(data.get((a.pk, c))) for c in codes] for a in shown]
        total = [selectors._exact(data.get((None, c))) for c in codes]
    elif indicator.person_count and indicator.unit == Unit.COUNT:
        table = {
            str(a.pk): {c: selectors._whole(data.get((a.pk, c))) for c in codes} for a in AREAS
        }
        cells, totals = suppress_table(table, with_total=True)
        rows = [[selectors._shown(cells[str(a.pk)][c]) for c in codes] for a in shown]
        total = [selectors._shown(totals[c]) for c in codes]
    else:
        rows = [[selectors._derived(data.get((a.pk, c))) for c in codes] for a in shown]
        total = [selectors._derived(data.get((None, c))) for c in codes]
    if area is None:
        rows.append(total)
    scope = rows[0] if area is not None else rows[-1]
    present = [cell.hidden or cell.value is not None for cell in scope]
    last = selectors.latest_with_data(present, periods)
    window = slice(max(0, last - selectors.HISTORY[indicator.cadence] + 1), last + 1)
    return [p.code for p in periods[window]], [row[window] for row in rows]


figure = st.one_of(
    st.none(),
    st.builds(
        Figure,
        value=st.one_of(st.none(), st.integers(0, 12).map(float)),
        base=st.one_of(st.none(), st.integers(0, 12)),
    ),
)


@settings(max_examples=150, deadline=None)
@given(
    cadence=st.sampled_from([Cadence.MONTHLY, Cadence.QUARTERLY, Cadence.YEARLY]),
    unit=st.sampled_from([Unit.COUNT, Unit.PERCENT]),
    person_count=st.booleans(),
    disclosure=st.sampled_from([Disclosure.PERSON, Disclosure.ACTIVITY]),
    audience=st.sampled_from([Audience.STAFF, Audience.OUTSIDE]),
    area_index=st.sampled_from([None, 0, 2]),
    # Which periods have figures at all: none, only early ones, only late ones, or any.
    figures=st.lists(st.tuples(st.integers(0, 25), st.sampled_from([None, 11, 12, 13]), figure)),
)
def test_the_window_is_cut_before_the_cells_are_built(
    cadence, unit, person_count, disclosure, audience, area_index, figures
):
    indicator = Indicator(
        pk=1,
        code="x",
        cadence=cadence,
        unit=unit,
        person_count=person_count,
        disclosure=disclosure,
    )
    area = AREAS[area_index] if area_index is not None else None
    periods = selectors.periods_read(None, cadence)
    data = {}
    for index, key, value in figures:
        if value is not None:
            data[(key, periods[index % len(periods)].code)] = value
    with mock.patch.object(selectors, "figures", return_value=data):
        view = selectors.indicator_view(
            indicator,
            Programme(pk=1),
            AREAS,
            area,
            None,
            selectors.ViewContext({}, {}),
            audience,
        )
    codes, rows = reference(indicator, area, audience, data, periods)
    assert [p.code for p in view.periods] == codes
    assert [row.cells for row in view.rows] == rows
    assert view.scope is (view.rows[0] if area is not None else view.rows[-1])
