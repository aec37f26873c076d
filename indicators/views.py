"""The key-indicator dashboard, its exports and the read API. Aggregates only, small numbers hidden."""

from __future__ import annotations

import io
import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.access import HasRole, access_rule
from audit.roles import Role
from core import exports
from core.csv_export import csv_response, delimiter_from
from core.forms import read_choices
from core.http import ArkiRequest
from directory.models import Area
from indicators.catalogue import guiding_questions
from indicators.charts import chart_svg
from indicators.forms import ChartForm, DashboardForm, NoteForm
from indicators.models import Audience, Indicator, InterpretationNote, Source
from indicators.periods import parse_period
from indicators.selectors import IndicatorView, indicator_views, indicators_for, provenance

READERS = HasRole((Role.LEADERSHIP_MEMBER, Role.DEVELOPER_WORKER, Role.COORDINATOR))


def _views(
    request: ArkiRequest,
    code: str | None = None,
    audience: str = Audience.OUTSIDE,
    *,
    scope_only: bool = False,
) -> tuple[dict[str, Any], list[IndicatorView]]:
    """The indicator tables the request asks for. Only the dashboard page is for the region's
    own staff (``Audience.STAFF``): exports, the API and chart files leave the page.
    ``scope_only``: each table with its scope row alone (the overview shows no other)."""
    values = DashboardForm(request.GET).values()
    if code is not None and not any(i.code == code for i in indicators_for(values["programme"])):
        raise Http404
    views = indicator_views(
        values["programme"],
        values["area"],
        values["until"],
        code,
        audience,
        scope_only=scope_only,
    )
    if code is not None and not views:
        raise Http404  # the indicator is not followed in the chosen area
    return values, views


def _filters(values: dict[str, Any], names: tuple[str, ...] = ("programme", "area")) -> str:
    """The dashboard's filters as a query string, carried from the overview to an indicator."""
    query = QueryDict(mutable=True)
    for name in names:
        if values[name] is not None:
            query[name] = str(values[name].pk)
    if values["until"] is not None:
        query["until"] = values["until"].isoformat()
    return query.urlencode()


@access_rule(READERS)
def dashboard(request: ArkiRequest) -> HttpResponse:
    """The overview: one row per indicator of the programme, each opening its own page."""
    values, views = _views(request, audience=Audience.STAFF, scope_only=True)
    form = DashboardForm(request.GET or None, initial=values)
    read_choices(form)  # its drop-downs' rows in one wait
    return render(
        request,
        "indicators/dashboard.html",
        {
            "form": form,
            "views": views,
            "area": values["area"],
            "questions": guiding_questions((get_language() or "fi")[:2]),
            "query": _filters(values),
        },
    )


@access_rule(READERS)
def indicator(request: ArkiRequest, code: str) -> HttpResponse:
    """One indicator: its chart (only the areas chosen), its table by area (each row opening the
    area's own figures), where entered figures came from, interpretation notes and the guiding
    questions."""
    values, views = _views(request, code, audience=Audience.STAFF)
    view = views[0]
    chart_form = ChartForm(view, request.GET)
    chart = view.chart(chart_form.chosen_rows())
    shown_areas = {row.area.pk for row in view.rows if row.area is not None}
    sources = (
        {
            key: entered
            for key, entered in provenance(
                view.indicator, values["programme"], view.periods
            ).items()
            if key[0] in shown_areas
        }
        if view.indicator.source == Source.ENTERED or view.indicator.enterable
        else None
    )
    return render(
        request,
        "indicators/indicator.html",
        {
            "form": DashboardForm(request.GET or None, initial=values),
            "chart_form": chart_form,
            "view": view,
            "chart": chart,
            "hidden_in_chart": [s for s in chart["series"] if s["hidden"]],
            "sources": sources,
            "area": values["area"],
            "programme": values["programme"],
            "questions": guiding_questions((get_language() or "fi")[:2]),
            "query": _filters(values),
            "area_query": _filters(values, ("programme",)),
            "note_form": NoteForm(),
        },
    )


def _table_rows(views: list[IndicatorView], *, numbers: bool = False) -> list[list[object]]:
    """The export's rows. With ``numbers`` (XLSX) a shown figure is a number a spreadsheet can
    sum; a hidden one is its marker ("<5", "..") and a missing one "–", as on the page."""
    rows: list[list[object]] = [[_("Indicator"), _("Area"), _("Period"), _("Value")]]
    for view in views:
        for row in view.rows:
            for period, cell in zip(view.periods, row.cells, strict=True):
                value: object = cell.text
                if numbers and not cell.hidden and cell.value is not None:
                    number = float(cell.value)
                    value = int(number) if number.is_integer() else number
                rows.append([view.indicator.name, row.label, period.code, value])
    return rows


@access_rule(READERS)
def export(request: ArkiRequest, fmt: str) -> HttpResponse:
    """The dashboard's tables (small numbers already hidden) as CSV or XLSX."""
    _values, views = _views(request, request.GET.get("indicator") or None)
    rows = _table_rows(views, numbers=fmt == "xlsx")
    if fmt == "csv":
        # UTF-8 with BOM; ?sep=semicolon for Finnish Excel (core.csv_export).
        response = csv_response(rows, delimiter=delimiter_from(request))
    elif fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        for row in rows:
            sheet.append(exports.row(row))
        output = io.BytesIO()
        workbook.save(output)
        response = HttpResponse(
            output.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="arki-indicators.{fmt}"'
    return response


@access_rule(READERS)
def chart(request: ArkiRequest, code: str) -> HttpResponse:
    """The indicator's chart as SVG."""
    _values, views = _views(request, code)
    view = views[0]
    chart = view.chart(ChartForm(view, request.GET).chosen_rows())
    response = HttpResponse(chart_svg(view.indicator.name, chart), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="{code}.svg"'
    return response


@require_POST
@access_rule(READERS)
def add_note(request: ArkiRequest, code: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator, code=code)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            period = parse_period(form.cleaned_data["period"]).code
        except ValueError:
            messages.error(request, _("Unknown period."))
        else:
            area = (
                Area.objects.filter(pk=form.cleaned_data["area"]).first()
                if form.cleaned_data["area"]
                else None
            )
            InterpretationNote.objects.create(
                indicator=indicator,
                period=period,
                area=area,
                text=form.cleaned_data["text"],
                author=request.user,
            )
            messages.success(request, _("The interpretation note was saved."))
    else:
        messages.error(request, _("Write the interpretation first."))
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("indicators:indicator", args=[code])
    return redirect(f"{target}#notes")


@access_rule(READERS)
def api_values(request: ArkiRequest) -> HttpResponse:
    """Read API: indicator values per area and period, JSON or CSV (see /indicators/api/openapi.json)."""
    form = DashboardForm(request.GET)
    if not form.is_valid():
        # A filter that cannot be applied is an error, never a silently wider answer.
        return JsonResponse(
            {"error": "invalid parameters", "fields": form.errors.get_json_data()}, status=400
        )
    try:
        _values, views = _views(request, request.GET.get("indicator") or None)
    except Http404:
        return JsonResponse({"error": "unknown indicator"}, status=404)
    items = [
        {
            "indicator": view.indicator.code,
            "area": row.area.code if row.area else None,
            "period": period.code,
            "value": None if cell.hidden else cell.value,
            "suppressed": cell.hidden,
            "unit": view.indicator.unit,
        }
        for view in views
        for row in view.rows
        for period, cell in zip(view.periods, row.cells, strict=True)
    ]
    if request.GET.get("format") == "csv":
        # For programs: no byte-order mark (core.csv_export); ?sep=semicolon is honoured.
        columns = ["indicator", "area", "period", "value", "suppressed", "unit"]
        return csv_response(
            [columns, *([item[column] for column in columns] for item in items)],
            delimiter=delimiter_from(request),
            bom=False,
        )
    return JsonResponse({"values": items})


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Arki indicator values",
        "version": "1.0",
        "description": "Aggregate indicator values per area and period. Person counts 1–4 and figures that could reveal them are suppressed (value null, suppressed true). Signed-in leadership members, developer workers and coordinators only.",
    },
    "paths": {
        "/indicators/api/values": {
            "get": {
                "summary": "Indicator values",
                "parameters": [
                    {
                        "name": "programme",
                        "in": "query",
                        "schema": {"type": "integer"},
                        "description": "Programme id; default the first programme.",
                    },
                    {
                        "name": "area",
                        "in": "query",
                        "schema": {"type": "integer"},
                        "description": "Area id; default all areas and their total.",
                    },
                    {
                        "name": "indicator",
                        "in": "query",
                        "schema": {"type": "string"},
                        "description": "Indicator code, e.g. pilot-phone-usage.",
                    },
                    {
                        "name": "until",
                        "in": "query",
                        "schema": {"type": "string", "format": "date"},
                        "description": "Last period shown contains this day.",
                    },
                    {
                        "name": "format",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["json", "csv"]},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "Values",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "values": {
                                            "type": "array",
                                            "items": {
                                                "type": "object",
                                                "properties": {
                                                    "indicator": {"type": "string"},
                                                    "area": {
                                                        "type": ["string", "null"],
                                                        "description": "Area code; null for the total.",
                                                    },
                                                    "period": {
                                                        "type": "string",
                                                        "description": "2026-03, 2026Q1, 2026S1 or 2026",
                                                    },
                                                    "value": {"type": ["number", "null"]},
                                                    "suppressed": {"type": "boolean"},
                                                    "unit": {
                                                        "type": "string",
                                                        "enum": [
                                                            "count",
                                                            "percent",
                                                            "days",
                                                            "average",
                                                        ],
                                                    },
                                                },
                                            },
                                        }
                                    },
                                }
                            },
                            "text/csv": {"schema": {"type": "string"}},
                        },
                    },
                    "302": {"description": "Not signed in: redirect to sign-in."},
                    "403": {"description": "No role that may read indicators."},
                    "404": {"description": "Unknown indicator."},
                },
            }
        }
    },
}


@access_rule(READERS)
def api_schema(request: ArkiRequest) -> HttpResponse:
    return HttpResponse(json.dumps(OPENAPI, indent=2), content_type="application/json")
