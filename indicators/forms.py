from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Area
from programmes.models import Programme


class DashboardForm(forms.Form):
    # Not required: without it the first programme is shown (an API call may name only the
    # area; before, such a call failed validation and silently showed every area).
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.filter(is_active=True),
        empty_label=None,
        required=False,
    )
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Area.objects.order_by("name"),
        required=False,
        empty_label=_("All areas"),
    )
    until = forms.DateField(
        label=_("Up to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The last period shown is the one containing this day."),
    )

    def values(self) -> dict[str, Any]:
        defaults = {
            "programme": Programme.objects.filter(is_active=True).first(),
            "area": None,
            "until": timezone.localdate(),
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
