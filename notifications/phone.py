"""Mobile phone numbers: what a person types, checked and written as E.164 (+358401234567).

The numbering plans come from ``phonenumbers`` (Google's libphonenumber, updated with each
release), never from hand-written patterns: a number without a country code is read as a
Finnish one (``040 123 4567``), one with ``+`` or ``00`` keeps its own country.
Text messages go to mobile numbers only, so a landline is refused with its own message.
"""

from __future__ import annotations

from typing import Any

import phonenumbers
from django import forms
from django.utils.translation import gettext as _

from core.errors import ValidationError

# Numbering plans where fixed and mobile numbers cannot be told apart (e.g. the United States)
# answer FIXED_LINE_OR_MOBILE: a text message may reach them.
MOBILE_TYPES = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)

NUMBER_CHARACTERS = frozenset("0123456789+-(). \u00a0")


def _invalid() -> ValidationError:
    return ValidationError(
        _("Enter a mobile phone number, for example 040 123 4567 or +46 70 123 45 67."),
        code="invalid_phone",
    )


def normalise_phone(text: str, region: str = "FI") -> str:
    """The mobile number in ``text`` as E.164; ``ValidationError`` if it is not one.

    ``region`` is the country a number without a country code belongs to.
    """
    raw = text.strip()
    # The library would read letters as a keypad's digits (1-800-FLOWERS) and drop trailing
    # words or signs; a mobile number as people write it has digits, +, spaces, - ( ) . only.
    if not raw or not set(raw) <= NUMBER_CHARACTERS:
        raise _invalid()
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise _invalid() from None
    if number.extension or not phonenumbers.is_valid_number(number):
        raise _invalid()
    if phonenumbers.number_type(number) not in MOBILE_TYPES:
        raise ValidationError(
            _("This is not a mobile number: text messages can only be sent to a mobile phone."),
            code="not_mobile",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def recipient_hint(number: str) -> str:
    """What the delivery log keeps of an E.164 number: its country code and last two digits."""
    country = phonenumbers.parse(number).country_code
    return f"+{country} …{number[-2:]}"


def validate_mobile_phone(value: str) -> None:
    """A validator for model and form fields: ``value`` must be a mobile number."""
    normalise_phone(value)


class PhoneNumberField(forms.CharField):
    """A form field whose cleaned value is the normalised number (E.164), or "" when empty."""

    def __init__(self, *, region: str = "FI", **kwargs: Any) -> None:
        self.region = region
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.TextInput):
            attrs.update({"type": "tel", "autocomplete": "tel", "inputmode": "tel"})
        return attrs

    def clean(self, value: Any) -> str:
        text: str = super().clean(value)
        if text in self.empty_values:
            return ""
        return normalise_phone(text, self.region)
