"""Journey: an administrator imports staff from a CSV file.

The upload shows a preview (who is created, who is missing) and nothing is saved until the
administrator applies it; applying with "deactivate those missing" ticked deactivates the
leaver. Elements are found by id and structure, so the journey holds whatever the UI language.
"""

import pytest

from accounts.models import Membership, StaffImport, User
from accounts.tests.factories import UserFactory, user_with_role
from audit.roles import Role
from directory.tests.factories import OrganisationFactory, ServiceFactory
from tests.browser.test_one_contact_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "name;email;organisation;service;position;role;area;programme"
LINES = [
    "Maija Meikäläinen;maija@example.fi;Oulun kaupunki;Kaakkurin koulu;Koulukuraattori;"
    "coordinator;kaakkuri;children-families",
    "Pekka Virtanen;pekka@example.fi;Oulun kaupunki;;;professional;;",
]


def test_administrator_previews_and_applies_a_staff_file(
    page, accessible, configuration, kaakkuri, tmp_path
):
    organisation = OrganisationFactory(name="Oulun kaupunki")
    ServiceFactory(organisation=organisation, name="Kaakkurin koulu")
    leaver = UserFactory(email="lahtija@example.fi", full_name="Liisa Lähtijä")
    Membership.objects.create(user=leaver, role=Role.PROFESSIONAL, organisation=organisation)
    administrator = user_with_role(Role.ADMINISTRATOR, email="yllapito@example.fi")
    path = tmp_path / "henkilosto.csv"
    path.write_text("\n".join([HEADER, *LINES]) + "\n", encoding="utf-8")

    sign_in(page, administrator)
    page.goto("/accounts/staff-import/")
    page.get_by_role("heading", level=1).wait_for()
    accessible(page)

    page.locator("#staff-import-upload input[type=file]").set_input_files(path)
    page.locator("#staff-import-upload button[type=submit]").click()
    page.locator("#staff-import-preview").wait_for()
    accessible(page)
    emails = page.locator("#staff-import-rows tbody tr").evaluate_all(
        "rows => rows.map(row => row.dataset.email)"
    )
    assert emails == ["maija@example.fi", "pekka@example.fi"]
    assert page.locator("#staff-import-missing li").evaluate_all(
        "items => items.map(item => item.dataset.email)"
    ) == ["lahtija@example.fi"]
    assert not User.objects.filter(email="maija@example.fi").exists()

    page.locator("#id_deactivate_missing").check()
    page.locator("#staff-import-apply button[type=submit]").click()
    page.locator("#staff-import-result").wait_for()
    accessible(page)
    assert page.locator("#count-created").inner_text() == "2"
    assert page.locator("#count-deactivated").inner_text() == "1"
    assert User.objects.get(email="maija@example.fi").memberships.get().role == Role.COORDINATOR
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert StaffImport.objects.get().by == administrator
