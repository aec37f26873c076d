"""Journey (issue #18): an administrator sets the region up until the readiness page turns green.

Home page → the readiness page (numbers, coordinators and leadership still to do) → import staff
from a file → a leadership team per programme with the sectors it needs → import the directory
from PTV (a fake PTV serving the recorded answers of ``directory/fixtures/ptv``) → the numbers
PTV did not give, in the admin site → the readiness page shows those rows ready. Email, backups
and the scheduled tasks are the server's business and stay "to do" in a test.
"""

import re
import threading
from collections.abc import Iterator

import pytest

from accounts.models import Membership, StaffImport, User
from accounts.tests.factories import user_with_role
from audit.roles import Role
from directory.models import ContactPoint, Organisation, Sector, Service
from directory.tests.factories import OrganisationFactory
from directory.tests.test_ptv import INITIAL, MAPPING, ORG, FakePtv, Handler
from leadership.models import LeadershipTeam
from tests.browser.test_one_contact_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

READY, TODO = "Valmis", "Tehtävä"
CITY = "Oulun kaupunki"
SCHOOLS = "Oulun kaupunki, sivistyspalvelut"
EMPLOYMENT = "Oulun työllisyyspalvelut"
PARISH = "Oulun seurakuntayhtymä"
HEADER = "name;email;organisation;service;position;role;area;programme"
STAFF = [
    f"Kaisa Koordinaattori;kaisa@example.fi;{CITY};;;coordinator;kaakkuri;children-families",
    f"Teemu Tuiranen;teemu@example.fi;{CITY};;;coordinator;tuira;children-families",
    f"Aino Aikuissosiaali;aino@example.fi;{CITY};;;coordinator;kaakkuri;working-age",
    f"Ville Vastaava;ville@example.fi;{CITY};;;coordinator;tuira;working-age",
    f"Rehtori Riikka;riikka@example.fi;{SCHOOLS};;;leadership_member;;",
    f"Päällikkö Pekka;pekka@example.fi;{CITY};;;leadership_member;;",
    f"Diakoni Dora;dora@example.fi;{PARISH};;;leadership_member;;",
    f"Työllisyysjohtaja Jari;jari@example.fi;{EMPLOYMENT};;;leadership_member;;",
]
# A programme's team and who sits at the table for each required sector.
TEAMS = {
    "children-families": (
        "Oulun lasten ja perheiden johtotiimi",
        {
            "education-culture": "Rehtori Riikka",
            "social-health": "Päällikkö Pekka",
            "ngos-parish-kela": "Diakoni Dora",
        },
    ),
    "working-age": (
        "Oulun työikäisten johtotiimi",
        {
            "social-health": "Päällikkö Pekka",
            "employment": "Työllisyysjohtaja Jari",
            "ngos-parish-kela": "Diakoni Dora",
        },
    ),
}
# The numbers the region's PTV organisation does not publish, typed in the admin site.
NUMBERS = [
    ("tuira", "children-families", "Tuiran perheiden numero", "+358 8 5584 7000"),
    ("kaakkuri", "working-age", "Kaakkurin työikäisten numero", "+358 8 5584 7100"),
    ("tuira", "working-age", "Tuiran työikäisten numero", "+358 8 5584 7200"),
]


@pytest.fixture
def fake_ptv(settings) -> Iterator[FakePtv]:
    server = FakePtv(("127.0.0.1", 0), Handler)
    server.directory, server.broken, server.requests = INITIAL, {}, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ARKI_PTV_URL = f"http://127.0.0.1:{server.server_address[1]}/api/v11"
    settings.ARKI_PTV_TIMEOUT = 5
    settings.ARKI_PTV_MAPPING = str(MAPPING)
    yield server
    server.shutdown()
    server.server_close()


def state(page, key: str) -> str:
    return page.locator(f"#check-{key} td").first.inner_text().strip()


def open_readiness(page, accessible) -> None:
    page.goto("/")
    page.locator("main a[href='/setup/readiness/']").click()
    page.wait_for_url(re.compile(r"/setup/readiness/$"))
    accessible(page)


def create_team(page, accessible, programme, name, members) -> LeadershipTeam:
    page.locator("[name=name]").fill(name)
    page.locator("[name=area]").select_option("")  # the whole region
    page.locator("[name=programme]").select_option(str(programme.pk))
    page.locator("[name=common_goal]").fill("Toimiva arki yhdellä yhteydenotolla")
    page.locator("[name=week_of_month]").select_option("1")
    page.locator("[name=weekday]").select_option("2")
    page.locator("[name=meeting_time]").fill("13:00")
    page.locator("[name=place]").fill("Oulun kaupungintalo")
    page.locator("main form button.button[type=submit]").click()
    # An administrator does not sit on the team: they land on its keeping page.
    page.wait_for_url(re.compile(r"/leadership/teams/\d+/edit/$"))
    team = LeadershipTeam.objects.get(name=name)
    accessible(page)
    for code, person in members.items():
        sector = Sector.objects.get(code=code)
        # The keeping page names each missing sector with a link that adds a member for it.
        page.locator(f"main a.add-member-for-sector[href$='?sector={sector.pk}']").click()
        page.wait_for_url(re.compile(r"/members/new/\?sector=\d+$"))
        assert str(sector.name) in page.locator("main").inner_text()  # named as missing
        page.locator("[name=user]").select_option(str(User.objects.get(full_name=person).pk))
        page.locator("[name=sector]").select_option(str(sector.pk))
        page.locator("main form button.button[type=submit]").click()
        page.wait_for_url(re.compile(rf"/leadership/teams/{team.pk}/edit/$"))
        page.locator("main table tr[id^=member-] td").get_by_text(person, exact=True).wait_for()
    accessible(page)
    return team


def test_administrator_sets_up_the_region_until_it_is_ready(
    page, accessible, configuration, kaakkuri, tuira, fake_ptv, tmp_path
):
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    for name, code in [
        (CITY, "social-health"),
        (SCHOOLS, "education-culture"),
        (EMPLOYMENT, "employment"),
        (PARISH, "ngos-parish-kela"),
    ]:
        OrganisationFactory(name=name, sector=sectors[code])
    administrator = user_with_role(
        Role.ADMINISTRATOR, email="yllapito@example.fi", full_name="Ylläpitäjä Ylva"
    )
    sign_in(page, administrator)

    # The readiness page, from its card on the home page: the region is not set up yet.
    open_readiness(page, accessible)
    for key in ("numbers", "coordinators", "leadership"):
        assert state(page, key) == TODO, key
    assert state(page, "surveys") == READY  # load_configuration brings the surveys

    # Staff from a file, through the coordinators' fix link: a preview, then apply.
    page.locator("#check-coordinators a[href='/accounts/staff-import/']").click()
    page.wait_for_url(re.compile(r"/accounts/staff-import/$"))
    accessible(page)
    path = tmp_path / "henkilosto.csv"
    path.write_text("\n".join([HEADER, *STAFF]) + "\n", encoding="utf-8")
    page.locator("#staff-import-upload input[type=file]").set_input_files(path)
    page.locator("#staff-import-upload button[type=submit]").click()
    page.locator("#staff-import-preview").wait_for()
    accessible(page)
    page.locator("#staff-import-apply button[type=submit]").click()
    page.locator("#staff-import-result").wait_for()
    accessible(page)
    assert page.locator("#count-created").inner_text() == str(len(STAFF))
    assert StaffImport.objects.get().by == administrator
    assert Membership.objects.filter(role=Role.COORDINATOR).count() == 4

    open_readiness(page, accessible)
    assert state(page, "coordinators") == READY
    assert state(page, "leadership") == TODO

    # A leadership team per programme, through the leadership row's fix link.
    for code, (name, members) in TEAMS.items():
        page.goto("/setup/readiness/")
        page.locator("#check-leadership a[href='/leadership/teams/new/']").click()
        page.wait_for_url(re.compile(r"/leadership/teams/new/$"))
        accessible(page)
        create_team(page, accessible, configuration[code], name, members)
    assert LeadershipTeam.objects.count() == 2

    open_readiness(page, accessible)
    assert state(page, "leadership") == READY
    assert state(page, "numbers") == TODO

    # The directory from PTV, from its card on the home page: a preview, then apply.
    page.goto("/")
    page.locator("main a[href='/directory/import/ptv/']").click()
    page.wait_for_url(re.compile(r"/directory/import/ptv/$"))
    accessible(page)
    page.locator("#ptv-import-read [name=organisation]").fill(ORG)
    page.locator("#ptv-import-read button[type=submit]").click()
    page.locator("#ptv-import-preview").wait_for()
    accessible(page)
    assert page.locator("#count-created").inner_text() == "7"
    assert not Service.objects.filter(ptv_id__isnull=False).exists()
    page.locator("#ptv-import-apply button[type=submit]").click()
    page.locator("#ptv-import-result").wait_for()
    accessible(page)
    organisation = Organisation.objects.get(ptv_id=ORG)
    assert organisation.name == "Oulun kaupunki, perhe- ja sosiaalipalvelut"
    assert organisation.services.filter(is_active=True).count() == 4
    assert fake_ptv.requests

    # The imported services are found in the directory search.
    page.locator("main a[href='/directory/']").first.click()
    page.wait_for_url(re.compile(r"/directory/$"))
    assert page.locator("main a[href='/directory/import/ptv/']").count() == 1  # keepers' link
    page.locator("#id_q").fill("Perheneuvola")
    page.locator("#id_q").press("Enter")
    page.locator("#search-results").get_by_text("Perheneuvola").first.wait_for()
    accessible(page)

    # PTV gave Kaakkuri's families' number with its hours; the rest are typed in the admin site.
    point = ContactPoint.objects.get()
    assert (point.area, point.programme.code) == (kaakkuri, "children-families")
    assert point.phone and point.opening_hours
    open_readiness(page, accessible)
    assert state(page, "numbers") == TODO
    missing = page.locator("#check-numbers li").all_inner_texts()
    assert len(missing) == len(NUMBERS), missing
    for area, programme, name, phone in NUMBERS:
        page.goto("/setup/readiness/")
        page.locator("#check-numbers a[href='/admin/directory/contactpoint/']").click()
        page.wait_for_url(re.compile(r"/admin/directory/contactpoint/$"))
        page.locator(".object-tools a.addlink").click()
        page.wait_for_url(re.compile(r"/admin/directory/contactpoint/add/$"))
        area_name = {"kaakkuri": kaakkuri, "tuira": tuira}[area].name
        page.locator("#id_area + .select2").click()
        page.locator(".select2-search__field").fill(area_name)
        page.locator(".select2-results__option", has_text=area_name).click()
        page.locator("#id_programme").select_option(str(configuration[programme].pk))
        page.locator("#id_name").fill(name)
        page.locator("#id_phone").fill(phone)
        page.locator("#id_opening_hours").fill("maanantai–perjantai 09:00–15:00")
        page.locator("input[name=_save]").click()
        page.wait_for_url(re.compile(r"/admin/directory/contactpoint/$"))
    assert ContactPoint.objects.count() == 4

    # Green where it should be.
    open_readiness(page, accessible)
    for key in ("numbers", "coordinators", "leadership", "surveys"):
        assert state(page, key) == READY, (key, page.locator(f"#check-{key}").inner_text())
