"""The directory keepers' page for importing an organisation's services from PTV."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from audit.access import access_rule
from core.http import ArkiRequest
from directory import ptv
from directory.views import DIRECTORY_KEEPERS


class PtvImportForm(forms.Form):
    organisation = forms.CharField(
        label=_("Organisation's PTV id"),
        max_length=36,
        help_text=_("The organisation's id in the national service catalogue, a UUID."),
    )
    since = forms.DateField(
        label=_("Changed since"),
        required=False,
        help_text=_("Only services PTV changed on or after this date. Empty: every service."),
    )

    def clean_organisation(self) -> str:
        try:
            return str(ptv.parse_id(self.cleaned_data["organisation"]))
        except ptv.PtvError as error:
            raise forms.ValidationError(str(error)) from error


class PtvApplyForm(PtvImportForm):
    fingerprint = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("organisation", "since"):
            self.fields[name].widget = forms.HiddenInput()


def _page(request: ArkiRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context.setdefault("form", PtvImportForm())
    context["ptv_url"] = ptv.configured_source().base_url
    return render(request, "directory/ptv_import.html", context, status=status)


@access_rule(DIRECTORY_KEEPERS)
@require_http_methods(["GET", "POST"])
def ptv_import(request: ArkiRequest) -> HttpResponse:
    """Read an organisation from PTV, see what would change, then apply it all or nothing."""
    if request.method != "POST":
        return _page(request, {})
    applying = "fingerprint" in request.POST
    form = (PtvApplyForm if applying else PtvImportForm)(request.POST)
    if not form.is_valid():
        return _page(request, {"form": PtvImportForm(request.POST)}, status=400)
    organisation, since = form.cleaned_data["organisation"], form.cleaned_data["since"]
    try:
        data = ptv.fetch(ptv.configured_source(), organisation)
        plan = ptv.plan_import(data, ptv.load_mapping(), since)
    except ptv.PtvError as error:
        return _page(request, {"form": form, "error": str(error)}, status=502)
    apply_form = PtvApplyForm(
        initial={"organisation": organisation, "since": since, "fingerprint": plan.fingerprint}
    )
    if applying:
        if plan.fingerprint != form.cleaned_data["fingerprint"]:
            context = {"form": form, "plan": plan, "apply_form": apply_form, "moved": True}
            return _page(request, context, status=409)
        try:
            ptv.apply_import(plan)
        except ptv.PtvError as error:
            return _page(request, {"form": form, "error": str(error)}, status=502)
        return _page(request, {"form": PtvImportForm(), "plan": plan, "applied": True})
    return _page(request, {"form": form, "plan": plan, "apply_form": apply_form})
