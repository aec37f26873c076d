"""Entering figures from other registers by hand or from a file. Aggregates only, no personal data."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from audit.access import HasRole, access_rule
from audit.roles import Role
from core.csv_export import SEMICOLON, csv_response
from core.forms import submit
from core.http import ArkiRequest
from directory.models import Area
from indicators import sotkanet
from indicators.entry import (
    COLUMNS,
    ConfigurationError,
    ImportReport,
    current_entries,
    entered_indicators,
    import_values,
    save_entered_values,
    value_history,
)
from indicators.entry_forms import ImportForm, ImportKind, SelectionForm, ValuesForm
from indicators.periods import period_containing
from indicators.training_register import import_training_register
from programmes.models import Programme

ENTERERS = HasRole((Role.DEVELOPER_WORKER, Role.LEADERSHIP_MEMBER, Role.ADMINISTRATOR))


@access_rule(ENTERERS)
@require_http_methods(["GET", "POST"])
def entry_form(request: ArkiRequest) -> HttpResponse:
    """Choose area, programme and period; then enter or correct that period's figures."""
    selection = SelectionForm(request.GET or None)
    context: dict[str, object] = {"selection": selection}
    if selection.is_bound and selection.is_valid():
        area = selection.cleaned_data["area"]
        programme = selection.cleaned_data["programme"]
        period = selection.cleaned_data["period"]
        indicators = entered_indicators(programme, period.cadence)
        current = current_entries(indicators, area, programme, period)
        form = ValuesForm(indicators, current, request.POST if request.method == "POST" else None)
        saved = submit(
            request,
            form,
            lambda: save_entered_values(
                by=request.user,
                area=area,
                programme=programme,
                period_code=period.code,
                values=form.values(),
            ),
            lambda count: (
                ngettext("%(count)s value saved.", "%(count)s values saved.", count)
                % {"count": count}
                if count
                else None
            ),
        )
        if saved:
            if not saved.value:
                messages.info(request, _("Nothing changed."))
            return redirect(request.get_full_path())
        context.update(
            area=area,
            programme=programme,
            period=period,
            form=form,
            history=value_history(indicators, area, programme, period),
        )
    return render(request, "indicators/entry/form.html", context)


@access_rule(ENTERERS)
@require_http_methods(["GET", "POST"])
def import_file(request: ArkiRequest) -> HttpResponse:
    """Upload Arki's template, a Sotkanet file or a training register; everything is checked
    first and nothing is saved on any error."""
    report: ImportReport | None = None
    form = ImportForm()
    if request.method == "POST":
        bound = ImportForm(request.POST, request.FILES)
        form = bound
        if bound.is_valid():
            try:
                report = _run_import(request, bound.cleaned_data)
            except ConfigurationError as error:
                for problem in error.problems:
                    bound.add_error(None, problem)
            except ValueError as error:  # a Sotkanet file that cannot be read
                bound.add_error("file", str(error))
            else:
                form = ImportForm(
                    initial={
                        "kind": bound.cleaned_data["kind"],
                        "programme": bound.cleaned_data["programme"],
                    }
                )
    try:
        configuration: sotkanet.Configuration | None = sotkanet.load_configuration()
        configuration_problems: list[str] = []
    except ConfigurationError as error:
        configuration, configuration_problems = None, error.problems
    return render(
        request,
        "indicators/entry/import.html",
        {
            "form": form,
            "report": report,
            "columns": COLUMNS,
            "indicators": entered_indicators(),
            "areas": Area.objects.order_by("name"),
            "programmes": Programme.objects.filter(is_active=True),
            "sotkanet": configuration,
            "sotkanet_problems": configuration_problems,
        },
    )


def _run_import(request: ArkiRequest, cleaned: dict[str, Any]) -> ImportReport:
    """The import the form's kind names; the form has read the file and, for Sotkanet and a
    training register, required the programme."""
    name = str(getattr(cleaned["file"], "name", "") or "")
    programme: Programme = cleaned["programme"]
    if cleaned["kind"] == ImportKind.SOTKANET:
        return sotkanet.import_sotkanet(
            by=request.user, data=cleaned["data"], source_name=name, programme=programme
        )
    if cleaned["kind"] == ImportKind.TRAINING_REGISTER:
        return import_training_register(
            by=request.user, rows=cleaned["rows"], programme=programme, source_name=name
        )
    return import_values(by=request.user, rows=cleaned["rows"], source_name=name)


@access_rule(ENTERERS)
@require_GET
def import_template(request: ArkiRequest) -> HttpResponse:
    """A CSV to fill in: the header row and one example row, semicolon separated for Excel."""
    example = ["child-protection-clients", "kaakkuri", "children-families", "2025", "31"]
    indicators = entered_indicators()
    area = Area.objects.order_by("name").first()
    programme = Programme.objects.filter(is_active=True).first()
    if indicators and area and programme:
        last_period = period_containing(timezone.localdate(), indicators[0].cadence).previous()
        example = [indicators[0].code, area.code, programme.code, last_period.code, "12"]
    # The byte-order mark tells Excel the file is UTF-8; the semicolon suits Finnish Excel.
    return csv_response(
        [COLUMNS, example], filename="arki-indicator-import.csv", delimiter=SEMICOLON
    )
