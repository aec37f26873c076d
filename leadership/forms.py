from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.db import Prepared
from core.forms import limit_choices, model_choice_field
from directory.models import Sector
from leadership.models import CommitmentStatus, LeadershipTeam, TeamMember

if TYPE_CHECKING:
    from django.db.models import QuerySet

REVIEW_CHOICES = [
    (CommitmentStatus.DONE, _("Done")),
    (CommitmentStatus.NOT_DONE, _("Not done")),
    (CommitmentStatus.CARRIED_OVER, _("Carried over")),
]


class MemberChoice(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
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

    def __init__(
        self,
        team: LeadershipTeam,
        *args: Any,
        members: QuerySet[User] | None = None,
        **kwargs: Any,
    ) -> None:
        """``members``: :func:`team_members` of ``team``, when the page already made it."""
        super().__init__(*args, **kwargs)
        limit_choices(self, "who_informs", team_members(team) if members is None else members)


class CommitmentForm(forms.Form):
    member = MemberChoice(label=_("Member"), queryset=get_user_model().objects.none())
    text = forms.CharField(
        label=_("What do I promise to do before the next meeting?"), max_length=400
    )

    def __init__(
        self,
        team: LeadershipTeam,
        *args: Any,
        members: QuerySet[User] | None = None,
        **kwargs: Any,
    ) -> None:
        """``members``: :func:`team_members` of ``team``, when the page already made it."""
        super().__init__(*args, **kwargs)
        limit_choices(self, "member", team_members(team) if members is None else members)


class ReviewForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=REVIEW_CHOICES, widget=forms.RadioSelect)


def team_members(team: LeadershipTeam) -> QuerySet[User]:
    """The team's active members' accounts, by name (whom its forms offer)."""
    return _members_of(team.pk)


def _members_of(team: int) -> QuerySet[User]:
    return (
        get_user_model()
        .objects.filter(
            pk__in=TeamMember.objects.filter(team_id=team, is_active=True).values("user")
        )
        .order_by("full_name")
    )


# The rows of team_members, compiled once: the agenda offers them in two drop-downs.
_TEAM_MEMBERS = Prepared(_members_of, team=int)


def team_members_rows(team: LeadershipTeam) -> list[User]:
    """:func:`team_members`' accounts, read with SQL compiled once per process."""
    return _TEAM_MEMBERS.objects(team=team.pk)


WEEK_CHOICES = [
    (1, _("1st week of the month")),
    (2, _("2nd week of the month")),
    (3, _("3rd week of the month")),
    (4, _("4th week of the month")),
]
WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class TeamForm(forms.ModelForm[LeadershipTeam]):
    week_of_month = forms.TypedChoiceField(
        label=_("Week of the month"), choices=WEEK_CHOICES, coerce=int
    )
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=WEEKDAY_CHOICES, coerce=int)
    meeting_time = forms.TimeField(
        label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    class Meta:
        model = LeadershipTeam
        fields = [
            "name",
            "area",
            "programme",
            "common_goal",
            "week_of_month",
            "weekday",
            "meeting_time",
            "place",
        ]
        labels = {
            "name": _("Name"),
            "area": _("Area"),
            "programme": _("Programme"),
            "common_goal": _("Common goal"),
            "place": _("Place"),
        }
        help_texts = {"area": _("Leave empty for a team that covers all areas.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "area").empty_label = _("All areas")


class SectorChoice(forms.ModelChoiceField[Sector]):
    def label_from_instance(self, obj: Sector) -> str:
        return str(obj.name)


class CandidateChoice(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} ({obj.email})"


class MemberForm(forms.Form):
    user = CandidateChoice(label=_("Member"), queryset=get_user_model().objects.none())
    sector = SectorChoice(label=_("Sector"), queryset=Sector.objects.all())
    is_chair = forms.BooleanField(label=_("Chair of the team"), required=False)

    def __init__(self, candidates: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "user", candidates)
