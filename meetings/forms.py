"""The meeting record form: one page, sections built from the programme's configuration."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.db import Prepared, Run, objects_together
from core.forms import choice_field, share_choices
from meetings.models import Goal, GoalOwner, Promise, PromiseStatus
from meetings.services import NewGoal, NewPromise, RecordInput, Review, open_promises_read
from networks.models import Child, Meeting, Network, Participant
from programmes.models import LifeArea

if TYPE_CHECKING:
    from programmes.models import Programme

NEW_GOAL_ROWS = 3
NEW_PROMISE_ROWS = 5
RATING_CHOICES = [("", "–")] + [(str(n), str(n)) for n in range(11)]
REVIEW_CHOICES = [
    (PromiseStatus.KEPT, _("Kept")),
    (PromiseStatus.PARTLY, _("Partly kept")),
    (PromiseStatus.NOT_KEPT, _("Not kept")),
]


class ParticipantChoice(forms.ModelChoiceField[Participant]):
    def label_from_instance(self, obj: Participant) -> str:
        role = obj.relation or (obj.role.name if obj.role else "") or obj.kind.name
        return f"{obj.name} ({role})"


# The record form's own reads, compiled once per process (core.db.Prepared); the form is built
# on every opening and every save.
_CHILDREN = Prepared(lambda network: Child.objects.filter(network_id=network), network=int)
_LIFE_AREAS = Prepared(
    lambda programme: LifeArea.objects.filter(programme_id=programme, is_active=True),
    programme=int,
)
_GOALS_WITH_CHILD = Prepared(
    lambda network: Goal.objects.filter(network_id=network).select_related("child"),
    network=int,
)


@dataclass(frozen=True)
class RecordFormRows:
    """What the record form is built from: the promises open before the meeting (to review),
    the children, the programme's life areas and the network's goals. Read in one wait by
    :func:`read_form_rows`."""

    open_promises: list[Promise]
    children: list[Child]
    life_areas: list[LifeArea]
    goals: list[Goal]


def read_form_rows(meeting: Meeting) -> RecordFormRows:
    network = meeting.network
    open_promises, children, life_areas, goals = objects_together(
        [
            open_promises_read(meeting),
            Run(_CHILDREN, {"network": network.pk}, {"network": network}),
            Run(_LIFE_AREAS, {"programme": network.programme_id}),
            Run(_GOALS_WITH_CHILD, {"network": network.pk}, {"network": network}),
        ]
    )
    return RecordFormRows(open_promises, children, life_areas, goals)


class MeetingRecordForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    present = forms.ModelMultipleChoiceField(
        label=_("Present"),
        queryset=Participant.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    family_view = forms.CharField(
        label=_("The family's view in their own words"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    common_goal = forms.CharField(
        label=_("Common goal"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    protective_factors = forms.CharField(
        label=_("Protective factors that increase coping"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )

    def __init__(
        self,
        network: Network,
        meeting: Meeting,
        rows: RecordFormRows,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        """``rows``: :func:`read_form_rows` of the meeting."""
        super().__init__(*args, **kwargs)
        self.network, self.meeting = network, meeting
        participants = network.participants.filter(removed_at__isnull=True).select_related(
            "kind", "role"
        )
        about_client = not network.programme.concerns_children
        self.fields["family_view"].label = network.programme.words.view_label
        question = network.programme.self_rating_question
        if question:
            # The client's own view of their situation, asked in their own words and as a number.
            self.fields["self_rating"] = forms.TypedChoiceField(
                label=question,
                choices=RATING_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                help_text=_(
                    "0 is the weakest and 10 the best. Leave empty if the client does not want to rate."
                ),
            )
        # Each child's own view and own goals (a family's network may concern siblings).
        self.children = rows.children
        for child in self.children:
            self.fields[f"childview-{child.pk}"] = forms.CharField(
                label=_("%(name)s: the child's or young person's view in their own words")
                % {"name": child.name},
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                max_length=5000,
            )
        self.life_area_rows: list[tuple[Any, forms.BoundField, forms.BoundField]] = []
        self._life_areas = rows.life_areas
        for life_area in self._life_areas:
            prefix = f"la-{life_area.pk}"
            self.fields[f"{prefix}-strengths"] = forms.CharField(
                label=_("Strengths"),
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=2000,
                required=False,
            )
            self.fields[f"{prefix}-vulnerabilities"] = forms.CharField(
                label=_("Vulnerabilities"),
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=2000,
                required=False,
            )
        self.goals = rows.goals
        for goal in self.goals:
            self.fields[f"goal-{goal.pk}-rating"] = forms.TypedChoiceField(
                label=f"{goal.whose}: {goal.text}",
                choices=RATING_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
            )
        if about_client:
            owners: list[tuple[str, Any]] = [(GoalOwner.CLIENT.value, GoalOwner.CLIENT.label)]
        elif len(self.children) == 1:
            owners = [
                (GoalOwner.CHILD.value, _("%(name)s's own goal") % {"name": self.children[0].name}),
                (GoalOwner.PARENTS.value, GoalOwner.PARENTS.label),
            ]
        elif self.children:
            owners = [
                (f"child-{child.pk}", _("%(name)s's own goal") % {"name": child.name})
                for child in self.children
            ] + [(GoalOwner.PARENTS.value, GoalOwner.PARENTS.label)]
        else:
            owners = [(o.value, o.label) for o in (GoalOwner.CHILD, GoalOwner.PARENTS)]
        for n in range(NEW_GOAL_ROWS):
            self.fields[f"newgoal-{n}-owner"] = forms.ChoiceField(
                label=_("Whose goal"), choices=owners, required=False
            )
            self.fields[f"newgoal-{n}-text"] = forms.CharField(
                label=_("Goal"), max_length=300, required=False
            )
            self.fields[f"newgoal-{n}-scale"] = forms.CharField(
                label=_("What 0 and 10 mean"), max_length=300, required=False
            )
            self.fields[f"newgoal-{n}-rating"] = forms.TypedChoiceField(
                label=_("Rating now (0–10)"),
                choices=RATING_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
            )
        self.open_promises = rows.open_promises
        for promise in self.open_promises:
            self.fields[f"review-{promise.pk}-status"] = forms.ChoiceField(
                label=_("Was it kept?"),
                choices=REVIEW_CHOICES,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"review-{promise.pk}-note"] = forms.CharField(
                label=_("Note"), max_length=400, required=False
            )
        for n in range(NEW_PROMISE_ROWS):
            self.fields[f"promise-{n}-participant"] = ParticipantChoice(
                label=_("Who promises"), queryset=participants, required=False
            )
            self.fields[f"promise-{n}-act"] = forms.CharField(
                label=_("What they will do in their own role"), max_length=400, required=False
            )
            self.fields[f"promise-{n}-due"] = forms.DateField(
                label=_("By when"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
        promisers = [f"promise-{n}-participant" for n in range(NEW_PROMISE_ROWS)]
        share_choices(self, ["present", *promisers], participants)

    # Groups of bound fields for the template.
    def life_areas(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [
            (area, self[f"la-{area.pk}-strengths"], self[f"la-{area.pk}-vulnerabilities"])
            for area in self._life_areas
        ]

    def child_views(self) -> list[forms.BoundField]:
        return [self[f"childview-{child.pk}"] for child in self.children]

    def goal_ratings(self) -> list[tuple[Goal, forms.BoundField]]:
        return [(goal, self[f"goal-{goal.pk}-rating"]) for goal in self.goals]

    def new_goal_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"newgoal-{n}-{part}"] for part in ("owner", "text", "scale", "rating")]
            for n in range(NEW_GOAL_ROWS)
        ]

    def reviews(self) -> list[tuple[Promise, forms.BoundField, forms.BoundField]]:
        return [
            (p, self[f"review-{p.pk}-status"], self[f"review-{p.pk}-note"])
            for p in self.open_promises
        ]

    def promise_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"promise-{n}-{part}"] for part in ("participant", "act", "due")]
            for n in range(NEW_PROMISE_ROWS)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(NEW_PROMISE_ROWS):
            participant = data.get(f"promise-{n}-participant")
            act = data.get(f"promise-{n}-act", "")
            due = data.get(f"promise-{n}-due")
            if not (participant or act or due):
                continue
            if not participant:
                self.add_error(f"promise-{n}-participant", _("Choose who makes the promise."))
            if not act:
                self.add_error(f"promise-{n}-act", _("Write what is promised."))
            if not due:
                self.add_error(f"promise-{n}-due", _("Give the date by which the promise is kept."))
        for n in range(NEW_GOAL_ROWS):
            if not data.get(f"newgoal-{n}-text") and data.get(f"newgoal-{n}-rating") is not None:
                self.add_error(f"newgoal-{n}-text", _("Write the goal."))
        return data

    def to_input(self) -> RecordInput:
        data = self.cleaned_data
        areas = {
            area.pk: (data[f"la-{area.pk}-strengths"], data[f"la-{area.pk}-vulnerabilities"])
            for area, _strengths, _vulnerabilities in self.life_areas()
        }
        return RecordInput(
            present=list(data["present"]),
            family_view=data["family_view"],
            child_views={child.pk: data[f"childview-{child.pk}"] for child in self.children},
            common_goal=data["common_goal"],
            protective_factors=data["protective_factors"],
            life_areas=areas,
            ratings={goal.pk: data[f"goal-{goal.pk}-rating"] for goal in self.goals},
            self_rating=data.get("self_rating"),
            new_goals=[
                NewGoal(
                    owner=self._owner(data[f"newgoal-{n}-owner"])[0],
                    child=self._owner(data[f"newgoal-{n}-owner"])[1],
                    text=data[f"newgoal-{n}-text"],
                    rating=data[f"newgoal-{n}-rating"],
                    scale_note=data[f"newgoal-{n}-scale"],
                )
                for n in range(NEW_GOAL_ROWS)
                if data.get(f"newgoal-{n}-text")
            ],
            new_promises=[
                NewPromise(
                    participant=data[f"promise-{n}-participant"],
                    act=data[f"promise-{n}-act"],
                    due=data[f"promise-{n}-due"],
                )
                for n in range(NEW_PROMISE_ROWS)
                if data.get(f"promise-{n}-act")
            ],
            reviews=[
                Review(p, data[f"review-{p.pk}-status"], data[f"review-{p.pk}-note"])
                for p in self.open_promises
                if data.get(f"review-{p.pk}-status")
            ],
        )

    def _owner(self, value: str) -> tuple[str, Any]:
        """A goal row's "whose goal": an owner, with the child for "child-<id>"."""
        if value.startswith("child-"):
            child = next((c for c in self.children if f"child-{c.pk}" == value), None)
            return GoalOwner.CHILD, child
        return value, None


class CloseNetworkForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=[], widget=forms.RadioSelect)
    summary = forms.CharField(
        label=_("Closing summary"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        """The programme's own words; its outcomes at closing and own rating where it has them."""
        from networks.models import ClosingReason

        super().__init__(*args, **kwargs)
        words = programme.words
        said: dict[str, str] = {
            ClosingReason.FAMILY_DECLINED.value: words.declined,
            ClosingReason.MOVED_AWAY.value: words.moved_away,
        }
        choice_field(self, "reason").choices = [
            (value, said.get(value, str(label))) for value, label in ClosingReason.choices
        ]
        self.fields["summary"].label = words.closing_summary_label
        outcomes = programme.closing_outcomes.filter(is_active=True)
        if outcomes.exists():
            self.fields["outcome"] = forms.ModelChoiceField(
                label=_("Where the client's path led"),
                queryset=outcomes,
                widget=forms.RadioSelect,
                empty_label=None,
                error_messages={"required": _("Choose where the client's path led.")},
            )
        if programme.self_rating_question:
            self.fields["self_rating"] = forms.TypedChoiceField(
                label=programme.self_rating_question,
                choices=RATING_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                help_text=_(
                    "Asked of the client at the end of the work, as at its start. Leave empty if "
                    "the client does not want to rate."
                ),
            )


class ResolvePromisesForm(forms.Form):
    note = forms.CharField(
        label=_("How the open promises were resolved"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=400,
    )
