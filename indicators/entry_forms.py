"""Forms for entering figures by hand and importing them from a file."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.tables import read_bytes, read_table
from directory.models import Area
from indicators.models import EnteredValue, Indicator, Source, Unit
from indicators.periods import Period, parse_period
from programmes.models import Programme


class SelectionForm(forms.Form):
    """Which figures to enter: one area, one programme, one period."""

    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.order_by("name"))
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.filter(is_active=True), empty_label=None
    )
    period = forms.CharField(
        label=_("Period"),
        max_length=7,
        help_text=_("For example 2026-03, 2026Q1, 2026S1 or 2026."),
    )

    def clean_period(self) -> Period:
        try:
            return parse_period(self.cleaned_data["period"])
        except ValueError:
            raise forms.ValidationError(
                _("Give the period as 2026-03, 2026Q1, 2026S1 or 2026.")
            ) from None


def plain(value: Decimal) -> Decimal:
    """12.00 as 12 and 12.50 as 12.5, for inputs and history."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


class ValuesForm(forms.Form):
    """One number input per indicator, named by the indicator's code; empty leaves it as is."""

    def __init__(
        self,
        indicators: list[Indicator],
        current: dict[int, EnteredValue],
        data: Any = None,
    ) -> None:
        super().__init__(data)
        self.indicators = indicators
        for indicator in indicators:
            entered = current.get(indicator.pk)
            value = entered.value if entered is not None else None
            self.fields[indicator.code] = forms.DecimalField(
                label=f"{indicator.name} ({indicator.get_unit_display()})",
                required=False,
                min_value=Decimal(0),
                max_digits=12,
                decimal_places=2,
                initial=plain(value) if value is not None else None,
                help_text=saved_help(entered, computed=indicator.source == Source.COMPUTED),
                widget=forms.NumberInput(
                    attrs={"min": "0", "step": "1" if indicator.unit == Unit.COUNT else "0.01"}
                ),
            )

    def values(self) -> dict[Indicator, Decimal | None]:
        return {indicator: self.cleaned_data.get(indicator.code) for indicator in self.indicators}


def saved_help(entered: EnteredValue | None, *, computed: bool = False) -> str:
    """The saved value and where it came from, beside its input."""
    if entered is None:
        if computed:
            return str(
                _("No value saved yet: Arki's own count is shown. A saved value replaces it.")
            )
        return str(_("No value saved yet."))
    source = entered.get_provenance_display()
    if entered.provenance_detail:
        source = f"{source}: {entered.provenance_detail}"
    return str(
        _("Saved value: %(value)s (source: %(source)s)")
        % {"value": plain(entered.value), "source": source}
    )


class ImportKind(models.TextChoices):
    FIGURES = "figures", _("Figures (Arki's template, CSV or Excel)")
    SOTKANET = "sotkanet", _("Sotkanet (JSON or CSV)")
    TRAINING_REGISTER = "training_register", _("Training register (CSV or Excel)")


class ImportForm(forms.Form):
    """One upload for the three kinds of file; Sotkanet and training register figures are
    saved for the chosen programme, Arki's template names the programme on each row."""

    kind = forms.ChoiceField(
        label=_("Kind of file"),
        choices=ImportKind.choices,
        initial=ImportKind.FIGURES,
        required=False,
        widget=forms.RadioSelect,
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.filter(is_active=True),
        required=False,
        empty_label="–",
        help_text=_(
            "For a Sotkanet or training register file: the programme the figures are saved "
            "for. Arki's template names the programme on each row."
        ),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "At most 5 MB. Arki's template and a training register: a CSV file (UTF-8, comma "
            "or semicolon separated) or an Excel workbook (.xlsx). Sotkanet: the JSON or CSV "
            "file from its REST interface."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx,.json"}),
    )

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or ImportKind.FIGURES

    def clean(self) -> dict[str, Any]:
        """Read the file as its kind says: rows of a table, or a Sotkanet file's bytes. A file
        that cannot be read is the file field's error."""
        cleaned = super().clean() or {}
        kind = cleaned.get("kind") or ImportKind.FIGURES
        if kind != ImportKind.FIGURES and not cleaned.get("programme"):
            self.add_error("programme", _("Choose the programme the figures are saved for."))
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        try:
            if kind == ImportKind.SOTKANET:
                cleaned["data"] = read_sotkanet_upload(upload)
            else:
                # A training register's completion dates are days, never month codes.
                month_codes = kind == ImportKind.FIGURES
                cleaned["rows"] = read_table(upload, month_codes=month_codes)
        except ValueError as error:
            self.add_error("file", str(error))
        return cleaned


def read_sotkanet_upload(upload: Any) -> bytes:
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith((".json", ".csv")):
        raise ValueError(_("Upload Sotkanet's JSON (.json) or CSV (.csv) file."))
    return read_bytes(upload)
