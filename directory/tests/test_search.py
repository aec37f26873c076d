"""Browsing and searching the service directory."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.tests.factories import (
    AreaFactory,
    OrganisationFactory,
    ProgrammeFactory,
    SectorFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

SEARCH = reverse("directory:search")


def names(response):
    return [service.name for service in response.context["page"].object_list]


def test_text_matches_name_basic_task_description_and_organisation_ignoring_case(signed_in):
    ServiceFactory(name="Koulukuraattori", basic_task="Tukee oppilaita")
    ServiceFactory(name="Neuvola", basic_task="Perheiden TERVEYSNEUVONTA")
    ServiceFactory(name="Nuorisotyö", description="Nuorten vapaa-aika ja terveys")
    ServiceFactory(name="Ohjaamo", organisation=OrganisationFactory(name="Terveystalo"))
    ServiceFactory(name="Kirjasto", basic_task="Lainaa kirjoja")

    response = signed_in.get(SEARCH, {"q": "terveys"})

    assert response.status_code == 200
    assert sorted(names(response)) == ["Neuvola", "Nuorisotyö", "Ohjaamo"]


def test_filters_by_area_sector_and_programme_codes(signed_in):
    kaakkuri, tuira = AreaFactory(code="kaakkuri"), AreaFactory(code="tuira")
    education, ngo = SectorFactory(code="education"), SectorFactory(code="ngo")
    families, working_age = ProgrammeFactory(code="families"), ProgrammeFactory(code="working-age")
    school = OrganisationFactory(sector=education)
    association = OrganisationFactory(sector=ngo)
    ServiceFactory(
        name="Kaakkurin koulu", organisation=school, areas=[kaakkuri], programmes=[families]
    )
    ServiceFactory(name="Tuiran koulu", organisation=school, areas=[tuira], programmes=[families])
    ServiceFactory(
        name="Työpaja", organisation=association, areas=[kaakkuri], programmes=[working_age]
    )
    ServiceFactory(
        name="Perhekahvila",
        organisation=association,
        areas=[kaakkuri, tuira],
        programmes=[families, working_age],
    )

    assert sorted(names(signed_in.get(SEARCH, {"area": "kaakkuri"}))) == [
        "Kaakkurin koulu",
        "Perhekahvila",
        "Työpaja",
    ]
    assert sorted(names(signed_in.get(SEARCH, {"sector": "ngo"}))) == ["Perhekahvila", "Työpaja"]
    assert sorted(names(signed_in.get(SEARCH, {"programme": "working-age"}))) == [
        "Perhekahvila",
        "Työpaja",
    ]
    combined = {"area": "tuira", "sector": "ngo", "programme": "families"}
    assert names(signed_in.get(SEARCH, combined)) == ["Perhekahvila"]


def test_services_no_longer_in_use_are_not_listed(signed_in):
    ServiceFactory(name="Vanha palvelu", is_active=False)
    ServiceFactory(name="Uusi palvelu")
    assert names(signed_in.get(SEARCH)) == ["Uusi palvelu"]


def test_an_unknown_filter_value_is_reported_and_the_other_filters_still_apply(signed_in):
    ServiceFactory(name="Neuvola")
    ServiceFactory(name="Koulu")
    response = signed_in.get(SEARCH, {"q": "neuvo", "area": "no-such-area"})
    assert response.status_code == 200
    assert names(response) == ["Neuvola"]
    assert response.context["form"].errors["area"]


def test_the_page_works_without_javascript_and_enhances_with_htmx(signed_in):
    ServiceFactory(name="Neuvola")
    html = signed_in.get(SEARCH).content.decode()
    assert '<form method="get" action="/directory/"' in html
    assert 'hx-get="/directory/"' in html
    assert 'hx-target="#search-results"' in html
    assert 'hx-trigger="input changed delay:300ms from:#id_q, change, submit"' in html
    assert 'hx-push-url="true"' in html
    assert 'aria-live="polite"' in html
    assert '<label for="id_q">' in html
    assert '<th scope="col">' in html
    assert "hx-swap-oob" not in html


def test_htmx_request_gets_only_the_results_fragment_with_the_count(signed_in, in_english):
    ServiceFactory(name="Neuvola")
    ServiceFactory(name="Koulu")

    response = signed_in.get(SEARCH, {"q": "neuvo"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.templates[0].name == "directory/_results.html"
    assert "<html" not in html
    assert "Neuvola" in html and "Koulu" not in html
    assert '<span id="search-status" hx-swap-oob="innerHTML">' in html
    assert "1 service found" in html
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(signed_in):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    response = signed_in.get(SEARCH, headers=headers)
    assert "<html" in response.content.decode()


def test_results_are_paginated_by_25_keeping_the_filters(signed_in, in_english):
    area = AreaFactory(code="tuira")
    for number in range(30):
        ServiceFactory(name=f"Palvelu {number:02}", areas=[area])

    first = signed_in.get(SEARCH, {"area": "tuira"})
    second = signed_in.get(SEARCH, {"area": "tuira", "page": 2})

    assert len(names(first)) == 25
    assert names(second) == [f"Palvelu {number}" for number in range(25, 30)]
    assert "30 services found" in first.content.decode()
    assert 'href="?area=tuira&amp;page=2"' in first.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_results(signed_in):
    def queries_for_listing():
        with CaptureQueriesContext(connection) as context:
            signed_in.get(SEARCH)
        return len(context.captured_queries)

    area = AreaFactory()
    ServiceFactory(areas=[area])
    few = queries_for_listing()
    for _ in range(10):
        ServiceFactory(areas=[area, AreaFactory()])
    assert queries_for_listing() == few


@pytest.mark.parametrize(
    "url",
    [
        reverse("directory:search"),
        reverse("directory:service_detail", args=[1]),
        reverse("directory:organisation_detail", args=[1]),
        reverse("directory:person_detail", args=[1]),
        reverse("directory:area_list"),
        reverse("directory:actor_map", args=["kaakkuri"]),
        reverse("directory:export_hsds", args=["json"]),
        reverse("directory:import_hsds"),
    ],
)
def test_anonymous_users_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def _reference(text="", area=None, sector=None, programme=None):
    """The search's queryset as the ORM itself runs it: the same definition, given the raw text
    (Django's ``icontains`` escapes it) and evaluated by Django, not by the compiled page."""
    from directory.selectors import _services_matching

    given = {"text": text.strip() or None, "area": area, "sector": sector, "programme": programme}
    return _services_matching(
        **{name: getattr(value, "pk", value) for name, value in given.items() if value is not None}
    )


def test_each_search_page_is_the_page_django_s_paginator_gives_for_any_filters_and_text():
    from django.core.paginator import Paginator

    from directory.selectors import search_page

    kaakkuri, tuira = AreaFactory(code="kaakkuri"), AreaFactory(code="tuira")
    ngo = SectorFactory(code="ngo")
    families = ProgrammeFactory(code="families")
    association = OrganisationFactory(sector=ngo, name="Yhdistys 50% _alennus_")
    for n in range(7):
        ServiceFactory(
            name=f"Perhe{n} {'ÄITI' if n % 2 else 'äiti'}",
            basic_task="Tukea 100% ajasta" if n == 3 else "Tukea",
            description="a\\b" if n == 4 else "",
            organisation=association if n % 3 == 0 else OrganisationFactory(),
            areas=[kaakkuri] if n < 4 else [tuira],
            programmes=[families] if n % 2 else [],
        )
    ServiceFactory(name="Perhe ei käytössä", is_active=False)
    texts = ["", "  perhe ", "äiti", "ÄITI", "%", "_", "50%", "a\\b", "100% a", "ei ole"]
    filters = [{}, {"area": kaakkuri}, {"area": tuira, "programme": families}, {"sector": ngo}]
    for text in texts:
        for chosen in filters:
            for asked in (None, "1", "2", "3", "0", "x"):
                page = search_page(text=text, **chosen, asked=asked, per_page=2)
                expected = Paginator(_reference(text, **chosen), 2).get_page(asked)
                assert (page.number, page.paginator.count, [s.pk for s in page]) == (
                    expected.number,
                    expected.paginator.count,
                    [s.pk for s in expected],
                ), (text, chosen, asked)


def test_a_search_page_is_one_query_and_the_areas_one_more(signed_in):
    kaakkuri = AreaFactory(code="kaakkuri")
    for n in range(30):
        ServiceFactory(name=f"Perhepalvelu {n}", areas=[kaakkuri])
    signed_in.get(SEARCH, {"q": "perhe", "area": "kaakkuri"})  # compiled on the first search
    with CaptureQueriesContext(connection) as captured:
        response = signed_in.get(SEARCH, {"q": "perhe", "area": "kaakkuri", "page": "2"})
    services = [
        q["sql"] for q in captured.captured_queries if 'FROM "directory_service"' in q["sql"]
    ]
    assert len(services) == 1 and "COUNT(" in services[0]  # the page carries its total
    assert response.context["page"].paginator.count == 30
    assert len(names(response)) == 5  # 25 a page
    assert all(s.areas.all()[0] == kaakkuri for s in response.context["page"].object_list)


def test_each_services_areas_are_those_django_s_prefetch_gives_in_their_order():
    from django.db.models import prefetch_related_objects

    from directory.models import Service
    from directory.selectors import search_page

    oulu_b = AreaFactory(code="prefetch-b", name="Bravo", municipality="Oulu")
    oulu_a = AreaFactory(code="prefetch-a", name="Alfa", municipality="Oulu")
    hailuoto = AreaFactory(code="prefetch-h", name="Hailuoto", municipality="Hailuoto")
    ServiceFactory(name="Perhe 1", areas=[oulu_b, hailuoto, oulu_a])
    ServiceFactory(name="Perhe 2", areas=[])
    ServiceFactory(name="Perhe 3", areas=[oulu_a])
    page = search_page(text="perhe", per_page=25)
    expected = list(Service.objects.filter(name__startswith="Perhe").order_by("name"))
    prefetch_related_objects(expected, "areas")
    with CaptureQueriesContext(connection) as captured:
        shown = [(s.name, list(s.areas.all())) for s in page.object_list]
    assert len(captured) == 0  # read with the page
    assert shown == [(s.name, list(s.areas.all())) for s in expected]
    assert shown[0][1] == [hailuoto, oulu_a, oulu_b]
