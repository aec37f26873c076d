"""Factories for what a meeting records: record → goals (rated) → promises.

``PromiseFactory()`` builds the whole chain: a network (with its coordinator, child and contact),
a professional participant, a held first meeting with its record, and the open promise.
``PromiseFactory(network=network)`` adds one to a network (in a new held meeting with its
record); ``PromiseFactory(network=network, made_in=meeting)`` one made in a given meeting. Goals
likewise (``set_in``).
"""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from meetings.models import (
    Goal,
    GoalOwner,
    GoalRating,
    MeetingRecord,
    MeetingRecordRevision,
    Promise,
)
from meetings.services import snapshot
from networks.models import Meeting, Network
from networks.tests.factories import (
    MeetingFactory,
    NetworkFactory,
    ProfessionalParticipantFactory,
)


class MeetingRecordFactory(DjangoModelFactory[MeetingRecord]):
    """The first saved version of a held meeting's record, with its revision (the optimistic lock
    compares against it). ``present=[...]`` sets who was present."""

    class Meta:
        model = MeetingRecord
        skip_postgeneration_save = True

    meeting = factory.SubFactory(MeetingFactory, held=True)
    family_view = "Aamut ovat raskaita."
    common_goal = "Toimiva arki"
    saved_by = factory.SelfAttribute("meeting.organiser")
    version = 1

    @factory.post_generation
    def present(self, create, extracted, **kwargs):
        if create and extracted:
            self.present.set(extracted)

    @factory.post_generation
    def revision(self, create, extracted, **kwargs):
        if create:
            MeetingRecordRevision.objects.create(
                record=self, version=self.version, saved_by=self.saved_by, snapshot=snapshot(self)
            )


def recorded_meeting(network: Network) -> Meeting:
    """A new held meeting of the network with its record: the first one, or a follow-up."""
    return MeetingRecordFactory(meeting__network=network).meeting


class GoalFactory(DjangoModelFactory[Goal]):
    """The child's own goal (the network's only child), set and rated in a recorded meeting."""

    class Meta:
        model = Goal
        skip_postgeneration_save = True

    network = factory.SubFactory(NetworkFactory)
    set_in = factory.LazyAttribute(lambda goal: recorded_meeting(goal.network))
    owner = GoalOwner.CHILD
    child = factory.LazyAttribute(lambda g: g.network.children.first())
    text = "Vähemmän poissaoloja"
    scale_note = "0 = ei koulussa, 10 = joka päivä"
    order = factory.Sequence(lambda n: n + 1)

    @factory.post_generation
    def rating(self, create, extracted, **kwargs):
        """The rating given where the goal was set (3 unless told; ``rating=None``: none)."""
        if create and extracted is not None:
            GoalRating.objects.create(goal=self, meeting=self.set_in, rating=extracted)

    @classmethod
    def _generate(cls, strategy, params):
        params.setdefault("rating", 3)
        return super()._generate(strategy, params)


class GoalRatingFactory(DjangoModelFactory[GoalRating]):
    class Meta:
        model = GoalRating

    goal = factory.SubFactory(GoalFactory, rating=None)
    meeting = factory.SelfAttribute("goal.set_in")
    rating = 5


class PromiseFactory(DjangoModelFactory[Promise]):
    """An open promise of a professional participant, made in a recorded meeting, due in two
    weeks."""

    class Meta:
        model = Promise

    network = factory.SubFactory(NetworkFactory)
    made_in = factory.LazyAttribute(lambda promise: recorded_meeting(promise.network))
    participant = factory.SubFactory(
        ProfessionalParticipantFactory, network=factory.SelfAttribute("..network")
    )
    act = "Soitan perheelle perjantaina"
    due = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
