"""Journey: a meeting is saved → feedback links are sent → two family members and three
professionals answer → the results show rates and averages only for groups of five or more."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from accounts.tests.factories import user_with_role
from audit.roles import Role
from contacts.tests.helpers import professional
from feedback import services
from indicators.periods import Cadence, period_containing
from meetings.services import RecordInput, save_meeting_record
from meetings.tests.helpers import network_with_meeting
from networks import services as network_services
from tests.browser.test_one_contact_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_feedback_from_family_and_professionals(
    page, browser, live_server, accessible, kaakkuri, children, settings
):
    settings.ARKI_BASE_URL = live_server.url
    # Two professionals answered after an earlier network this quarter.
    earlier, earlier_meeting, earlier_coordinator = network_with_meeting(kaakkuri, children)
    network_services.add_participant(
        network=earlier,
        by=earlier_coordinator,
        kind=network_services.professional_kind(earlier),
        user=professional(email="aiempi@example.fi", full_name="Aiempi Ammattilainen"),
    )
    save_meeting_record(
        meeting=earlier_meeting,
        by=earlier_coordinator,
        expected_version=0,
        data=RecordInput(common_goal="Arki"),
    )
    for invitation in earlier_meeting_invitations(earlier, "professional"):
        services.submit(
            token=services.token_for(invitation),
            answers={"knew_next": "4", "in_time": "5", "together": "8"},
        )

    network, meeting, coordinator = second_network(kaakkuri, children)
    mail.outbox.clear()
    save_meeting_record(
        meeting=meeting, by=coordinator, expected_version=0, data=RecordInput(common_goal="Arki")
    )
    links = {
        message.to[0]: re.search(r"https?://\S+/feedback/\S+/", message.body).group(0)
        for message in mail.outbox
    }
    assert len(links) == 5

    answers = [
        ("maija@example.fi", {"Tulin kuulluksi tapaamisessa.": "5"}),
        ("isa@example.fi", {"Tulin kuulluksi tapaamisessa.": "4"}),
    ]
    answers += [
        (email, {"Tiesin, mitä seuraavaksi tapahtuu ja kenen toimesta.": "3"})
        for email in ("opettaja2@example.fi", "pro-a@example.fi", "pro-b@example.fi")
    ]
    for email, choices in answers:
        context = browser.new_context(base_url=live_server.url, locale="fi-FI")
        answer_page = context.new_page()
        answer_page.goto(links[email])
        accessible(answer_page)
        for question, value in choices.items():
            answer_page.get_by_role("group", name=question).get_by_label(value, exact=True).check()
        answer_page.get_by_role("button", name="Lähetä palautteeni").click()
        answer_page.get_by_role("heading", name="Kiitos palautteestasi").wait_for()
        accessible(answer_page)
        if email == "maija@example.fi":
            answer_page.goto(links[email])
            answer_page.get_by_text("Tämä linkki on jo käytetty").wait_for()
            accessible(answer_page)
        context.close()

    leader = user_with_role(Role.LEADERSHIP_MEMBER)
    sign_in(page, leader)
    period = period_containing(timezone.localdate(), Cadence.QUARTERLY)
    page.goto(f"/feedback/results/?programme={network.programme.pk}&period={period.code}")
    accessible(page)
    # Each group is named by its survey (feedback/data/surveys.toml).
    family = page.get_by_role("region", name=re.compile("Palaute perheeltä"))
    assert "Alle 5 vastausta" in family.inner_text()
    professionals = page.get_by_role("region", name=re.compile("Palaute ammattilaiselta"))
    text = professionals.inner_text()
    assert "5 vastausta 5 kutsuun" in text
    row = professionals.get_by_role("row", name=re.compile("Tiesin, mitä seuraavaksi"))
    assert "3,4" in row.inner_text() or "3.4" in row.inner_text()


def earlier_meeting_invitations(network, audience):
    from feedback.models import FeedbackInvitation

    return [
        i
        for i in FeedbackInvitation.objects.filter(participant__network=network)
        if services.audience_for(i.participant) == audience
    ]


def second_network(area, programme):
    from contacts import services as contact_services
    from contacts.tests.helpers import a_contact
    from meetings.tests.helpers import later_meeting

    coordinator = user_with_role(Role.COORDINATOR, email="koordinaattori2@example.fi")
    contact = a_contact(area, programme, coordinator)
    network = contact_services.convene(
        contact=contact,
        by=coordinator,
        expected_version=1,
        subject_name="Toinen Lapsi",
        subject_birth_date=None,
    )
    kind = network_services.professional_kind(network)
    for email in ("opettaja2@example.fi", "pro-a@example.fi", "pro-b@example.fi"):
        network_services.add_participant(
            network=network,
            by=coordinator,
            kind=kind,
            user=professional(email=email, full_name=email.split("@")[0]),
        )
    parent = network.programme.participant_kinds.get(code="parent")
    network_services.add_participant(
        network=network,
        by=coordinator,
        kind=parent,
        name="Maija",
        relation="äiti",
        email="maija@example.fi",
    )
    network_services.add_participant(
        network=network,
        by=coordinator,
        kind=parent,
        name="Isä",
        relation="isä",
        email="isa@example.fi",
    )
    return network, later_meeting(network, coordinator), coordinator
