"""Factories for contacts: an anonymous contact as a coordinator records it (no family identity)."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.tests.factories import UserFactory
from contacts.models import Channel, Consent, Contact, ContactedBy, Outcome, Source
from directory.tests.factories import AreaFactory
from programmes.tests.factories import ProgrammeFactory


class ContactFactory(DjangoModelFactory[Contact]):
    """A pending contact recorded by a coordinator, with consent (``validate_contact`` holds):
    someone other than a directory professional called, so no ``contact_person`` is needed."""

    class Meta:
        model = Contact

    received_at = factory.LazyFunction(timezone.now)
    source = Source.COORDINATOR
    channel = Channel.PHONE
    area = factory.SubFactory(AreaFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    contacted_by = ContactedBy.OTHER
    contact_person_name = "Opettaja Aino"
    contact_person_service = "Kaakkurin koulu"
    concern = "Poissaoloja koulusta, perheen tilanne muuttunut."
    consent = Consent.AGREES
    recorded_by = factory.SubFactory(UserFactory)

    class Params:
        # The contact that opened ``network`` (what ``contacts.services.convene`` leaves behind).
        convened = factory.Trait(
            outcome=Outcome.CONVENE, closed_at=factory.SelfAttribute("received_at"), version=2
        )
