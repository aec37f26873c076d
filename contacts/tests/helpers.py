"""Builders for contact and network tests."""

from accounts.tests.factories import MembershipFactory, UserFactory
from audit.roles import Role
from contacts.models import Consent, ContactedBy, Source
from contacts.services import record_contact
from directory.models import Organisation, Service
from directory.tests.factories import PositionFactory, SectorFactory


def coordinator_of(area, programme, **fields):
    user = UserFactory(**fields)
    MembershipFactory(user=user, role=Role.COORDINATOR, area=area, programme=programme)
    return user


def workplace(service_name="Kaakkurin koulu"):
    """A service of the city's education sector, shared by the professionals who work there."""
    sector = SectorFactory(code="education", name_fi="Sivistys")
    organisation = Organisation.objects.get_or_create(
        name="Oulun kaupunki", defaults={"sector": sector}
    )[0]
    return Service.objects.get_or_create(organisation=organisation, name=service_name)[0]


def professional(title="Koulukuraattori", service_name="Kaakkurin koulu", **fields):
    user = UserFactory(roles=[Role.PROFESSIONAL], **fields)
    PositionFactory(user=user, service=workplace(service_name), title=title)
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
