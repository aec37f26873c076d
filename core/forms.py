"""Form helpers shared by the apps."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors by field, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def limit_choices(form: forms.BaseForm, name: str, queryset: Any) -> None:
    """Set the queryset of a model choice field, if the form has that field."""
    if name in form.fields:
        cast(forms.ModelChoiceField, form.fields[name]).queryset = queryset
