"""Factories for network work: network → participants → meetings.

``NetworkFactory()`` leaves what ``contacts.services.convene`` leaves: a convening network in its
area and programme, whose coordinator holds the coordinator role there, the child (a family's
programme) or the client as a participant (a client's programme), and the convened contact it
was opened from. No events, emails or invitations: tests of those go through the services.
"""

from datetime import date, timedelta
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.tests.factories import MembershipFactory, UserFactory
from audit.roles import Role
from contacts.tests.factories import ContactFactory
from directory.tests.factories import AreaFactory
from networks.deadlines import convening_deadline
from networks.models import (
    Child,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Network,
    NetworkStatus,
    Participant,
)
from networks.selectors import match_key
from programmes.tests.factories import ParticipantKindFactory, ProgrammeFactory

LOCALE = "fi_FI"


class NetworkFactory(DjangoModelFactory[Network]):
    class Meta:
        model = Network
        skip_postgeneration_save = True

    area = factory.SubFactory(AreaFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    subject_name = factory.Faker("name", locale=LOCALE)
    subject_birth_date = date(2015, 5, 17)
    match_key = factory.LazyAttribute(lambda n: match_key(n.subject_name, n.subject_birth_date))
    first_contact_at = factory.LazyFunction(timezone.now)
    convening_deadline = factory.LazyAttribute(
        lambda n: convening_deadline(n.first_contact_at, n.programme.convening_deadline_days)
    )
    coordinator = factory.SubFactory(UserFactory)

    @factory.post_generation
    def coordinator_role(self, create, extracted, **kwargs):
        """Being named the coordinator is not enough (networks/access.py): the role in the
        network's area and programme is. ``coordinator_role=False`` leaves it out."""
        if create and extracted is not False:
            MembershipFactory(
                user=self.coordinator,
                role=Role.COORDINATOR,
                area=self.area,
                programme=self.programme,
            )

    @factory.post_generation
    def subject(self, create, extracted, **kwargs):
        """The child of a family's network, or the client as a participant of their own."""
        if not create:
            return
        if self.programme.concerns_children:
            if not self.children.exists():
                Child.objects.create(
                    network=self,
                    name=self.subject_name,
                    birth_date=self.subject_birth_date,
                    match_key=self.match_key,
                    created_by=self.coordinator,
                )
            return
        kind = self.programme.participant_kinds.filter(is_subject=True, is_active=True).first()
        if kind is not None:
            Participant.objects.create(
                network=self, kind=kind, name=self.subject_name, created_by=self.coordinator
            )

    @factory.post_generation
    def contact(self, create, extracted, **kwargs):
        """The convened contact the network was opened from; ``contact=False`` leaves it out."""
        if create and extracted is not False:
            ContactFactory(
                convened=True,
                network=self,
                area=self.area,
                programme=self.programme,
                received_at=self.first_contact_at,
                recorded_by=self.coordinator,
                **kwargs,
            )


class ChildFactory(DjangoModelFactory[Child]):
    """A sibling in a family's network."""

    class Meta:
        model = Child

    network = factory.SubFactory(NetworkFactory)
    name = factory.Faker("name", locale=LOCALE)
    birth_date = date(2017, 3, 2)
    match_key = factory.LazyAttribute(lambda c: match_key(c.name, c.birth_date))
    created_by = factory.SelfAttribute("network.coordinator")


class ParticipantFactory(DjangoModelFactory[Participant]):
    """A family member (the programme's ``parent`` kind) reached by email."""

    class Meta:
        model = Participant

    network = factory.SubFactory(NetworkFactory)
    # Any: the professional factories below declare these differently.
    kind: Any = factory.SubFactory(
        ParticipantKindFactory, programme=factory.SelfAttribute("..network.programme")
    )
    name: Any = factory.Faker("name", locale=LOCALE)
    relation: Any = "äiti"
    email: Any = factory.Sequence(lambda n: f"perhe{n}@example.fi")
    created_by = factory.SelfAttribute("network.coordinator")


class ProfessionalParticipantFactory(ParticipantFactory):
    """A professional with an Arki account, at their position's service when they have one (as
    ``networks.services.add_participant`` adds them)."""

    kind = factory.SubFactory(
        ParticipantKindFactory,
        programme=factory.SelfAttribute("..network.programme"),
        professional=True,
    )
    user = factory.SubFactory(UserFactory, roles=[Role.PROFESSIONAL])
    service = factory.LazyAttribute(
        lambda p: next((pos.service for pos in p.user.positions.filter(is_active=True)[:1]), None)
    )
    name = factory.SelfAttribute("user.full_name")
    relation = ""
    email = factory.SelfAttribute("user.email")
    phone = factory.SelfAttribute("user.phone")


class OutsideProfessionalFactory(ParticipantFactory):
    """A professional without an Arki account, at an organisation written in by hand and reached
    by phone (``networks.services.add_outside_professional``)."""

    kind = factory.SubFactory(
        ParticipantKindFactory,
        programme=factory.SelfAttribute("..network.programme"),
        professional=True,
    )
    organisation = "Kaakkurin seurakunta"
    relation = ""
    email = ""
    phone = "0409876543"


class MeetingFactory(DjangoModelFactory[Meeting]):
    """A meeting planned for tomorrow (within the deadline): the network's first, or a follow-up
    when the network has a first one (as ``schedule_meeting`` decides).

    ``past=True``: it has taken place and waits for its record (``save_meeting_record`` marks it
    held); ``held=True``: held, which convenes the network.
    """

    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    network = factory.SubFactory(NetworkFactory)
    kind = factory.LazyAttribute(
        lambda m: (
            MeetingKind.FOLLOW_UP
            if m.network.meetings.exclude(status=MeetingStatus.CANCELLED)
            .filter(kind=MeetingKind.FIRST)
            .exists()
            else MeetingKind.FIRST
        )
    )
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + timedelta(hours=1))
    place = "Kaakkurin koulu"
    organiser = factory.SelfAttribute("network.coordinator")

    class Params:
        past = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1)),
            ends_at=factory.LazyFunction(timezone.now),
        )
        held = factory.Trait(past=True, status=MeetingStatus.HELD)

    @factory.post_generation
    def convenes(self, create, extracted, **kwargs):
        """A held meeting has convened its network (``mark_meeting_held``)."""
        if create and self.status == MeetingStatus.HELD:
            Network.objects.filter(pk=self.network_id, status=NetworkStatus.CONVENING).update(
                status=NetworkStatus.ACTIVE
            )
            self.network.refresh_from_db()
