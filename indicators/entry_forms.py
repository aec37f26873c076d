"""Forms for entering figures by hand and importing them from a file."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Area
from indicators.entry import read_table
from indicators.models import Indicator, Unit
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
        current: dict[int, Decimal],
        data: Any = None,
    ) -> None:
        super().__init__(data)
        self.indicators = indicators
        for indicator in indicators:
            value = current.get(indicator.pk)
            self.fields[indicator.code] = forms.DecimalField(
                label=f"{indicator.name} ({indicator.get_unit_display()})",
                required=False,
                min_value=Decimal(0),
                max_digits=12,
                decimal_places=2,
                initial=plain(value) if value is not None else None,
                help_text=(
                    _("Saved value: %(value)s") % {"value": plain(value)}
                    if value is not None
                    else _("No value saved yet.")
                ),
                widget=forms.NumberInput(
                    attrs={"min": "0", "step": "1" if indicator.unit == Unit.COUNT else "0.01"}
                ),
            )

    def values(self) -> dict[Indicator, Decimal | None]:
        return {indicator: self.cleaned_data.get(indicator.code) for indicator in self.indicators}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A CSV file (UTF-8, comma or semicolon separated) or an Excel workbook (.xlsx), "
            "at most 5 MB."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> list[dict[str, str]]:
        """The file's rows; a file that cannot be read is this field's error."""
        try:
            return read_table(self.cleaned_data["file"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
