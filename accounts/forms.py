from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _("The email address or password is not correct."),
        "inactive": _("This account is not in use."),
    }


class TwoFactorCodeForm(forms.Form):
    """The six-digit code an authenticator app shows."""

    code = forms.CharField(
        label=_("Six-digit code from the authenticator app"),
        min_length=6,
        max_length=6,
        validators=[RegexValidator(r"^[0-9]{6}$", _("Enter the six digits the app shows."))],
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]{6}",
                "autofocus": True,
            }
        ),
    )


class RoleGrantFilterForm(forms.Form):
    self = forms.BooleanField(label=_("Only roles administrators gave themselves"), required=False)


class StaffUploadForm(forms.Form):
    """Step one of the staff import: the file."""

    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "At most 5 MB: a CSV file (UTF-8, comma or semicolon separated) or an Excel "
            "workbook (.xlsx), one person a row."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class StaffApplyForm(forms.Form):
    """Step two: the checked file carried from the preview, and the choice on missing staff."""

    payload = forms.CharField(widget=forms.HiddenInput)
    fingerprint = forms.CharField(widget=forms.HiddenInput)
    deactivate_missing = forms.BooleanField(
        label=_("Deactivate those missing from the file"),
        required=False,
        help_text=_("They are signed out at once and can no longer sign in."),
    )


class OwnDetailsForm(forms.Form):
    """The user's own contact details: the families they coordinate see these on their plan."""

    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    phone_hours = forms.CharField(
        label=_("Phone hours"),
        max_length=200,
        required=False,
        help_text=_("For example: Mon–Fri 9–11. Shown to the families you coordinate."),
    )
