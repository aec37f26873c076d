"""Journey: the coordinator records and withdraws the family's consent; a coordinator of another
area opens the network with emergency access; the data protection officer finds it in the access
log, reviews it and prints the client's report. Every page passes the accessibility scan."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import user_with_role
from audit.roles import Role
from contacts.tests.helpers import coordinator_of
from meetings.tests.helpers import network_with_meeting, participants
from tests.browser.test_one_contact_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_consent_emergency_access_and_the_officers_review(
    page, accessible, kaakkuri, tuira, children
):
    network, _meeting, coordinator = network_with_meeting(kaakkuri, children)
    teacher = participants(network)["Olli Opettaja"].user
    neighbour = coordinator_of(tuira, children, email="naapuri@example.fi")
    officer = user_with_role(Role.DATA_PROTECTION_OFFICER, email="tietosuoja@example.fi")

    # The coordinator records the family's consent, then its withdrawal.
    sign_in(page, coordinator)
    page.goto(f"/networks/{network.pk}/")
    page.get_by_role("link", name="Suostumus ja luovutuskiellot").click()
    accessible(page)
    page.get_by_label("Antaja (nimi ja suhde)").fill("Maija Virtanen, äiti")
    page.get_by_role("button", name="Kirjaa suostumus").click()
    expect(page.get_by_text("Voimassa", exact=True)).to_be_visible()
    accessible(page)
    page.get_by_role(
        "button", name="Peru: Tietojen jakaminen verkoston osallistujien kesken"
    ).click()
    expect(page.get_by_role("status")).to_be_visible()
    accessible(page)

    # The teacher's access ended at once.
    page.context.clear_cookies()
    sign_in(page, teacher)
    response = page.goto(f"/networks/{network.pk}/")
    assert response is not None and response.status == 403

    # A coordinator of another area opens it with emergency access.
    page.context.clear_cookies()
    sign_in(page, neighbour)
    page.goto(f"/networks/{network.pk}/")
    accessible(page)
    page.get_by_role("link", name="Hätäkäyttö (kirjataan ja tarkastetaan)").click()
    accessible(page)
    page.get_by_label("Miksi tarvitset tämän verkoston tiedot nyt?").fill(
        "Lapsi on päivystyksessä ja tarvitsen verkoston yhteystiedot heti."
    )
    page.get_by_role("button", name="Avaa verkosto hätäkäytöllä").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Eeli Virtanen")
    accessible(page)

    # The officer finds it, reviews it and prints the client's report.
    page.context.clear_cookies()
    sign_in(page, officer)
    page.goto("/audit/")
    page.get_by_label("Verkoston numero").fill(str(network.pk))
    page.get_by_role("button", name="Hae").click()
    expect(page.get_by_role("table")).to_contain_text("naapuri@example.fi")
    accessible(page)
    page.goto("/audit/break-glass/")
    accessible(page)
    page.get_by_label("Tarkastusmerkintä").fill("Perusteltu: lapsi päivystyksessä.")
    page.get_by_role("button", name="Merkitse tarkastetuksi").click()
    expect(page.get_by_text("Perusteltu: lapsi päivystyksessä.")).to_be_visible()
    accessible(page)
    page.goto(f"/audit/networks/{network.pk}/report/")
    expect(page.get_by_role("heading", name="Kuka käsitteli tietojasi")).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text(neighbour.full_name)
    accessible(page)
    page.goto("/audit/verify/")
    accessible(page)


def test_the_administrator_sees_what_retention_would_erase(page, accessible, kaakkuri, children):
    from datetime import timedelta

    from django.utils import timezone

    from networks.models import NetworkStatus

    network, _meeting, _coordinator = network_with_meeting(kaakkuri, children)
    network.status = NetworkStatus.CLOSED
    network.closed_at = timezone.now() - timedelta(days=366 * (children.retention_years + 1))
    network.save(update_fields=["status", "closed_at"])
    administrator = user_with_role(Role.ADMINISTRATOR, email="yllapito@example.fi")

    sign_in(page, administrator)
    page.goto("/privacy/retention/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Säilytysaika")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=children.name))
    expect(row.get_by_role("cell")).to_have_text(
        [str(children.retention_years), "1", str(network.pk)]
    )
    accessible(page)
    # A dry run: the network is still there, with its names.
    network.refresh_from_db()
    assert network.status == NetworkStatus.CLOSED and "Virtanen" in network.subject_name
