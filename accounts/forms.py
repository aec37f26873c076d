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
