"""Factories for the service directory, with Finnish fake data."""

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from accounts.models import Membership
from directory.models import Area, ContactPoint, Location, Organisation, Position, Sector, Service
from programmes.models import Programme

LOCALE = "fi_FI"


class StaffUserFactory(DjangoModelFactory):
    """A user account of a professional; ``roles=[...]`` gives it memberships."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@example.fi")
    full_name = factory.Faker("name", locale=LOCALE)
    phone = factory.Faker("phone_number", locale=LOCALE)
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            Membership.objects.create(user=self, role=role)


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"programme-{n}")
    name_fi = factory.Sequence(lambda n: f"Ohjelma {n}")
    common_goal_fi = "Lapsen toimiva arki"
    order = factory.Sequence(int)


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"sector-{n}")
    name_fi = factory.Sequence(lambda n: f"Sektori {n}")
    order = factory.Sequence(int)


class AreaFactory(DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"area-{n}")
    name = factory.Sequence(lambda n: f"Alue {n}")
    municipality = "Oulu"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Faker("company", locale=LOCALE)
    sector = factory.SubFactory(SectorFactory)
    email = factory.Faker("company_email", locale=LOCALE)
    phone = factory.Faker("phone_number", locale=LOCALE)


class ServiceFactory(DjangoModelFactory):
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


class LocationFactory(DjangoModelFactory):
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


class ContactPointFactory(DjangoModelFactory):
    class Meta:
        model = ContactPoint

    area = factory.SubFactory(AreaFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.LazyAttribute(lambda point: f"Perhesosiaalityön neuvonta, {point.area.name}")
    phone = factory.Faker("phone_number", locale=LOCALE)


class PositionFactory(DjangoModelFactory):
    class Meta:
        model = Position

    user = factory.SubFactory(StaffUserFactory)
    service = factory.SubFactory(ServiceFactory)
    title = "Koulukuraattori"
