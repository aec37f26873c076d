"""Forms of the backbone pages. They parse input; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from backbone.models import (
    ActionPlanTask,
    Bulletin,
    Instruction,
    Method,
    SelfReview,
    StaffEvent,
    TaskStatus,
)
from core.forms import model_choice_field
from directory.models import Area

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d.%m.%Y %H.%M", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M"]
TARGET_WIDGETS = {
    "areas": forms.CheckboxSelectMultiple,
    "programmes": forms.CheckboxSelectMultiple,
    "sectors": forms.CheckboxSelectMultiple,
}
TARGET_HELP = _("Leave empty to reach everyone.")


def active_users() -> QuerySet[User]:
    return get_user_model().objects.filter(is_active=True).order_by("full_name", "email")


class PersonChoice(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} ({obj.email})"


class PeopleChoice(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return str(obj.full_name)


class TargetedForm(forms.ModelForm[Any]):
    """Targets are optional: an empty set reaches everyone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("areas", "programmes", "sectors"):
            if name in self.fields:
                self.fields[name].help_text = TARGET_HELP


class TaskForm(TargetedForm):
    owner = PersonChoice(label=_("Owner"), queryset=get_user_model().objects.none())

    class Meta:
        model = ActionPlanTask
        fields = [
            "title",
            "description",
            "owner",
            "starts_on",
            "due_on",
            "status",
            "areas",
            "programmes",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "starts_on": DATE_WIDGET,
            "due_on": DATE_WIDGET,
            **TARGET_WIDGETS,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "owner").queryset = active_users()


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)


class TaskFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses")), *TaskStatus.choices],
        required=False,
    )


class InstructionForm(TargetedForm):
    class Meta:
        model = Instruction
        fields = ["title", "body", "areas", "programmes"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10}), **TARGET_WIDGETS}


class BulletinForm(TargetedForm):
    class Meta:
        model = Bulletin
        fields = ["title", "body", "areas", "programmes", "sectors"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8}), **TARGET_WIDGETS}


class EventForm(TargetedForm):
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )

    class Meta:
        model = StaffEvent
        fields = [
            "kind",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "place",
            "capacity",
            "method",
            "areas",
            "programmes",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), **TARGET_WIDGETS}


class AttendanceForm(forms.Form):
    attended = PeopleChoice(
        label=_("Attended"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tick everyone who attended; the others are marked absent."),
    )

    def __init__(self, event: StaffEvent, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "attended").queryset = registered(event)


def registered(event: StaffEvent) -> QuerySet[User]:
    return (
        get_user_model()
        .objects.filter(pk__in=event.registrations.values("user"))
        .order_by("full_name", "email")
    )


class TrainingRecordForm(forms.Form):
    user = PersonChoice(label=_("Person"), queryset=get_user_model().objects.none())
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    completed_on = forms.DateField(label=_("Completed on"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "user").queryset = active_users()


class TrainingFilterForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Method"), choices=[("", _("All methods")), *Method.choices], required=False
    )
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=Area.objects.all(), required=False, empty_label=_("All areas")
    )

    def values(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"method": "", "area": None}
        return {"method": self.cleaned_data["method"], "area": self.cleaned_data["area"]}


class SelfReviewForm(forms.ModelForm[SelfReview]):
    how_well = forms.TypedChoiceField(
        label=_("How well do I succeed in it (1–5)?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = not yet at all, 5 = very well"),
    )

    class Meta:
        model = SelfReview
        fields = ["reviewed_on", "what_i_do", "how_well", "what_next"]
        widgets = {
            "reviewed_on": DATE_WIDGET,
            "what_i_do": forms.Textarea(attrs={"rows": 3}),
            "what_next": forms.Textarea(attrs={"rows": 3}),
        }
