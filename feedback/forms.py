from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Area
from indicators.periods import Cadence, parse_period, period_containing
from programmes.models import Programme

if TYPE_CHECKING:
    from accounts.models import User


class ResultsFilterForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.filter(is_active=True), empty_label=None
    )
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Area.objects.order_by("name"),
        required=False,
        empty_label=_("All areas"),
    )
    period = forms.CharField(
        label=_("Period"),
        max_length=7,
        help_text=_("For example 2026-03, 2026Q1, 2026S1 or 2026."),
    )

    def __init__(self, data: Any = None, user: User | None = None) -> None:
        """The reader's own programme first (a working-age leader sees working-age feedback);
        a query that names only some of the fields keeps the defaults for the rest."""
        programmes = Programme.objects.filter(is_active=True)
        own = [m.programme_id for m in user.memberships.all() if m.programme_id] if user else []
        initial = {
            "programme": programmes.filter(pk__in=own).first() or programmes.first(),
            "period": period_containing(timezone.localdate(), Cadence.QUARTERLY).code,
        }
        if data is not None and not data:
            data = None
        if data is not None:
            data = data.copy()
            for name in ("programme", "period"):
                if not data.get(name) and initial[name] is not None:
                    data[name] = getattr(initial[name], "pk", initial[name])
        super().__init__(data, initial=initial)

    def clean_period(self) -> Any:
        try:
            return parse_period(self.cleaned_data["period"])
        except ValueError:
            raise forms.ValidationError(
                _("Give the period as 2026-03, 2026Q1, 2026S1 or 2026.")
            ) from None

    def values(self) -> dict[str, Any]:
        if self.is_bound and self.is_valid():
            return dict(self.cleaned_data)
        return {
            "programme": self.initial["programme"],
            "area": None,
            "period": parse_period(self.initial["period"]),
        }
