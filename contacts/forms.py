from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact, ContactedBy
from core.forms import limit_choices
from directory.models import Area, Service
from networks.models import Language
from programmes.models import AgeBand, ConcernCategory, Programme


class ProgrammeItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.programme.name}: {obj.name}"


class ProgrammeItemMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.programme.name}: {obj.name}"


class ProfessionalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        position = next(iter(obj.positions.all()), None)
        return f"{obj.full_name}, {position}" if position else obj.full_name


def professionals() -> Any:
    """Active people with a position in a service: the professionals of the directory."""
    return (
        get_user_model()
        .objects.filter(is_active=True, positions__is_active=True)
        .distinct()
        .prefetch_related("positions__service")
        .order_by("full_name")
    )


class ContactForm(forms.ModelForm):
    """The coordinator's form: a call recorded in under a minute."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    contact_person = ProfessionalChoiceField(
        label=_("Professional"), queryset=get_user_model().objects.none(), required=False
    )
    concern_categories = ProgrammeItemMultipleChoiceField(
        label=_("Concern categories"),
        queryset=ConcernCategory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    age_band = ProgrammeItemChoiceField(
        label=_("Age band"), queryset=AgeBand.objects.none(), required=False
    )

    class Meta:
        model = Contact
        fields = [
            "channel",
            "area",
            "programme",
            "contacted_by",
            "contact_person",
            "contact_person_name",
            "contact_person_service",
            "contact_person_phone",
            "concern",
            "concern_categories",
            "age_band",
            "lp_discussion",
            "consent",
            "legal_ground",
            "no_consent_reasons",
        ]
        widgets = {
            "channel": forms.RadioSelect,
            "contacted_by": forms.RadioSelect,
            "lp_discussion": forms.RadioSelect,
            "consent": forms.RadioSelect,
            "concern": forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
            "no_consent_reasons": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "area", Area.objects.order_by("name"))
        limit_choices(self, "programme", Programme.objects.filter(is_active=True))
        limit_choices(self, "contact_person", professionals())
        limit_choices(
            self,
            "concern_categories",
            ConcernCategory.objects.filter(is_active=True).select_related("programme"),
        )
        limit_choices(
            self, "age_band", AgeBand.objects.filter(is_active=True).select_related("programme")
        )
        self.fields["legal_ground"].required = False
        for name in ("channel", "contacted_by", "lp_discussion", "consent"):
            field = self.fields.get(name)
            if field is not None:  # radio buttons need no empty "---------" choice
                field.choices = [c for c in field.choices if c[0] != ""]  # type: ignore[attr-defined]
        if "contacted_by" in self.fields:
            self.fields["contacted_by"].initial = ContactedBy.PROFESSIONAL

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("concern_categories", None)
        data.pop("submission_token", None)
        data.pop("version", None)
        return data


class ProfessionalRequestForm(ContactForm):
    """A professional's own "start network work" request: they are the contact person."""

    # The sender is the contact person (the service sets it): no "Professional" picker here.
    contact_person = None  # type: ignore[assignment]

    class Meta(ContactForm.Meta):
        fields = [
            "area",
            "programme",
            "contact_person_phone",
            "concern",
            "concern_categories",
            "age_band",
            "lp_discussion",
            "consent",
            "legal_ground",
            "no_consent_reasons",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_person_phone"].label = _("Your phone number for the coordinator")


class AdviceForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    advice_given = forms.CharField(
        label=_("What was advised"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ConveneForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    own_worker = ProfessionalChoiceField(
        label=_("The client's own worker"),
        help_text=_("The one who walks alongside the client."),
        queryset=get_user_model().objects.none(),
        required=False,
    )
    subject_name = forms.CharField(label=_("Name of the child or client"), max_length=200)
    subject_birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    family_language = forms.ChoiceField(
        label=_("The family's language"),
        choices=Language.choices,
        initial=Language.FINNISH,
        help_text=_("Memos and the family's own page are in this language."),
    )

    def __init__(self, *args: Any, needs_own_worker: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if needs_own_worker:
            limit_choices(self, "own_worker", professionals())
            self.fields["own_worker"].required = True
            self.order_fields(
                ["subject_name", "subject_birth_date", "family_language", "own_worker"]
            )
        else:
            del self.fields["own_worker"]


class JoinForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    network = forms.IntegerField(widget=forms.HiddenInput)
    # The identity the coordinator entered: the network must be that child's or client's.
    subject_name = forms.CharField(widget=forms.HiddenInput, max_length=200)
    subject_birth_date = forms.DateField(widget=forms.HiddenInput, required=False)


class QueueFilterForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Area.objects.order_by("name"),
        required=False,
        empty_label=_("All areas"),
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.filter(is_active=True),
        required=False,
        empty_label=_("All programmes"),
    )


class DiscussionForm(forms.Form):
    held_on = forms.DateField(
        label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.order_by("name"))
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.filter(is_active=True)
    )
    service = forms.ModelChoiceField(
        label=_("Your service"), queryset=Service.objects.none(), required=False
    )
    wider_support_needed = forms.TypedChoiceField(
        label=_("Was wider support needed?"),
        choices=[
            ("no", _("No, everyday support is enough for now")),
            ("yes", _("Yes, the network is needed")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "service", Service.objects.filter(is_active=True).order_by("name"))
