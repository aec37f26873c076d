"""Issue #16, the working-age programme in its own right, in the browser.

A client contacts the number through the public form → the customer coordinator convenes with
the own worker and the work-ability coordinator → the first meeting with the client's goal and
work-ability rating → closing with an outcome → the working-age indicators overview shows the
programme's own indicators and none of the children's.

Fields are found by name where their Finnish labels are still being written (locale/).
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from audit.roles import Role
from contacts.models import Contact, ContactedBy, Source
from directory.models import Organisation, Position, Sector, Service
from meetings.models import MeetingRecord
from networks.models import Meeting, Network, NetworkStatus
from tests.browser.test_one_contact_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLIENT_NAME = "Ville Mäkinen"
# The working-age programme's own indicators (indicators/data/catalogue.toml), and the
# children's that must not be on its overview.
WORKING_AGE_INDICATORS = ("closing-progress", "own-worker-named", "work-ability-rating-start")
CHILDRENS_INDICATORS = (
    "child-protection-clients",
    "student-welfare-groups",
    "lp-method-use",
    "lp-trained-staff",
    "family-feedback-heard",
)
CHILDRENS_NAMES = ("Lastensuojelun asiakkuudet", "Oppilashuollon", "Lapset puheeksi")


def staff(email, full_name, title, service, **membership):
    user = UserFactory(email=email, full_name=full_name)
    Membership.objects.create(user=user, **membership)
    Position.objects.create(user=user, service=service, title=title)
    return user


@pytest.fixture
def people(kaakkuri, working_age):
    sector = Sector.objects.get(code="social-health")
    organisation = Organisation.objects.create(name="Oulun kaupunki", sector=sector)
    service = Service.objects.create(organisation=organisation, name="Oulun työllisyyspalvelut")
    service.areas.set([kaakkuri])
    return {
        "coordinator": staff(
            "aila.asiakaskoordinaattori@example.fi",
            "Aila Asiakaskoordinaattori",
            "Asiakaskoordinaattori",
            service,
            role=Role.COORDINATOR,
            area=kaakkuri,
            programme=working_age,
        ),
        "own_worker": staff(
            "outi.ohjaaja@example.fi",
            "Outi Ohjaaja",
            "Sosiaaliohjaaja",
            service,
            role=Role.PROFESSIONAL,
            area=kaakkuri,
            programme=working_age,
        ),
        "work_ability_coordinator": staff(
            "tero.tyokyky@example.fi",
            "Tero Työkyky",
            "Työkykykoordinaattori",
            service,
            role=Role.PROFESSIONAL,
            area=kaakkuri,
            programme=working_age,
        ),
    }


def option_containing(select, text):
    """The value of the select's first option whose label contains the text."""
    for option in select.locator("option").all():
        if text in option.inner_text():
            return option.get_attribute("value")
    raise AssertionError(f"no option with {text!r}: {select.inner_text()!r}")


def test_a_client_contacts_the_number_and_the_working_age_network_works_to_closing(
    page, browser, live_server, accessible, kaakkuri, children, working_age, people, settings
):
    settings.ARKI_PUBLIC_CONTACT_MIN_SECONDS = 0  # a test fills the form faster than a person
    coordinator = people["coordinator"]

    # 1. The client sends the public form about themself (no one is signed in).
    page.goto("/contacts/public/?area=kaakkuri")
    accessible(page)
    page.locator(f"input[name=programme][value='{working_age.pk}']").check()
    page.locator("input[name=contacted_by][value=client]").check()
    page.locator("textarea[name=concern]").fill(
        "Työkyky on heikentynyt, toivon tukea työllistymiseen."
    )
    page.locator("input[name=name]").fill(CLIENT_NAME)
    page.locator("input[name=phone]").fill("040 123 4567")
    page.locator("input[name=consent_to_contact]").check()
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(re.compile(r"/contacts/public/sent/$"))
    accessible(page)
    contact = Contact.objects.get()
    assert (contact.source, contact.contacted_by, contact.programme) == (
        Source.PUBLIC,
        ContactedBy.CLIENT,
        working_age,
    )

    # 2. The customer coordinator finds it in the queue and calls the client back.
    sign_in(page, coordinator)
    page.goto("/contacts/queue/")
    accessible(page)
    page.get_by_role("link", name=re.compile(rf"\b{contact.pk}\b")).first.click()
    page.wait_for_url(re.compile(rf"/contacts/{contact.pk}/$"))
    accessible(page)
    # The client agreed on the phone: the contact is edited before convening.
    page.goto(f"/contacts/{contact.pk}/edit/")
    accessible(page)
    page.locator("input[name$=consent][value=agrees]").check()
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(rf"/contacts/{contact.pk}/$"))
    contact.refresh_from_db()
    assert contact.consent == "agrees"

    # 3. Convened, naming the own worker.
    page.goto(f"/contacts/{contact.pk}/convene/")
    accessible(page)
    page.locator("input[name$=subject_name]").fill(CLIENT_NAME)
    own_worker = page.locator("select[name$=own_worker]")
    own_worker.select_option(value=option_containing(own_worker, "Outi Ohjaaja"))
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/networks/\d+/$"))
    accessible(page)
    network = Network.objects.get()
    assert network.participants.get(is_own_worker=True).user == people["own_worker"]
    assert network.participants.filter(kind__is_subject=True, name=CLIENT_NAME).exists()

    # 4. The work-ability coordinator joins in their role.
    page.goto(f"/networks/{network.pk}/participants/")
    accessible(page)
    section = page.locator("section[aria-labelledby=add-professional]")
    user = section.locator("select[name=pro-user]")
    user.select_option(value=option_containing(user, "Tero Työkyky"))
    role = section.locator("select[name=pro-role]")
    role.select_option(value=option_containing(role, "Työkykykoordinaattori"))
    section.locator("button[type=submit]").click()
    page.get_by_role("cell", name="Tero Työkyky", exact=True).wait_for()
    accessible(page)
    added = network.participants.get(user=people["work_ability_coordinator"])
    assert added.role.code == "work-ability-coordinator"

    # 5. The first meeting is scheduled, then it has taken place.
    page.goto(f"/networks/{network.pk}/meetings/new/")
    accessible(page)
    starts = timezone.localtime() + timedelta(days=2)
    page.locator("input[name$=starts_at]").fill(starts.strftime("%Y-%m-%dT10:00"))
    page.locator("input[name$=ends_at]").fill(starts.strftime("%Y-%m-%dT11:00"))
    page.locator("input[name$=place]").fill("Työllisyyspalvelut, neuvotteluhuone")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(rf"/networks/{network.pk}/$"))
    meeting = Meeting.objects.get(network=network)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )

    # 6. The record: the client's own view, goal and work-ability rating, a promise each.
    page.goto(f"/meetings/{meeting.pk}/record/")
    accessible(page)
    page.locator("textarea[name=family_view]").fill("Haluan takaisin työelämään.")
    page.locator("select[name=self_rating]").select_option("4")
    page.locator("select[name=newgoal-0-owner]").select_option("client")
    page.locator("input[name=newgoal-0-text]").fill("Työkokeilu kolmena päivänä viikossa")
    page.locator("select[name=newgoal-0-rating]").select_option("3")
    due = (timezone.localdate() + timedelta(days=14)).isoformat()
    for n, (who, act) in enumerate(
        [
            (CLIENT_NAME, "Käyn työkykyarviossa"),
            ("Outi Ohjaaja", "Varaan ajan työkykyarvioon"),
            ("Tero Työkyky", "Selvitän kuntoutuksen vaihtoehdot"),
        ]
    ):
        select = page.locator(f"select[name=promise-{n}-participant]")
        select.select_option(value=option_containing(select, who))
        page.locator(f"input[name=promise-{n}-act]").fill(act)
        page.locator(f"input[name=promise-{n}-due]").fill(due)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(rf"/networks/{network.pk}/$"))
    accessible(page)
    record = MeetingRecord.objects.get(meeting=meeting)
    assert record.self_rating == 4
    assert network.goals.get().owner == "client"
    assert network.promises.count() == 3

    # 7. Closing: the promises are resolved together, then the outcome and the own rating.
    page.goto(f"/meetings/networks/{network.pk}/close/")
    accessible(page)
    if page.locator("textarea[name=note]").count():
        page.locator("textarea[name=note]").fill("Käytiin läpi yhdessä asiakkaan kanssa.")
        page.locator("textarea[name=note]").locator("xpath=ancestor::form").locator(
            "button[type=submit]"
        ).click()
        page.wait_for_load_state()
    page.goto(f"/meetings/networks/{network.pk}/close/")
    page.locator("input[name=reason][value=goal_reached]").check()
    page.locator("textarea[name=summary]").fill("Työkokeilu alkoi, tuki jatkuu.")
    outcome = working_age.closing_outcomes.get(code="work")
    page.locator(f"input[name=outcome][value='{outcome.pk}']").check()
    page.locator("select[name=self_rating]").select_option("7")
    page.locator("textarea[name=summary]").locator("xpath=ancestor::form").locator(
        "button[type=submit]"
    ).click()
    page.wait_for_url(re.compile(rf"/networks/{network.pk}/$"))
    accessible(page)
    network.refresh_from_db()
    assert network.status == NetworkStatus.CLOSED
    assert (network.closing_outcome, network.self_rating_at_close) == (outcome, 7)

    # 8. The working-age indicators overview: its own indicators, none of the children's.
    page.goto(f"/indicators/?programme={working_age.pk}")
    accessible(page)
    main = page.locator("main")
    links = [a.get_attribute("href") or "" for a in main.locator("a").all()]
    shown = {
        code
        for code in WORKING_AGE_INDICATORS + CHILDRENS_INDICATORS
        for href in links
        if f"/indicators/{code}/" in href
    }
    missing = [code for code in WORKING_AGE_INDICATORS if code not in shown]
    assert not missing, f"the working-age overview lacks its own indicators: {missing}"
    childrens = [code for code in CHILDRENS_INDICATORS if code in shown]
    assert not childrens, f"the working-age overview shows children's indicators: {childrens}"
    text = main.inner_text()
    named = [name for name in CHILDRENS_NAMES if name in text]
    assert not named, f"the working-age overview names children's indicators: {named}"
