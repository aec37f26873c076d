"""Factories for the service directory, with Finnish fake data.

Users come from ``accounts.tests.factories.UserFactory``; programmes from
``programmes.tests.factories.ProgrammeFactory`` (re-exported here for the directory tests).
"""

import factory
from factory.django import DjangoModelFactory

from accounts.tests.factories import UserFactory
from directory.models import Area, ContactPoint, Location, Organisation, Position, Sector, Service
from programmes.tests.factories import ProgrammeFactory

LOCALE = "fi_FI"


class SectorFactory(DjangoModelFactory[Sector]):
    class Meta:
        model = Sector
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"sector-{n}")
    name_fi = factory.Sequence(lambda n: f"Sektori {n}")
    order = factory.Sequence(int)


class AreaFactory(DjangoModelFactory[Area]):
    class Meta:
        model = Area
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"area-{n}")
    name = factory.Sequence(lambda n: f"Alue {n}")
    municipality = "Oulu"


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Faker("company", locale=LOCALE)
    sector = factory.SubFactory(SectorFactory)
    email = factory.Faker("company_email", locale=LOCALE)
    phone = factory.Faker("phone_number", locale=LOCALE)


class ServiceFactory(DjangoModelFactory[Service]):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Palvelu {n}")
    basic_task = factory.Faker("sentence", locale=LOCALE)

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if extracted:
            self.areas.set(extracted)

    @factory.post_generation
    def programmes(self, create, extracted, **kwargs):
        if extracted:
            self.programmes.set(extracted)


class LocationFactory(DjangoModelFactory[Location]):
    class Meta:
        model = Location
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Toimipiste {n}")
    address = factory.Faker("street_address", locale=LOCALE)
    postal_code = factory.Faker("postcode", locale=LOCALE)
    city = "Oulu"

    @factory.post_generation
    def services(self, create, extracted, **kwargs):
        if extracted:
            self.services.set(extracted)


class ContactPointFactory(DjangoModelFactory[ContactPoint]):
    class Meta:
        model = ContactPoint

    area = factory.SubFactory(AreaFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.LazyAttribute(lambda point: f"Perhesosiaalityön neuvonta, {point.area.name}")
    phone = factory.Faker("phone_number", locale=LOCALE)


class PositionFactory(DjangoModelFactory[Position]):
    class Meta:
        model = Position

    user = factory.SubFactory(UserFactory, phone=factory.Faker("phone_number", locale=LOCALE))
    service = factory.SubFactory(ServiceFactory)
    title = "Koulukuraattori"
