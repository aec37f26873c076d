"""Mobile numbers: Finnish and international forms are written as E.164, anything else refused."""

import pytest
from django import forms
from django.utils import translation

from core.errors import ValidationError
from notifications.phone import (
    PhoneNumberField,
    normalise_phone,
    recipient_hint,
    validate_mobile_phone,
)


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("040 123 4567", "+358401234567"),
        ("0401234567", "+358401234567"),
        ("050-123 4567", "+358501234567"),
        ("(040) 123-4567", "+358401234567"),
        ("+358 40 123 4567", "+358401234567"),
        ("+358401234567", "+358401234567"),
        ("00358 40 123 4567", "+358401234567"),
        ("  044 987 6543 ", "+358449876543"),
        ("+46 70 123 45 67", "+46701234567"),
        ("0046 70 123 45 67", "+46701234567"),
        ("+47 412 34 567", "+4741234567"),
        ("+49 151 23456789", "+4915123456789"),
        ("+372 5123 4567", "+37251234567"),
    ],
)
def test_finnish_and_international_mobile_numbers_are_normalised(typed, number):
    assert normalise_phone(typed) == number
    assert normalise_phone(number) == number  # normalising twice changes nothing


def test_a_number_without_a_country_code_belongs_to_the_region():
    assert normalise_phone("070 123 45 67", region="SE") == "+46701234567"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "040",
        "040 123",
        "040 123 4567 890 12",
        "+999 40 123 4567",
        "abc",
        "040 123 4567 koti",
        "1-800-FLOWERS",
        "040 123 4567 ext. 12",
        "+358 40 123 4567;",
        "0" * 300,
    ],
)
def test_what_is_not_a_phone_number_is_refused(typed):
    with pytest.raises(ValidationError) as raised:
        normalise_phone(typed)
    assert raised.value.code == "invalid_phone"


@pytest.mark.parametrize("landline", ["09 123 4567", "+358 9 123 4567", "+46 8 123 456 78"])
def test_a_landline_is_refused_with_its_own_message(landline):
    with pytest.raises(ValidationError) as raised:
        normalise_phone(landline)
    assert raised.value.code == "not_mobile"
    assert "ei ole matkapuhelinnumero" in raised.value.messages[0]  # tests run in Finnish


def test_the_messages_are_translated():
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        normalise_phone("not a number")
    assert raised.value.messages == [
        "Enter a mobile phone number, for example 040 123 4567 or +46 70 123 45 67."
    ]


def test_the_delivery_log_keeps_the_country_code_and_two_digits():
    assert recipient_hint("+358401234567") == "+358 …67"
    assert recipient_hint("+46701234567") == "+46 …67"


class PhoneForm(forms.Form):
    phone = PhoneNumberField(required=False)
    other = forms.CharField(required=False, validators=[validate_mobile_phone])


def test_the_form_field_cleans_to_the_normalised_number():
    form = PhoneForm({"phone": "040 123 4567", "other": "+46 70 123 45 67"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+358401234567"
    assert form.cleaned_data["other"] == "+46 70 123 45 67"  # a validator checks, not rewrites


def test_the_form_field_shows_the_error_and_accepts_empty():
    form = PhoneForm({"phone": "09 123 4567", "other": "12"})
    assert not form.is_valid()
    assert set(form.errors) == {"phone", "other"}
    assert PhoneForm({"phone": "", "other": ""}).is_valid()
    html = str(PhoneForm()["phone"])
    assert 'type="tel"' in html and 'autocomplete="tel"' in html


def test_a_required_field_says_so():
    field = PhoneNumberField()
    with pytest.raises(forms.ValidationError) as raised:
        field.clean("")
    assert raised.value.code == "required"
