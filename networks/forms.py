from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from contacts.forms import ProfessionalChoiceField, professionals
from core.forms import limit_choices
from networks.models import Network
from programmes.models import ParticipantKind, ProgrammeRole

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d.%m.%Y %H.%M", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M"]


class ProfessionalParticipantForm(forms.Form):
    user = ProfessionalChoiceField(
        label=_("Professional from the directory"), queryset=get_user_model().objects.none()
    )
    role = forms.ModelChoiceField(
        label=_("Role in the network"), queryset=ProgrammeRole.objects.none(), required=False
    )
    is_own_worker = forms.BooleanField(
        label=_("The client's own worker (walks alongside)"), required=False
    )

    def __init__(self, network: Network, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(
            self,
            "user",
            professionals().exclude(
                participations__network=network, participations__removed_at__isnull=True
            ),
        )
        limit_choices(
            self,
            "role",
            ProgrammeRole.objects.filter(programme=network.programme, is_active=True),
        )
        if network.programme.code != "working-age":
            del self.fields["is_own_worker"]


class FamilyParticipantForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Who"), queryset=ParticipantKind.objects.none())
    name = forms.CharField(label=_("Name"), max_length=200)
    relation = forms.CharField(
        label=_("Relation"),
        max_length=100,
        required=False,
        help_text=_("For example mother, grandfather, football coach, neighbour."),
    )
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)

    def __init__(self, network: Network, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(
            self,
            "kind",
            ParticipantKind.objects.filter(
                programme=network.programme, is_family=True, is_active=True
            ),
        )


class MeetingForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_link = forms.URLField(
        label=_("Online meeting link"), required=False, assume_scheme="https"
    )
    late_reason = forms.CharField(
        label=_("Reason, if the meeting is after the deadline or moved"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts: datetime | None = data.get("starts_at")
        ends: datetime | None = data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        return data


class CancelMeetingForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 2})
    )
