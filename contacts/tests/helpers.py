"""Builders for contact and network tests."""

from accounts.models import Membership, Role
from accounts.tests.factories import UserFactory
from contacts.models import Consent, ContactedBy, Source
from contacts.services import record_contact
from directory.models import Organisation, Position, Sector, Service


def coordinator_of(area, programme, **fields):
    user = UserFactory(**fields)
    Membership.objects.create(user=user, role=Role.COORDINATOR, area=area, programme=programme)
    return user


def professional(title="Koulukuraattori", service_name="Kaakkurin koulu", **fields):
    user = UserFactory(**fields)
    Membership.objects.create(user=user, role=Role.PROFESSIONAL)
    sector = Sector.objects.get_or_create(code="education", defaults={"name_fi": "Sivistys"})[0]
    organisation = Organisation.objects.get_or_create(
        name="Oulun kaupunki", defaults={"sector": sector}
    )[0]
    service = Service.objects.get_or_create(organisation=organisation, name=service_name)[0]
    Position.objects.create(user=user, service=service, title=title)
    return user


def contact_data(area, programme, **overrides):
    data = {
        "channel": "phone",
        "area": area,
        "programme": programme,
        "contacted_by": ContactedBy.OTHER,
        "contact_person_name": "Opettaja Aino",
        "contact_person_service": "Kaakkurin koulu",
        "concern": "Poissaoloja koulusta, perheen tilanne muuttunut.",
        "consent": Consent.AGREES,
    }
    data.update(overrides)
    return data


def a_contact(area, programme, by, *, concern_categories=(), age_bands=(), **overrides):
    contact, _created = record_contact(
        recorded_by=by,
        source=Source.COORDINATOR,
        data=contact_data(area, programme, **overrides),
        concern_categories=concern_categories,
        age_bands=age_bands,
    )
    return contact
