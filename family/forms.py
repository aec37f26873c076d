from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.preparation import max_length

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("One-time code"),
        max_length=6,
        min_length=6,
        help_text=_("The six-digit code you got separately from the link."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )


def _answer(
    name: str, label: StrOrPromise, help_text: StrOrPromise = "", rows: int = 5
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length(name),
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class PrepareForm(forms.Form):
    """The family's preparation of a meeting, in their own words; every answer may stay empty.
    The child's part is one plain question set (``child_view``), shown in its own fieldset."""

    goes_well = _answer("goes_well", _("What goes well at the moment?"))
    worries = _answer("worries", _("What worries you?"))
    wishes = _answer("wishes", _("What do you wish from the meeting?"))
    who_to_invite = _answer(
        "who_to_invite",
        _("Whom do you want at the meeting?"),
        _("For example a relative, a friend or a professional who helps you."),
        rows=3,
    )
    child_view = _answer(
        "child_view",
        _("What goes well for you? What is hard? What do you wish?"),
        _("You can write, or tell a parent who writes it down for you."),
        rows=8,
    )
