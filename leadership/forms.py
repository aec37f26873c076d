from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.forms import limit_choices
from leadership.models import CommitmentStatus, LeadershipTeam

REVIEW_CHOICES = [
    (CommitmentStatus.DONE, _("Done")),
    (CommitmentStatus.NOT_DONE, _("Not done")),
    (CommitmentStatus.CARRIED_OVER, _("Carried over")),
]


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name


class DecisionForm(forms.Form):
    what = forms.CharField(
        label=_("Decision"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    why = forms.CharField(
        label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )
    who_informs = MemberChoice(
        label=_("Who informs the staff"), queryset=get_user_model().objects.none()
    )
    shareable = forms.BooleanField(
        label=_("Share with the learning network"),
        help_text=_("Other regions see the decision in the learning-network package."),
        required=False,
    )

    def __init__(self, team: LeadershipTeam, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "who_informs", _members(team))


class CommitmentForm(forms.Form):
    member = MemberChoice(label=_("Member"), queryset=get_user_model().objects.none())
    text = forms.CharField(
        label=_("What do I promise to do before the next meeting?"), max_length=400
    )

    def __init__(self, team: LeadershipTeam, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "member", _members(team))


class ReviewForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=REVIEW_CHOICES, widget=forms.RadioSelect)


def _members(team: LeadershipTeam) -> Any:
    return (
        get_user_model()
        .objects.filter(pk__in=team.members.filter(is_active=True).values("user"))
        .order_by("full_name")
    )
