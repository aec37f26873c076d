"""Forms of the service directory: search filters, the actor map's programme, HSDS import and
the field that picks a professional of the directory."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.forms import CompiledChoiceField
from directory import hsds
from directory.models import Area, Sector
from directory.selectors import programmes_in_use

if TYPE_CHECKING:  # a professional is a user account with a position in the directory
    from accounts.models import User


def professional_label(person: User) -> str:
    """The name, title and service: how a professional is told apart from namesakes."""
    position = next(iter(person.positions.all()), None)
    return f"{person.full_name}, {position}" if position else person.full_name


class ProfessionalChoiceField(forms.ModelChoiceField["User"]):
    def label_from_instance(self, obj: User) -> str:
        return professional_label(obj)


class SearchForm(forms.Form):
    """Filters are chosen by code so that a search can be bookmarked and shared."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Service, organisation or what the service does"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    area = CompiledChoiceField(
        label=_("Area"),
        queryset=Area.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All areas"),
    )
    sector = CompiledChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All sectors"),
    )
    programme = CompiledChoiceField(
        label=_("Programme"),
        queryset=programmes_in_use(),
        to_field_name="code",
        required=False,
        empty_label=_("All programmes"),
    )

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid one (e.g. a removed area in a bookmark) is left out."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "text": cleaned.get("q") or "",
            "area": cleaned.get("area"),
            "sector": cleaned.get("sector"),
            "programme": cleaned.get("programme"),
        }


class ActorMapForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=programmes_in_use(),
        to_field_name="code",
        required=False,
        empty_label=None,
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("An HSDS JSON file, or a zip file of HSDS CSV files."),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[(hsds.JSON, _("JSON")), (hsds.CSV, _("CSV files in a zip file"))],
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > hsds.MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is too large. The largest allowed is %(size)s."),
                params={"size": filesizeformat(hsds.MAX_FILE_BYTES)},
                code="too_large",
            )
        return upload
