"""The public "Ota yhteyttä" form: a client or a family contacts the area's number themselves."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact, ContactedBy
from contacts.services import is_about_one_client
from directory.models import Area
from programmes.models import Programme

# Who may send the public form: never a professional (they have their own request form).
PUBLIC_CONTACTED_BY = [
    (ContactedBy.PARENT.value, _("A parent or guardian")),
    (ContactedBy.YOUNG_PERSON.value, _("A child or young person")),
    (ContactedBy.CLIENT.value, _("I am contacting about myself (an adult)")),
    (ContactedBy.RELATIVE.value, _("A relative or someone close")),
]

CONCERN_LENGTH = Contact._meta.get_field("concern").max_length or 1000
PHONE = re.compile(r"^\+?[0-9 ()-]{6,30}$")


class ProgrammeChoice(forms.ModelChoiceField[Programme]):
    """The programmes in plain words, not by their official names."""

    def label_from_instance(self, obj: Programme) -> str:
        if is_about_one_client(obj):
            return str(_("An adult of working age (for example, work, money or coping)"))
        return str(_("A child, a young person or a family with children"))


class PublicContactForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("Your area"),
        queryset=Area.objects.order_by("municipality", "name"),
        empty_label=_("Choose your area"),
        error_messages={"invalid_choice": _("Choose an area from the list.")},
    )
    programme = ProgrammeChoice(
        label=_("Who is the contact about?"),
        queryset=Programme.objects.filter(is_active=True).order_by("order", "code"),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the options.")},
    )
    contacted_by = forms.ChoiceField(
        label=_("Who is contacting?"), choices=PUBLIC_CONTACTED_BY, widget=forms.RadioSelect
    )
    concern = forms.CharField(
        label=_("What would you like help with?"),
        max_length=CONCERN_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=200,
        required=False,
        help_text=_("You may also stay anonymous: we only need a way to reach you."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent_to_contact = forms.BooleanField(
        label=_("I agree that the coordinator contacts me by phone or email."),
        error_messages={"required": _("We can only answer if you agree to be contacted.")},
    )
    # A trap for robots: hidden from people and screen readers, so only a robot fills it in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    opened = forms.CharField(widget=forms.HiddenInput, required=False)
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["concern"].help_text = gettext(
            "Briefly, in your own words. No personal identity numbers are needed. "
            "At most %(count)s characters."
        ) % {"count": CONCERN_LENGTH}

    def clean_phone(self) -> str:
        phone = " ".join(self.cleaned_data.get("phone", "").split())
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(
                _("Write the phone number with digits, for example 040 123 4567.")
            )
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reachable = data.get("phone") or data.get("email")
        if not reachable and "phone" not in self.errors and "email" not in self.errors:
            self.add_error(
                "phone", _("Give a phone number or an email address, so we can reach you.")
            )
        programme = data.get("programme")
        about_a_child = programme is not None and not is_about_one_client(programme)
        if data.get("contacted_by") == ContactedBy.CLIENT and about_a_child:
            self.add_error(
                "contacted_by",
                _("For a child or a family, choose a parent, the young person or a relative."),
            )
        return data

    @property
    def is_trap_filled(self) -> bool:
        return bool(str(self.data.get(self.add_prefix("website"), "")).strip())

    def token(self) -> uuid.UUID | None:
        value = self.cleaned_data.get("submission_token")
        return value if isinstance(value, uuid.UUID) else None

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "area": data["area"],
            "programme": data["programme"],
            "contacted_by": data["contacted_by"],
            "concern": data["concern"].strip(),
            "contact_person_name": data["name"].strip(),
            "contact_person_phone": data["phone"],
            "contact_person_email": data["email"],
        }
