from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.forms import limit_choices
from directory.forms import ProfessionalChoiceField
from directory.models import Service
from directory.selectors import professionals
from networks.models import Channel, ConsentHow, ConsentScope, Network, Participant
from programmes.models import ParticipantKind, ProgrammeRole
from programmes.wording import Words

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d.%m.%Y %H.%M", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M"]
# Network work in Arki's sense began long after this; an earlier year is a typing error (and
# year 1 cannot even be compared with the present in the Helsinki time zone).
EARLIEST_YEAR = 1990


class RecentDateTimeField(forms.DateTimeField):
    """A date and time in 1990 or later."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and value.year < EARLIEST_YEAR:
            raise forms.ValidationError(
                _("The date must be in %(year)s or later."),
                code="too_early",
                params={"year": EARLIEST_YEAR},
            )


class ProfessionalParticipantForm(forms.Form):
    user = ProfessionalChoiceField(
        label=_("Professional from the directory"), queryset=get_user_model().objects.none()
    )
    role = forms.ModelChoiceField(
        label=_("Role in the network"), queryset=ProgrammeRole.objects.none(), required=False
    )
    is_own_worker = forms.BooleanField(
        label=_("The client's own worker (walks alongside)"), required=False
    )

    def __init__(self, network: Network, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The directory's professionals, and the coordinators of the network's area and
        # programme: a coordinator may take part and make promises without a directory position.
        from django.db.models import Q

        from audit.roles import Role

        coordinators = get_user_model().objects.filter(
            Q(memberships__area__isnull=True) | Q(memberships__area=network.area_id),
            Q(memberships__programme__isnull=True) | Q(memberships__programme=network.programme_id),
            is_active=True,
            memberships__role=Role.COORDINATOR,
        )
        people = get_user_model().objects.filter(
            Q(pk__in=professionals().values("pk")) | Q(pk__in=coordinators.values("pk"))
        )
        limit_choices(
            self,
            "user",
            people.exclude(participations__network=network, participations__removed_at__isnull=True)
            .prefetch_related("positions__service")
            .order_by("full_name"),
        )
        limit_choices(
            self,
            "role",
            ProgrammeRole.objects.filter(programme=network.programme, is_active=True),
        )
        # The own worker ("rinnalla kulkija") is named in programmes that have the role.
        if not network.programme.roles.filter(code="own-worker", is_active=True).exists():
            del self.fields["is_own_worker"]


class FamilyParticipantForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Who"), queryset=ParticipantKind.objects.none())
    name = forms.CharField(label=_("Name"), max_length=200)
    relation = forms.CharField(
        label=_("Relation"),
        max_length=100,
        required=False,
        help_text=_("For example mother, grandfather, football coach, neighbour."),
    )
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    channel = forms.ChoiceField(
        label=_("How they want invitations, codes and reminders"),
        choices=Channel.choices,
        initial=Channel.EMAIL,
        required=False,  # not chosen: by email if an address is given, otherwise on paper
    )
    identity_code = forms.CharField(
        label=_("Personal identity code (for signing in with Suomi.fi)"),
        max_length=20,
        required=False,
        # Never sent back to the browser, also when another field needs correcting.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "Optional. Arki keeps only a protected check value of it, never the code. With it "
            "they can sign in with strong identification."
        ),
    )

    def __init__(self, network: Network, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(
            self,
            "kind",
            ParticipantKind.objects.filter(
                programme=network.programme, is_family=True, is_active=True
            ),
        )


class ReachingForm(forms.Form):
    """How a family member is reached; the identity code is written here, never shown."""

    channel = forms.ChoiceField(
        label=_("How they want invitations, codes and reminders"), choices=Channel.choices
    )
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        help_text=_("A mobile number for text messages, for example 040 123 4567."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    identity_code = forms.CharField(
        label=_("New personal identity code (for signing in with Suomi.fi)"),
        max_length=20,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Leave empty to keep the recorded one. Arki never shows a recorded code."),
    )
    forget_identity_code = forms.BooleanField(
        label=_("Forget the recorded personal identity code"), required=False
    )


class ServiceChoiceField(forms.ModelChoiceField[Service]):
    def label_from_instance(self, obj: Service) -> str:
        return f"{obj.name} ({obj.organisation.name})"


class OutsideProfessionalForm(forms.Form):
    """A professional without an Arki account: reached by email and/or phone."""

    name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.ModelChoiceField(
        label=_("Role in the network"), queryset=ProgrammeRole.objects.none(), required=False
    )
    service = ServiceChoiceField(
        label=_("Service from the directory"),
        queryset=Service.objects.none(),
        required=False,
        help_text=_("If the service is not in the directory, write the organisation below."),
    )
    organisation = forms.CharField(
        label=_("Organisation or service (if not in the directory)"),
        max_length=200,
        required=False,
        help_text=_("For example a private therapy practice or the parish."),
    )
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        help_text=_("An email address or a phone number is needed, or both."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )

    def __init__(self, network: Network, *args: Any, **kwargs: Any) -> None:
        from networks import consent

        super().__init__(*args, **kwargs)
        roles = ProgrammeRole.objects.filter(programme=network.programme, is_active=True)
        limit_choices(self, "role", roles.exclude(code="family"))
        self.fields["role"].initial = roles.filter(code="participant-professional").first()
        # Services in use; a service the client has banned disclosing to is not offered.
        limit_choices(
            self,
            "service",
            Service.objects.filter(is_active=True)
            .exclude(pk__in=consent.banned_service_ids(network))
            .select_related("organisation")
            .order_by("name"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("email") and not data.get("phone") and "email" not in self.errors:
            raise forms.ValidationError(
                _("Give an email address or a phone number, or both."), code="no_contact"
            )
        return data


class ChildForm(forms.Form):
    """A sibling added to the family's network."""

    name = forms.CharField(label=_("The child's name"), max_length=200)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class MeetingForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    starts_at = RecentDateTimeField(
        label=_("Starts"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    ends_at = RecentDateTimeField(
        label=_("Ends"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_(
            "Text messages show the place: write an address or a room, not the name of a "
            "service that tells why the meeting is held."
        ),
    )
    online_link = forms.URLField(
        label=_("Online meeting link"), required=False, assume_scheme="https"
    )
    late_reason = forms.CharField(
        label=_("Reason, if the meeting is after the deadline or moved"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts: datetime | None = data.get("starts_at")
        ends: datetime | None = data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        return data


class CancelMeetingForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ConsentForm(forms.Form):
    scope = forms.ChoiceField(label=_("What the family agreed to"), choices=ConsentScope.choices)
    given_by = forms.CharField(label=_("Given by (name and relation)"), max_length=200)
    given_how = forms.ChoiceField(label=_("How"), choices=ConsentHow.choices)
    given_at = RecentDateTimeField(
        label=_("When"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )

    def __init__(self, *args: Any, words: Words, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].label = words.consent_scope_label


class WithdrawConsentForm(forms.Form):
    how = forms.ChoiceField(label=_("How it was withdrawn"), choices=ConsentHow.choices)


class BanForm(forms.Form):
    participant = forms.ModelChoiceField(
        label=_("Participant"), queryset=Participant.objects.none(), required=False
    )
    service = forms.ModelChoiceField(
        label=_("Or a whole service"), queryset=Service.objects.none(), required=False
    )
    requested_by = forms.CharField(label=_("Requested by (name and relation)"), max_length=200)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )

    def __init__(self, network: Network, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(
            self,
            "participant",
            network.participants.filter(removed_at__isnull=True, kind__is_family=False),
        )
        limit_choices(self, "service", Service.objects.order_by("name"))


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need this network's information now?"),
        help_text=_(
            "Your reason, the time and everything you open are logged and reviewed by the data "
            "protection officer. Access ends after two hours."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
