"""Service, organisation, person and actor map pages."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from audit.models import AccessLog
from directory.tests.factories import (
    AreaFactory,
    LocationFactory,
    OrganisationFactory,
    PositionFactory,
    ProgrammeFactory,
    SectorFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db


def test_service_page_shows_the_service_its_places_and_people(signed_in):
    area = AreaFactory(name="Kaakkuri")
    programme = ProgrammeFactory(name_fi="Lapset ja perheet")
    organisation = OrganisationFactory(
        name="Oulun kaupunki", sector=SectorFactory(name_fi="Sivistys")
    )
    service = ServiceFactory(
        name="Kaakkurin koulu",
        organisation=organisation,
        basic_task="Opetus ja kasvatus",
        email="koulu@example.fi",
        areas=[area],
        programmes=[programme],
    )
    LocationFactory(name="Koulun päärakennus", organisation=organisation, services=[service])
    curator = PositionFactory(
        service=service, title="Koulukuraattori", user__full_name="Kaisa Kuraattori"
    )
    PositionFactory(service=service, title="Entinen rehtori", is_active=False)
    PositionFactory(service=service, title="Lähtenyt opettaja", user__is_active=False)

    response = signed_in.get(reverse("directory:service_detail", args=[service.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "<h1>Kaakkurin koulu</h1>",
        "Oulun kaupunki",
        "Sivistys",
        "Opetus ja kasvatus",
        "Kaakkuri",
        "Lapset ja perheet",
        "Koulun päärakennus",
        "mailto:koulu@example.fi",
        "Koulukuraattori",
    ]:
        assert text in html, text
    assert reverse("directory:person_detail", args=[curator.user.pk]) in html
    assert "Entinen rehtori" not in html
    assert "Lähtenyt opettaja" not in html


def test_unknown_service_is_not_found(signed_in):
    assert signed_in.get(reverse("directory:service_detail", args=[999])).status_code == 404


def test_organisation_page_lists_its_services_and_locations(signed_in):
    organisation = OrganisationFactory(name="Nuorten Ystävät ry", description="Järjestö")
    service = ServiceFactory(name="Nuorisotalo", organisation=organisation)
    LocationFactory(name="Talo Tuirassa", organisation=organisation)

    response = signed_in.get(reverse("directory:organisation_detail", args=[organisation.pk]))

    html = response.content.decode()
    assert "<h1>Nuorten Ystävät ry</h1>" in html
    assert reverse("directory:service_detail", args=[service.pk]) in html
    assert "Talo Tuirassa" in html


def test_person_page_shows_work_contact_details_and_writes_the_access_log(signed_in, professional):
    position = PositionFactory(
        title="Terveydenhoitaja",
        user__full_name="Tiina Terveydenhoitaja",
        user__email="tiina@example.fi",
        user__phone="040 123 4567",
        service__name="Neuvola",
    )
    person = position.user

    response = signed_in.get(reverse("directory:person_detail", args=[person.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Tiina Terveydenhoitaja",
        "tiina@example.fi",
        "040 123 4567",
        "Terveydenhoitaja",
        "Neuvola",
    ]:
        assert text in html, text
    row = AccessLog.objects.get()
    assert (row.actor, row.subject_type, row.subject_id) == (
        professional,
        "accounts.user",
        str(person.pk),
    )
    assert (row.action, row.basis, row.success) == ("view", "work-contact", True)
    assert row.view_name == "directory:person_detail"


@pytest.mark.parametrize(
    "make_person",
    [
        lambda: UserFactory(),
        lambda: PositionFactory(is_active=False).user,
        lambda: PositionFactory(user__is_active=False).user,
    ],
    ids=["no-position", "position-not-in-use", "inactive-user"],
)
def test_person_page_refuses_people_not_listed_in_the_directory(
    signed_in, professional, make_person
):
    person = make_person()

    response = signed_in.get(reverse("directory:person_detail", args=[person.pk]))

    assert response.status_code == 403
    row = AccessLog.objects.get()
    assert (row.actor, row.subject_id, row.success, row.basis) == (
        professional,
        str(person.pk),
        False,
        "",
    )


def test_area_list_links_each_actor_map(signed_in):
    area = AreaFactory(code="kaakkuri", name="Kaakkuri")
    ServiceFactory(areas=[area])
    response = signed_in.get(reverse("directory:area_list"))
    assert reverse("directory:actor_map", args=["kaakkuri"]) in response.content.decode()
    assert response.context["areas"][0].service_count == 1


def actor_map_setup():
    area = AreaFactory(code="kaakkuri", name="Kaakkuri")
    education = SectorFactory(code="education", name_fi="Sivistyspalvelut", order=1)
    wellbeing = SectorFactory(code="wellbeing", name_fi="Hyvinvointipalvelut", order=2)
    families = ProgrammeFactory(code="children-families", order=1)
    working_age = ProgrammeFactory(code="working-age", order=2, subject="client")
    ServiceFactory(
        name="Kaakkurin koulu",
        organisation__sector=education,
        areas=[area],
        programmes=[families],
    )
    ServiceFactory(
        name="Neuvola", organisation__sector=wellbeing, areas=[area], programmes=[families]
    )
    ServiceFactory(
        name="Työkykykoordinaattori",
        organisation__sector=wellbeing,
        areas=[area],
        programmes=[working_age],
    )
    ServiceFactory(
        name="Tuiran neuvola",
        organisation__sector=wellbeing,
        areas=[AreaFactory()],
        programmes=[families],
    )
    return area


def test_actor_map_puts_the_family_in_the_centre_and_the_services_by_sector(signed_in, in_english):
    area = actor_map_setup()

    response = signed_in.get(reverse("directory:actor_map", args=[area.code]))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<p class="actor-map__centre">The family</p>' in html
    sectors = {
        group.sector.code: [s.name for s in group.services] for group in response.context["sectors"]
    }
    assert sectors == {"education": ["Kaakkurin koulu"], "wellbeing": ["Neuvola"]}
    assert '<h2 id="sector-education">Sivistyspalvelut</h2>' in html
    assert html.index("Sivistyspalvelut") < html.index("Hyvinvointipalvelut")
    assert '<label for="id_programme">' in html


def test_actor_map_of_the_working_age_programme_puts_the_client_in_the_centre(
    signed_in, in_english
):
    area = actor_map_setup()

    response = signed_in.get(
        reverse("directory:actor_map", args=[area.code]), {"programme": "working-age"}
    )

    html = response.content.decode()
    assert '<p class="actor-map__centre">The client</p>' in html
    sectors = {
        group.sector.code: [s.name for s in group.services] for group in response.context["sectors"]
    }
    assert sectors == {"education": [], "wellbeing": ["Työkykykoordinaattori"]}


def test_actor_map_of_an_unknown_area_is_not_found(signed_in):
    assert signed_in.get(reverse("directory:actor_map", args=["nowhere"])).status_code == 404
