from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.roles import Role
from contacts.models import Consent, Contact, ContactedBy, LegalGround
from contacts.selectors import RECENT_CALLERS, RECENT_FIRST, recent_callers, search_professionals
from contacts.services import is_about_one_client
from core.forms import (
    CompiledChoiceField,
    choice_field,
    choice_pairs,
    compiled_choice_field,
    limit_choices,
    model_choice_field,
)
from directory.forms import ProfessionalChoiceField, professional_label
from directory.models import Area, Service
from directory.selectors import professionals
from networks.access import is_coordinator_of
from networks.models import Language
from programmes.models import AgeBand, ConcernCategory, Programme
from programmes.wording import Words

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class PickerOption:
    value: int
    label: str
    recent: bool
    selected: bool


@dataclass(frozen=True)
class PickerChoices:
    """What the professional picker offers: the chosen one, then recent callers or matches."""

    options: list[PickerOption]
    status: str


def picker_choices(user: User, query: str = "", selected: Any = None) -> PickerChoices:
    """The chosen professional (kept first), then the matches of ``query`` or, without one, the
    coordinator's recent callers."""
    query = query.strip()[:100]
    latest = recent_callers(user, limit=RECENT_FIRST)
    recent = latest[:RECENT_CALLERS]
    recent_ids = {person.pk for person in latest}
    people = search_professionals(user, query, recent=latest) if query else recent
    chosen = None
    if str(selected or "").isdigit():
        chosen = professionals().filter(pk=int(str(selected))).first()
    options = []
    if chosen is not None:
        options.append(
            PickerOption(chosen.pk, professional_label(chosen), chosen.pk in recent_ids, True)
        )
    options += [
        PickerOption(person.pk, professional_label(person), person.pk in recent_ids, False)
        for person in people
        if chosen is None or person.pk != chosen.pk
    ]
    matches = len(options) - (1 if chosen is not None else 0)
    if query:
        status = ngettext(
            "%(count)d professional found.", "%(count)d professionals found.", matches
        ) % {"count": matches}
    elif recent:
        status = str(_("Your recent callers first. Search for anyone else in the directory."))
    else:
        status = str(_("Search the directory by name, title or service."))
    return PickerChoices(options, status)


class ProfessionalPicker(forms.Widget):
    """Search-as-you-type among the directory's professionals, recent callers offered first.

    Without JavaScript the search is a GET of the page (``?q=``); with it,
    ``contacts:professionals`` answers as the coordinator types (arki/contact_form.js). The
    choice is a radio button named like the field, so the form itself needs no script.
    """

    template_name = "contacts/widgets/professional_picker.html"
    use_fieldset = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.user: User | None = None
        self.query = ""
        self.search_form = "professional-search"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        choices = picker_choices(self.user, self.query, value) if self.user else None
        context["widget"].update(
            {
                "choices": choices,
                "query": self.query,
                "search_form": self.search_form,
                "search_url": reverse("contacts:professionals"),
            }
        )
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)

    def id_for_label(self, id_: str) -> str:
        # A group: its legend names it; the search box has a label of its own.
        return ""


class ProgrammeItemsField(forms.ModelMultipleChoiceField[Any]):
    """Items of the one programme the form is for, named without the programme."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


ANOTHER_PROGRAMME = {"invalid_choice": _("A choice belongs to another programme.")}


class ContactForm(forms.ModelForm[Contact]):
    """The coordinator's form: a call recorded in under a minute.

    Only the coordinator's own programmes and areas are offered; one of each is preset and shown
    as text. The concern categories and age bands are those of the chosen programme only.
    """

    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    contact_person = ProfessionalChoiceField(
        label=_("Professional"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=ProfessionalPicker,
    )
    concern_categories = ProgrammeItemsField(
        label=_("Concern categories"),
        queryset=ConcernCategory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=ANOTHER_PROGRAMME,
    )
    age_bands = ProgrammeItemsField(
        label=_("Children's age bands"),
        help_text=_("One for each child the concern is about."),
        queryset=AgeBand.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=ANOTHER_PROGRAMME,
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
            "age_bands",
            "lp_discussion",
            "consent",
            "legal_ground",
            "no_consent_reasons",
        ]
        widgets = {
            "channel": forms.RadioSelect,
            "programme": forms.HiddenInput,
            "contacted_by": forms.RadioSelect(
                attrs={"aria-controls": "caller-professional caller-other"}
            ),
            "lp_discussion": forms.RadioSelect,
            "consent": forms.RadioSelect(attrs={"aria-controls": "no-consent-fields"}),
            "concern": forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
            "no_consent_reasons": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self,
        *args: Any,
        programmes: QuerySet[Programme] | None = None,
        areas: QuerySet[Area] | None = None,
        programme: Programme | None = None,
        coordinator: User | None = None,
        search: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.coordinator = coordinator
        offered = programmes if programmes is not None else Programme.objects.filter(is_active=True)
        self.programmes = list(offered.order_by("order", "code"))
        self.chosen_programme = self._chosen_programme(programme)
        limit_choices(
            self, "programme", Programme.objects.filter(pk__in=[p.pk for p in self.programmes])
        )
        if not self.is_bound and self.chosen_programme is not None:
            self.initial["programme"] = self.chosen_programme.pk
        self.areas = list((areas if areas is not None else Area.objects.all()).order_by("name"))
        limit_choices(
            self, "area", Area.objects.filter(pk__in=[a.pk for a in self.areas]).order_by("name")
        )
        if len(self.areas) == 1 and "area" in self.fields:
            # One area: preset, shown as text.
            self.fields["area"].widget = forms.HiddenInput()
            if not self.is_bound:
                self.initial["area"] = self.areas[0].pk
        limit_choices(self, "contact_person", professionals())
        if "contact_person" in self.fields:
            picker = self.fields["contact_person"].widget
            if isinstance(picker, ProfessionalPicker):
                picker.user, picker.query = coordinator, search
        self._offer_programme_items()
        self.fields["legal_ground"].required = False
        for name in ("channel", "contacted_by", "lp_discussion", "consent"):
            if name in self.fields:  # radio buttons need no empty "---------" choice
                field = choice_field(self, name)
                field.choices = [c for c in choice_pairs(field) if c[0] != ""]
        if "contacted_by" in self.fields:
            self.fields["contacted_by"].initial = ContactedBy.PROFESSIONAL
            if not any(is_about_one_client(p) for p in self.programmes):
                field = choice_field(self, "contacted_by")
                # Only an adult client calls about themself.
                field.choices = [c for c in choice_pairs(field) if c[0] != ContactedBy.CLIENT]

    def _chosen_programme(self, requested: Programme | None) -> Programme | None:
        """The programme whose items the form offers: the posted one, the one asked for, the
        contact's own, the preset one, or the first offered."""
        by_pk = {str(p.pk): p for p in self.programmes}
        candidates = [
            self.data.get(self.add_prefix("programme")) if self.is_bound else None,
            str(requested.pk) if requested is not None else None,
            str(self.instance.programme_id) if self.instance.programme_id else None,
            str(self.initial.get("programme") or ""),
        ]
        for candidate in candidates:
            if candidate in by_pk:
                return by_pk[candidate]
        return self.programmes[0] if self.programmes else None

    def _offer_programme_items(self) -> None:
        programme = self.chosen_programme
        for name, model in (("concern_categories", ConcernCategory), ("age_bands", AgeBand)):
            if name not in self.fields:
                continue
            kept = (
                getattr(self.instance, name).values("pk")
                if self.instance.pk
                else model.objects.none()
            )
            items = model.objects.filter(
                Q(is_active=True) | Q(pk__in=kept), programme=programme
            ).order_by("order", "code")
            limit_choices(self, name, items)
        if programme is not None and is_about_one_client(programme) and "age_bands" in self.fields:
            self.fields["age_bands"].label = _("The client's age band")
            self.fields["age_bands"].help_text = ""
        if programme is not None and is_about_one_client(programme):
            # An adult client: no parent, child or child-welfare choices.
            unfitting: dict[str, set[str]] = {
                "contacted_by": {ContactedBy.PARENT.value, ContactedBy.YOUNG_PERSON.value},
                "legal_ground": {LegalGround.CHILD_WELFARE_25.value},
            }
            for name, values in unfitting.items():
                if name in self.fields:
                    field = choice_field(self, name)
                    field.choices = [c for c in choice_pairs(field) if c[0] not in values]
        if programme is not None:
            # The programme's own words: its discussion method, the family or the client.
            if "lp_discussion" in self.fields and programme.method_name:
                self.fields["lp_discussion"].label = _(
                    "Discussion already held with the method “%(method)s”"
                ) % {"method": programme.method_name}
            if "consent" in self.fields:
                field = choice_field(self, "consent")
                field.choices = [
                    (value, programme.words.consent_agrees if value == Consent.AGREES else label)
                    for value, label in choice_pairs(field)
                ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        area, programme = cleaned.get("area"), cleaned.get("programme")
        if (
            self.coordinator is not None
            and area is not None
            and programme is not None
            and not is_coordinator_of(self.coordinator, area.pk, programme.pk)
        ):
            # The coordinator would lose the contact they record: it is another coordinator's.
            self.add_error("area", _("You do not coordinate this programme in this area."))
        return cleaned

    @property
    def shows_programme_choice(self) -> bool:
        return len(self.programmes) > 1

    @property
    def the_one_area(self) -> Area | None:
        return self.areas[0] if len(self.areas) == 1 else None

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("concern_categories", "age_bands", "submission_token", "version"):
            data.pop(name, None)
        # A choice left behind in a part of the form that no longer applies is not recorded.
        if "contact_person" in data and data.get("contacted_by") != ContactedBy.PROFESSIONAL:
            data["contact_person"] = None
        if data.get("consent") != Consent.NO_CONSENT:
            data["legal_ground"], data["no_consent_reasons"] = "", ""
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
            "age_bands",
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
    family_name = forms.CharField(
        label=_("A guardian's or a sibling's name"),
        max_length=200,
        required=False,
        help_text=_(
            "If the child's sibling or parent already has an open network, the family's "
            "network is offered: one family, one network."
        ),
    )
    family_language = forms.ChoiceField(
        label=_("The family's language"),
        choices=Language.choices,
        initial=Language.FINNISH,
        help_text=_("Memos and the family's own page are in this language."),
    )
    # Set when the coordinator saw the family's network offered and chose a network of its own.
    separate = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        needs_own_worker: bool = False,
        concerns_children: bool = True,
        words: Words | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if words is not None:
            self.fields["subject_name"].label = words.subject_name_label
            self.fields["family_language"].label = words.language_label
            self.fields["family_language"].help_text = words.language_help
        if not concerns_children:
            del self.fields["family_name"]
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
    # Joining a sibling's family network: the name the family was found by; the child is added.
    family_name = forms.CharField(widget=forms.HiddenInput, max_length=200, required=False)


class QueueFilterForm(forms.Form):
    area = CompiledChoiceField(
        label=_("Area"),
        queryset=Area.objects.order_by("name"),
        required=False,
        empty_label=_("All areas"),
    )
    programme = CompiledChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.filter(is_active=True),
        required=False,
        empty_label=_("All programmes"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        """Only the areas and programmes of the coordinator's own queue are offered."""
        super().__init__(*args, **kwargs)
        memberships = [m for m in user.memberships.all() if m.role == Role.COORDINATOR]
        if memberships and all(m.programme_id for m in memberships):
            compiled_choice_field(self, "programme").limit_to(
                m.programme_id for m in memberships if m.programme_id
            )
        if memberships and all(m.area_id for m in memberships):
            compiled_choice_field(self, "area").limit_to(
                m.area_id for m in memberships if m.area_id
            )


class DiscussionForm(forms.Form):
    """A discussion held with a programme's own method (its ``method_name``)."""

    held_on = forms.DateField(
        label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.order_by("name"))
    # The programme, named by its own discussion method (Programme.method_name).
    programme = forms.ModelChoiceField(
        label=_("Method"), queryset=Programme.objects.filter(is_active=True)
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

    def __init__(
        self, *args: Any, programmes: QuerySet[Programme] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "service", Service.objects.filter(is_active=True).order_by("name"))
        # Each programme is offered by its method's name (a per-instance label).
        model_choice_field(self, "programme").label_from_instance = self.method_of  # type: ignore[method-assign, assignment]
        if programmes is not None:
            # The programmes the user works in; one only: it is the method, no choice to make.
            limit_choices(self, "programme", programmes)
            if len(programmes) == 1:
                self.fields["programme"].widget = forms.HiddenInput()

    @staticmethod
    def method_of(programme: Programme) -> str:
        """A programme's choice label: its own discussion method, or its name if it has none."""
        return programme.method_name or str(programme)
