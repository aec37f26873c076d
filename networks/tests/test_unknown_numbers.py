"""Forms and pages do not reveal which network, meeting or contact numbers exist.

Numbers run in sequence. Before, an unknown number answered 404 and someone else's 403, and the
emergency-access form refused a banned person with words that named the ban: anyone could list
which numbers existed and whom a family had banned. Now an unknown number gets the answer a
forbidden one gets.
"""

import re

import pytest
from django.urls import reverse

from accounts.tests.factories import user_with_role
from audit.roles import Role
from contacts.tests.helpers import a_contact, coordinator_of, professional
from meetings.tests.helpers import network_with_meeting, participants
from networks import consent

pytestmark = pytest.mark.django_db

REASON = "Lapsen turvallisuus on vaarassa juuri nyt."
UNKNOWN = 987654


@pytest.fixture
def world(kaakkuri, tuira, children):
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    contact = a_contact(kaakkuri, children, coordinator)
    outsider = coordinator_of(tuira, children, email="tuira@example.fi")
    return network, meeting, contact, outsider


def without_numbers(html: str) -> str:
    """The page with every number, token and request id blanked, to compare two answers."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return re.sub(r"\d+", "#", html)


@pytest.mark.parametrize(
    "route",
    [
        "networks:detail",
        "networks:consents",
        "networks:add_participant",
        "networks:schedule_meeting",
        "meetings:record",
        "meetings:memo_pdf",
        "privacy:subject_export",
        "audit:client_report",
        "contacts:detail",
        "contacts:edit",
        "contacts:convene",
    ],
)
def test_an_unknown_number_is_answered_as_a_forbidden_one(client, world, route):
    network, meeting, contact, outsider = world
    known = {"networks": network.pk, "meetings": meeting.pk, "contacts": contact.pk}
    number = known.get(route.split(":")[0], network.pk)
    viewer = (
        user_with_role(Role.DATA_PROTECTION_OFFICER, email="dpo@example.fi")
        if route == "audit:client_report"
        else outsider
    )
    client.force_login(viewer)
    if route == "audit:client_report":
        # The officer may see every network: the unknown number answers as a known one's
        # refusal would, that is 403, never 404.
        assert client.get(reverse(route, args=[UNKNOWN])).status_code == 403
        return
    forbidden = client.get(reverse(route, args=[number]))
    unknown = client.get(reverse(route, args=[UNKNOWN]))
    assert forbidden.status_code == unknown.status_code == 403
    assert without_numbers(forbidden.text) == without_numbers(unknown.text)


def test_emergency_access_answers_an_unknown_number_as_a_ban(client, world):
    network, _meeting, _contact, _outsider = world
    teacher = participants(network)["Olli Opettaja"]
    coordinator = network.coordinator
    consent.ban_disclosure(
        network=network,
        by=coordinator,
        requested_by="Maija Virtanen, äiti",
        participant=teacher,
    )
    client.force_login(teacher.user)
    pages = {}
    for number in (network.pk, UNKNOWN):
        url = reverse("networks:break_glass", args=[number])
        assert client.get(url).status_code == 200
        response = client.post(url, {"reason": REASON})
        assert response.status_code == 200
        pages[number] = without_numbers(response.text)
    assert pages[network.pk] == pages[UNKNOWN]
    assert "kielto" not in pages[UNKNOWN].lower()
    assert not network.break_glass.exists()


def test_emergency_access_to_an_existing_network_still_opens_it(client, world):
    network, _meeting, _contact, _outsider = world
    nurse = professional(email="terveydenhoitaja@example.fi", service_name="Neuvola")
    client.force_login(nurse)
    response = client.post(reverse("networks:break_glass", args=[network.pk]), {"reason": REASON})
    assert response.status_code == 302
    assert consent.has_break_glass(nurse, network)


def test_an_unknown_person_in_the_directory_is_answered_as_an_unlisted_one(client, world):
    _network, _meeting, _contact, outsider = world
    client.force_login(outsider)
    unlisted = client.get(reverse("directory:person_detail", args=[outsider.pk]))
    unknown = client.get(reverse("directory:person_detail", args=[UNKNOWN]))
    assert unlisted.status_code == unknown.status_code == 403
    assert without_numbers(unlisted.text) == without_numbers(unknown.text)
