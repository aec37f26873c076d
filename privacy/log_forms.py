from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import Action, Basis

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LogSearchForm(forms.Form):
    user = forms.CharField(label=_("User's email"), max_length=200, required=False)
    network = forms.IntegerField(label=_("Network number"), min_value=1, required=False)
    since = forms.DateField(label=_("From"), widget=DATE_WIDGET, required=False)
    until = forms.DateField(label=_("To"), widget=DATE_WIDGET, required=False)
    action = forms.ChoiceField(
        label=_("Action"), choices=[("", _("All actions")), *Action.choices], required=False
    )
    basis = forms.ChoiceField(
        label=_("Basis"), choices=[("", _("All bases")), *Basis.choices], required=False
    )
    refused = forms.BooleanField(label=_("Only refused attempts"), required=False)


class ReportForm(forms.Form):
    since = forms.DateField(label=_("From"), widget=DATE_WIDGET, required=False)
    until = forms.DateField(label=_("To"), widget=DATE_WIDGET, required=False)


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Review note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
