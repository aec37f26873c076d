"""Template tags of the indicator dashboard."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from indicators.selectors import IndicatorView, figure_formatter

if TYPE_CHECKING:
    from directory.models import Area

register = template.Library()


@register.simple_tag
def indicator_rows(
    view: IndicatorView, query: str, area: Area | None, sources: Any = None
) -> SafeString:
    """The table body of one indicator: a row per area (linked to the area's own view when all
    areas are shown: ``query`` is the page's other filters) and a cell per period. ``sources`` ((area id, period code) -> entered
    value, :func:`indicators.selectors.provenance`) names where an entered figure came from,
    beside it.

    Rendered here rather than with template loops: a county's dashboard has thousands of cells,
    and the template engine's per-cell cost was most of the page's time."""
    format_number = figure_formatter()
    # The standard library's escape: the same text as Django's, without its lazy-string check
    # on each of the thousands of calls.
    prefix = f"?{escape(query)}&amp;" if query else "?"
    rows = []
    for row in view.rows:
        if row.area is not None and not area:
            label = f'<a href="{prefix}area={row.area.pk}">{escape(row.label)}</a>'
        else:
            label = escape(row.label)
        if sources and row.area is not None:
            cells = "".join(
                _cell_with_source(cell.text_with(format_number), sources.get((row.area.pk, p.code)))
                for p, cell in zip(view.periods, row.cells, strict=True)
            )
        else:
            cells = "".join(
                f"<td>{escape(cell.text_with(format_number))}</td>" for cell in row.cells
            )
        rows.append(f'<tr><th scope="row">{label}</th>{cells}</tr>')
    return mark_safe("".join(rows))


def _cell_with_source(text: str, entered: Any) -> str:
    if entered is None:
        return f"<td>{escape(text)}</td>"
    return (
        f'<td>{escape(text)} <span class="muted source">'
        f"({escape(str(entered.get_provenance_display()))})</span></td>"
    )


@register.simple_tag
def sparkline(view: IndicatorView) -> SafeString:
    """The headline row's figures as a small line (hidden from screen readers: the row says it)."""
    from indicators.charts import sparkline_svg

    return mark_safe(sparkline_svg(view.sparkline))


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
