from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CompiledChoiceField, choice_field
from directory.models import Area
from programmes.models import Programme


class DashboardForm(forms.Form):
    # Not required: without it the first programme is shown (an API call may name only the
    # area; before, such a call failed validation and silently showed every area).
    programme = CompiledChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.filter(is_active=True),
        empty_label=None,
        required=False,
    )
    area = CompiledChoiceField(
        label=_("Area"),
        queryset=Area.objects.order_by("name"),
        required=False,
        empty_label=_("All areas"),
    )
    until = forms.DateField(
        label=_("Up to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "The last period shown is the one containing this day. Empty: the latest period "
            "with figures that has ended."
        ),
    )

    def values(self) -> dict[str, Any]:
        defaults = {
            "programme": Programme.objects.filter(is_active=True).first(),
            "area": None,
            "until": None,  # the latest period with data
        }
        if self.is_bound and self.is_valid():
            return {**defaults, **{k: v for k, v in self.cleaned_data.items() if v is not None}}
        return defaults


class NoteForm(forms.Form):
    period = forms.CharField(widget=forms.HiddenInput, max_length=7)
    area = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label=_("Interpretation"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


TOTAL = "all"


class ChartForm(forms.Form):
    """Which rows of an indicator's table its chart draws: never more than were chosen. Without
    a choice, the headline row (the chosen area, or all areas together)."""

    show = forms.MultipleChoiceField(
        label=_("Areas in the chart"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, view: Any, data: Any = None) -> None:
        super().__init__(data if data is not None and "show" in data else None)
        self.view = view
        self.keys = {self._key(row): row for row in view.rows}
        choice_field(self, "show").choices = [(key, row.label) for key, row in self.keys.items()]
        self.fields["show"].initial = [self._key(view.scope)]

    @staticmethod
    def _key(row: Any) -> str:
        return TOTAL if row.area is None else str(row.area.pk)

    def chosen_rows(self) -> list[Any]:
        if self.is_bound and self.is_valid() and self.cleaned_data["show"]:
            return [self.keys[key] for key in self.cleaned_data["show"]]
        return [self.view.scope]
