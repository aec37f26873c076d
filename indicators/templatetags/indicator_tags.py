"""Template tags of the indicator dashboard."""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from indicators.selectors import IndicatorView, figure_formatter

register = template.Library()


@register.simple_tag
def indicator_rows(view: IndicatorView, programme: Any, area: Any) -> SafeString:
    """The table body of one indicator: a row per area (linked to the area's own view when all
    areas are shown) and a cell per period.

    Rendered here rather than with template loops: a county's dashboard has thousands of cells,
    and the template engine's per-cell cost was most of the page's time."""
    format_number = figure_formatter()
    # The standard library's escape: the same text as Django's, without its lazy-string check
    # on each of the thousands of calls.
    programme_value = escape("" if programme is None else str(programme))
    rows = []
    for row in view.rows:
        if row.area is not None and not area:
            label = (
                f'<a href="?programme={programme_value}&amp;area={row.area.pk}'
                f'#indicator-{escape(view.indicator.code)}">{escape(row.label)}</a>'
            )
        else:
            label = escape(row.label)
        cells = "".join(f"<td>{escape(cell.text_with(format_number))}</td>" for cell in row.cells)
        rows.append(f'<tr><th scope="row">{label}</th>{cells}</tr>')
    return mark_safe("".join(rows))


@register.filter
def period_name(value: Any) -> str:
    """A period (or its code) as people read it: "loka–joulukuu 2026"."""
    from indicators.periods import Period, parse_period

    if isinstance(value, Period):
        return value.name
    try:
        return parse_period(str(value)).name
    except ValueError:
        return str(value)
