"""Issue #15: personal links and memo copies for professionals without an Arki account, and the
family's own view of an overdue promise.

The link's plan lists the held meetings' memos; each downloads the holder's own copy while they
still receive the network's data. What ends must end everywhere at once: a removal, a ban or a
withdrawal ends the memo copies with the plan.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog, DisclosureLog
from core.errors import ValidationError
from family import services
from meetings.models import Promise
from meetings.services import NewPromise, RecordInput, save_meeting_record
from meetings.tests.helpers import later_meeting, network_with_meeting, participants
from networks import consent
from networks import services as network_services
from networks.models import ConsentScope, Meeting, MeetingStatus

pytestmark = pytest.mark.django_db


def record(meeting, coordinator, promises=()):
    save_meeting_record(
        meeting=meeting,
        by=coordinator,
        expected_version=0,
        data=RecordInput(common_goal="Arki sujuu", new_promises=list(promises)),
    )


@pytest.fixture
def world(kaakkuri, children):
    """A held, recorded meeting and a therapist without an account, with a personal link."""
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    therapist = network_services.add_outside_professional(
        network=network,
        by=coordinator,
        name="Terhi Terapeutti",
        organisation="Terapiakeskus Oy",
        email="terapeutti@example.fi",
    )
    record(meeting, coordinator)
    issued = services.create_link(participant=therapist, by=coordinator)
    return network, meeting, coordinator, therapist, issued


def plan_url(issued):
    return reverse("family:plan", args=[issued.token])


def memo_url(issued, meeting):
    return reverse("family:memo", args=[issued.token, meeting.pk])


def opened(issued):
    """A browser that entered the link's code."""
    browser = Client()
    response = browser.post(plan_url(issued), {"code": issued.code}, follow=True)
    assert response.status_code == 200
    return browser


def is_pdf(response):
    return (
        response.status_code == 200
        and response["Content-Type"] == "application/pdf"
        and response.content.startswith(b"%PDF")
    )


def test_a_professional_without_an_account_gets_a_link_and_one_with_an_account_does_not(world):
    network, meeting, coordinator, therapist, issued = world
    assert issued.link.participant == therapist
    teacher = participants(network)["Olli Opettaja"]
    with pytest.raises(ValidationError):
        services.create_link(participant=teacher, by=coordinator)


def test_the_coordinator_creates_the_link_on_the_network_page(client, world):
    network, meeting, coordinator, therapist, issued = world
    client.force_login(coordinator)
    response = client.post(reverse("family:create_link", args=[network.pk, therapist.pk]))
    assert response.status_code == 200 and len(response.context["code"]) == 6


def test_the_plan_opens_with_the_code_and_lists_the_memos(settings, world):
    settings.LANGUAGE_CODE = "en"
    network, meeting, coordinator, therapist, issued = world
    network.family_language = "en"
    network.save()
    prompt = Client().get(plan_url(issued)).content.decode()
    assert "your family" not in prompt and "Open the plan" in prompt
    browser = opened(issued)
    page = browser.get(plan_url(issued))
    text = page.content.decode()
    assert "Eeli Virtanen" in text and "your family" not in text
    assert [shown for shown, _url in page.context["memos"]] == [meeting]
    assert memo_url(issued, meeting) in text
    row = AccessLog.objects.filter(success=True, view_name="family:plan").last()
    assert (row.basis, row.actor, row.actor_label) == (
        "family-link",
        None,
        f"outside-professional:{therapist.pk}",
    )


def test_the_memo_copy_downloads_and_is_logged_and_disclosed(world):
    network, meeting, coordinator, therapist, issued = world
    browser = opened(issued)
    before = AccessLog.objects.count()
    response = browser.get(memo_url(issued, meeting))
    assert is_pdf(response)
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    (row,) = AccessLog.objects.filter(pk__gt=AccessLog.objects.order_by("pk")[before - 1].pk)
    assert (row.subject_id, row.action, row.basis, row.success, row.actor_label) == (
        str(network.pk),
        "print",
        "family-link",
        True,
        f"outside-professional:{therapist.pk}",
    )
    disclosure = DisclosureLog.objects.get(recipient=f"participant {therapist.pk}")
    assert disclosure.subject_id == str(network.pk) and disclosure.channel == "download"
    assert disclosure.actor is None and disclosure.basis == "family-link"


def test_a_family_member_downloads_their_own_copy_too(world):
    network, meeting, coordinator, therapist, issued = world
    mother = participants(network)["Maija Virtanen"]
    own = services.create_link(participant=mother, by=coordinator)
    browser = opened(own)
    assert is_pdf(browser.get(memo_url(own, meeting)))
    assert DisclosureLog.objects.filter(recipient=f"participant {mother.pk}").exists()


def test_without_the_code_the_memo_sends_to_the_code_prompt(client, world):
    network, meeting, coordinator, therapist, issued = world
    response = client.get(memo_url(issued, meeting))
    assert response.status_code == 302 and response["Location"] == plan_url(issued)
    assert not AccessLog.objects.filter(view_name="family:memo").exists()
    assert not DisclosureLog.objects.filter(channel="download").exists()


def test_an_unknown_token_is_not_found(client, world):
    network, meeting, coordinator, therapist, issued = world
    response = client.get(reverse("family:memo", args=["x" * 43, meeting.pk]))
    assert response.status_code == 404


def held_meeting_elsewhere(area, programme):
    """Another family's network in another area, with a held and recorded meeting."""
    from contacts import services as contact_services
    from contacts.tests.helpers import a_contact, coordinator_of

    other = coordinator_of(area, programme, email="tuira@example.fi")
    network = contact_services.convene(
        contact=a_contact(area, programme, other),
        by=other,
        expected_version=1,
        subject_name="Toinen Lapsi",
        subject_birth_date=None,
    )
    starts = timezone.now() + timedelta(days=1)
    meeting = network_services.schedule_meeting(
        network=network,
        by=other,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Tuira",
    )
    type(meeting).objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now()
    )
    meeting.refresh_from_db()
    record(meeting, other)
    return meeting


def main_of(response):
    """The page's main content (each answer has its own CSP nonce and masked CSRF tokens)."""
    text = response.content.decode()
    return text[text.index("<main") : text.index("</main>")]


def refused(browser, issued, meeting):
    response = browser.get(memo_url(issued, meeting))
    return response.status_code == 403 and not response.content.startswith(b"%PDF")


def test_another_networks_meeting_and_an_unknown_one_are_refused_alike(world, tuira, children):
    network, meeting, coordinator, therapist, issued = world
    other_meeting = held_meeting_elsewhere(tuira, children)
    browser = opened(issued)
    foreign = browser.get(memo_url(issued, other_meeting))
    unknown = browser.get(reverse("family:memo", args=[issued.token, 987654]))
    assert foreign.status_code == unknown.status_code == 403
    assert main_of(foreign) == main_of(unknown)
    rows = AccessLog.objects.filter(view_name="family:memo")
    assert rows.count() == 2 and not rows.filter(success=True).exists()
    assert set(rows.values_list("subject_id", flat=True)) == {str(network.pk)}
    assert not DisclosureLog.objects.filter(channel="download").exists()


def test_the_plan_lists_the_recorded_held_meetings_newest_first(world):
    network, meeting, coordinator, therapist, issued = world
    newer = later_meeting(network, coordinator)
    record(newer, coordinator)
    unrecorded = later_meeting(network, coordinator)
    Meeting.objects.filter(pk=unrecorded.pk).update(status=MeetingStatus.HELD)
    page = opened(issued).get(plan_url(issued))
    assert [shown for shown, _url in page.context["memos"]] == [newer, meeting]
    assert memo_url(issued, unrecorded) not in page.content.decode()


def test_a_meeting_not_yet_held_has_no_memo(world):
    network, meeting, coordinator, therapist, issued = world
    starts = timezone.now() + timedelta(days=2)
    planned = network_services.schedule_meeting(
        network=network,
        by=coordinator,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Koulu",
    )
    assert refused(opened(issued), issued, planned)


def test_removal_ends_the_memo_copies_at_once(world):
    network, meeting, coordinator, therapist, issued = world
    browser = opened(issued)
    assert is_pdf(browser.get(memo_url(issued, meeting)))
    network_services.remove_participant(participant=therapist, by=coordinator)
    assert refused(browser, issued, meeting)
    assert browser.get(plan_url(issued)).status_code == 403


def test_a_ban_ends_the_memo_copies_at_once(world):
    network, meeting, coordinator, therapist, issued = world
    browser = opened(issued)
    consent.ban_disclosure(
        network=network, by=coordinator, requested_by="Maija Virtanen", participant=therapist
    )
    assert refused(browser, issued, meeting)


def test_a_ban_on_their_service_ends_them_too(world):
    from directory.models import Service

    network, meeting, coordinator, therapist, issued = world
    clinic = Service.objects.create(
        organisation=Service.objects.first().organisation, name="Päihdeklinikka"
    )
    deacon = network_services.add_outside_professional(
        network=network, by=coordinator, name="Pekka Päihde", service=clinic, phone="0401234567"
    )
    own = services.create_link(participant=deacon, by=coordinator)
    browser = opened(own)
    consent.ban_disclosure(
        network=network, by=coordinator, requested_by="Maija Virtanen", service=clinic
    )
    assert refused(browser, own, meeting)


def withdraw(network, coordinator, scope):
    given = consent.record_consent(
        network=network,
        by=coordinator,
        scope=scope,
        given_by="Maija Virtanen, äiti",
        given_how="in_person",
        given_at=timezone.now() - timedelta(days=1),
    )
    consent.withdraw_consent(consent=given, by=coordinator, how="phone")


def test_withdrawing_the_consent_to_share_ends_them(world):
    network, meeting, coordinator, therapist, issued = world
    browser = opened(issued)
    withdraw(network, coordinator, ConsentScope.SHARE)
    assert refused(browser, issued, meeting)


def test_withdrawing_the_memo_consent_stops_the_copies_and_the_plan_says_so(world):
    network, meeting, coordinator, therapist, issued = world
    mother = participants(network)["Maija Virtanen"]
    own = services.create_link(participant=mother, by=coordinator)
    browser = opened(own)
    withdraw(network, coordinator, ConsentScope.MEMO)
    assert refused(browser, own, meeting)
    row = AccessLog.objects.filter(view_name="family:memo").get()
    assert not row.success and row.actor_label == f"family-member:{mother.pk}"
    page = browser.get(plan_url(own))
    assert page.context["memo_stopped"] and page.context["memos"] == []
    assert memo_url(own, meeting) not in page.content.decode()
    assert not DisclosureLog.objects.filter(channel="download").exists()


# --- the family's own overdue promise ---------------------------------------------------------


def test_a_family_members_overdue_promise_reads_neutrally_on_their_own_plan(kaakkuri, children):
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    mother = participants(network)["Maija Virtanen"]
    record(
        meeting,
        coordinator,
        [NewPromise(mother, "Herätän Eelin ajoissa", timezone.localdate())],
    )
    Promise.objects.filter(participant=mother).update(due=timezone.localdate() - timedelta(days=3))
    own = services.create_link(participant=mother, by=coordinator)
    family_page = opened(own).get(plan_url(own))
    text = family_page.content.decode()
    step = next(s for s in family_page.context["timeline"] if "Herätän" in s.title)
    assert step.state == "not-done"
    assert "Herätän Eelin ajoissa" in text and "state--overdue" not in text
    assert 'class="overdue"' not in text
    coordinator_client = Client()
    coordinator_client.force_login(coordinator)
    coordinator_page = coordinator_client.get(reverse("networks:detail", args=[network.pk]))
    coordinator_step = next(s for s in coordinator_page.context["timeline"] if "Herätän" in s.title)
    assert coordinator_step.state == "overdue"
    assert "state--overdue" in coordinator_page.content.decode()


def test_a_professionals_overdue_promise_stays_overdue_on_the_family_page(kaakkuri, children):
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    teacher = participants(network)["Olli Opettaja"]
    record(meeting, coordinator, [NewPromise(teacher, "Soitan kotiin", timezone.localdate())])
    Promise.objects.filter(participant=teacher).update(due=timezone.localdate() - timedelta(days=3))
    own = services.create_link(participant=participants(network)["Maija Virtanen"], by=coordinator)
    page = opened(own).get(plan_url(own))
    step = next(s for s in page.context["timeline"] if "Soitan kotiin" in s.title)
    assert step.state == "overdue"
