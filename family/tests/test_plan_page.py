"""The family's plan page: what a parent reads on a phone, and their own "Done" button."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from family.access import IDENTITY_KEY
from family.tests.factories import FamilyLinkFactory
from meetings.models import GoalOwner, Promise
from meetings.tests.factories import GoalFactory, GoalRatingFactory, PromiseFactory
from networks.identity import hash_identity_code
from networks.models import MeetingStatus
from networks.selectors import next_meeting
from networks.tests.factories import (
    ChildFactory,
    MeetingFactory,
    NetworkFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db

IDENTITY_CODE = "131052-308T"


@pytest.fixture
def family(kaakkuri, children):
    """A family's network: the coordinator with phone and hours, two children, the mother with
    an opened personal link."""
    network = NetworkFactory(area=kaakkuri, programme=children, subject_name="Eeli Virtanen")
    coordinator = network.coordinator
    coordinator.full_name, coordinator.phone = "Kaisa Koordinaattori", "040 123 4567"
    coordinator.phone_hours = "ma–pe 9–11"
    coordinator.save()
    sibling = ChildFactory(network=network, name="Eetu Virtanen")
    mother = ParticipantFactory(
        network=network,
        name="Maija Virtanen",
        identity_code_hash=hash_identity_code(IDENTITY_CODE),
    )
    link = FamilyLinkFactory(participant=mother)
    return network, sibling, mother, link


def opened(client, link):
    response = client.post(reverse("family:plan", args=[link.token]), {"code": link.code})
    assert response.status_code == 302
    return reverse("family:plan", args=[link.token])


def identified(client, participant):
    session = client.session
    until = (timezone.now() + timedelta(minutes=30)).isoformat()
    session[IDENTITY_KEY] = {"hash": participant.identity_code_hash, "name": "", "until": until}
    session.save()


def test_the_coordinator_s_name_phone_and_hours_are_shown(client, family):
    network, sibling, mother, link = family
    page = client.get(opened(client, link)).content.decode()
    assert "Kaisa Koordinaattori" in page
    assert 'href="tel:0401234567"' in page
    assert "ma–pe 9–11" in page


def test_without_phone_hours_the_hours_line_is_left_out(client, family):
    network, sibling, mother, link = family
    network.coordinator.phone_hours = ""
    network.coordinator.save()
    page = client.get(opened(client, link)).content.decode()
    assert "040 123 4567" in page
    assert "by phone:" not in page


def test_the_next_meeting_is_the_next_planned_one_in_the_future(client, family):
    network, sibling, mother, link = family
    now = timezone.now()
    MeetingFactory(network=network, held=True, place="Menneen paikka")
    MeetingFactory(network=network, past=True, place="Odottaa kirjausta")  # waits for its record
    MeetingFactory(
        network=network,
        starts_at=now + timedelta(days=2),
        status=MeetingStatus.CANCELLED,
        place="Peruttu paikka",
    )
    later = MeetingFactory(network=network, starts_at=now + timedelta(days=20), place="Myöhemmin")
    coming = MeetingFactory(network=network, starts_at=now + timedelta(days=5), place="Neuvola")
    assert next_meeting(network) == coming
    response = client.get(opened(client, link))
    assert response.context["next_meeting"] == coming
    page = response.content.decode()
    next_section = page.split('id="next-heading"')[1].split("</section>")[0]
    assert "Neuvola" in next_section
    assert later.place not in next_section and "Peruttu paikka" not in next_section


def test_each_child_s_goals_are_under_their_name_then_the_parents(client, family):
    network, sibling, mother, link = family
    eeli = network.children.get(name="Eeli Virtanen")
    GoalFactory(network=network, child=eeli, text="Kouluun joka aamu", rating=4)
    goal = GoalFactory(network=network, child=sibling, text="Harrastus löytyy", rating=None)
    GoalRatingFactory(goal=goal, rating=6)
    GoalFactory(network=network, child=None, owner=GoalOwner.PARENTS, text="Yhteinen iltarutiini")
    page = client.get(opened(client, link)).content.decode()
    goals = page.split('id="goals-heading"')[1].split("</section>")[0]
    assert goals.index("<h3>Eeli Virtanen</h3>") < goals.index("Kouluun joka aamu")
    assert goals.index("<h3>Eetu Virtanen</h3>") < goals.index("Harrastus löytyy")
    assert goals.index("Kouluun joka aamu") < goals.index("<h3>Eetu Virtanen</h3>")
    assert goals.index("Harrastus löytyy") < goals.index("Yhteinen iltarutiini")
    assert "6/10" in goals and "<table" not in goals


def test_own_promises_have_a_done_button_and_others_do_not(client, family):
    network, sibling, mother, link = family
    own = PromiseFactory(network=network, participant=mother, act="Vien Eelin kouluun")
    others = PromiseFactory(network=network, act="Soitan perheelle perjantaina")
    response = client.get(opened(client, link))
    page = response.content.decode()
    own_section = page.split('id="own-promises-heading"')[1].split("</section>")[0]
    others_section = page.split('id="others-promises-heading"')[1].split("</section>")[0]
    done = reverse("family:promise_done", args=[link.token, own.pk])
    assert "Vien Eelin kouluun" in own_section and f'action="{done}"' in own_section
    assert others.act in others_section and "<form" not in others_section
    assert others.participant.name in others_section
    assert "Vastuussa" not in page and "Responsible" not in page


def test_done_reports_the_own_open_promise_and_the_plan_says_so(client, family):
    network, sibling, mother, link = family
    promise = PromiseFactory(network=network, participant=mother, act="Vien Eelin kouluun")
    plan = opened(client, link)
    before = AccessLog.objects.count()
    url = reverse("family:promise_done", args=[link.token, promise.pk])
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == plan
    promise.refresh_from_db()
    assert promise.reported_done_at is not None and promise.status == "open"
    row = AccessLog.objects.filter(view_name="family:promise_done").get()
    assert (row.success, row.basis, row.actor_label) == (
        True,
        "family-link",
        f"family-member:{mother.pk}",
    )
    assert AccessLog.objects.count() > before
    own_section = response.content.decode().split('id="own-promises-heading"')[1]
    assert "<form" not in own_section.split("</section>")[0]
    # Telling it twice changes nothing.
    first = promise.reported_done_at
    client.post(url)
    promise.refresh_from_db()
    assert promise.reported_done_at == first


@pytest.mark.parametrize("whose", ["someone else's", "another network's", "kept", "unknown"])
def test_any_other_promise_is_refused_logged_and_nothing_written(client, family, whose):
    network, sibling, mother, link = family
    if whose == "someone else's":
        promise = PromiseFactory(network=network)
    elif whose == "another network's":
        promise = PromiseFactory(network=NetworkFactory(area=network.area))
    else:
        promise = PromiseFactory(network=network, participant=mother)
        if whose == "kept":
            Promise.objects.filter(pk=promise.pk).update(status="kept")
    pk = promise.pk if whose != "unknown" else promise.pk + 1000
    opened(client, link)
    response = client.post(reverse("family:promise_done", args=[link.token, pk]))
    assert response.status_code == 403
    assert not Promise.objects.filter(reported_done_at__isnull=False).exists()
    row = AccessLog.objects.filter(view_name="family:promise_done").get()
    assert (row.success, row.subject_id) == (False, str(network.pk))


def test_a_removed_participant_is_refused(client, family):
    network, sibling, mother, link = family
    promise = PromiseFactory(network=network, participant=mother)
    opened(client, link)
    type(mother).objects.filter(pk=mother.pk).update(removed_at=timezone.now())
    response = client.post(reverse("family:promise_done", args=[link.token, promise.pk]))
    assert response.status_code == 403
    promise.refresh_from_db()
    assert promise.reported_done_at is None


def test_a_get_is_not_allowed(client, family):
    network, sibling, mother, link = family
    promise = PromiseFactory(network=network, participant=mother)
    opened(client, link)
    response = client.get(reverse("family:promise_done", args=[link.token, promise.pk]))
    assert response.status_code == 405


def test_without_the_code_nothing_is_written(client, family):
    network, sibling, mother, link = family
    promise = PromiseFactory(network=network, participant=mother)
    response = client.post(reverse("family:promise_done", args=[link.token, promise.pk]))
    assert response.status_code == 302
    promise.refresh_from_db()
    assert promise.reported_done_at is None


def test_strongly_identified_done_goes_back_to_the_identified_plan(client, family):
    network, sibling, mother, link = family
    promise = PromiseFactory(network=network, participant=mother)
    identified(client, mother)
    plan = client.get(reverse("family:me_plan", args=[mother.pk]))
    done = reverse("family:me_promise_done", args=[mother.pk, promise.pk])
    assert f'action="{done}"' in plan.content.decode()
    response = client.post(done)
    assert response.status_code == 302
    assert response["Location"] == reverse("family:me_plan", args=[mother.pk])
    promise.refresh_from_db()
    assert promise.reported_done_at is not None
    row = AccessLog.objects.filter(view_name="family:me_promise_done").get()
    assert (row.success, row.basis) == (True, "strong-identification")


def test_the_network_page_and_the_meeting_record_show_the_report(client, family):
    network, sibling, mother, link = family
    promise = PromiseFactory(network=network, participant=mother)
    Promise.objects.filter(pk=promise.pk).update(reported_done_at=timezone.now())
    client.force_login(network.coordinator)
    page = client.get(reverse("networks:detail", args=[network.pk])).content.decode()
    assert "perhe kertoi tehdyksi" in page
