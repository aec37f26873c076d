"""Forms of the learning-network pages. They parse input; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from backbone.forms import DATETIME_FORMATS, DATETIME_WIDGET
from core.forms import choice_field
from directory.models import Area
from indicators.periods import parse_period
from learning.models import LearningKind, NetworkMeeting, Region, TrialStatus

SHARED_KINDS = [c for c in LearningKind.choices if c[0] != LearningKind.DECISION]


class LearningForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SHARED_KINDS)
    text = forms.CharField(
        label=_("Learning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("No names or details of families: other regions read this."),
    )
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Area.objects.order_by("name"),
        required=False,
        empty_label=_("The whole region"),
    )


class UploadForm(forms.Form):
    package = forms.FileField(
        label=_("Package file"), help_text=_("A signed .json package exported by a region.")
    )


class ComparisonForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"), required=False)
    period = forms.ChoiceField(label=_("Period"), required=False)

    def __init__(
        self, indicators: list[tuple[str, str]], periods: list[str], *args: object, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choice_field(self, "indicator").choices = indicators
        choice_field(self, "period").choices = [
            (p, parse_period(p).name) for p in reversed(periods)
        ]


class LearningFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *LearningKind.choices], required=False
    )


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    topic = forms.CharField(label=_("Topic"), max_length=200)
    place = forms.CharField(label=_("Place or online link"), max_length=300, required=False)


class NotesForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10000, required=False
    )


class TrialForm(forms.Form):
    title = forms.CharField(label=_("Learning to test"), max_length=300)
    region = forms.ModelChoiceField(
        label=_("Region testing it"),
        queryset=Region.objects.filter(is_active=True),
        required=False,
        empty_label=_("All regions"),
    )
    meeting = forms.ModelChoiceField(
        label=_("Agreed in the meeting"), queryset=NetworkMeeting.objects.all(), required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=TrialStatus.choices)
    result = forms.CharField(
        label=_("Result"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False
    )
