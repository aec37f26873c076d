"""Every page a family member reads keeps the plain-language rule (family/plain_language.py):
no sentence longer than MAX_WORDS words and none of the listed office words, in Finnish and in
Swedish. Until a new text's translation lands the page shows the English original, which must
keep the rule too."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from family import plain_language
from family.access import IDENTITY_KEY
from family.tests.factories import FamilyLinkFactory
from feedback.models import FeedbackInvitation
from feedback.services import invite, token_for
from meetings.models import GoalOwner, Promise
from meetings.tests.factories import GoalFactory, MeetingRecordFactory, PromiseFactory
from networks.identity import hash_identity_code
from networks.tests.factories import (
    ChildFactory,
    MeetingFactory,
    NetworkFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["fi", "sv"]


def test_the_rule_catches_a_long_sentence_and_jargon():
    page = (
        "<html><body><nav>Vastuussa ylläpito</nav><main><h1>Otsikko</h1>"
        "<p>Verkosto kutsuttu koolle. Lyhyt lause.</p><script>var vastuussa = 1;</script>"
        f"<p>{' '.join(['sana'] * (plain_language.MAX_WORDS + 1))}.</p></main></body></html>"
    )
    assert plain_language.jargon_found(page) == ["kutsuttu koolle"]
    assert len(plain_language.long_sentences(page)) == 1
    assert "Lyhyt lause." in plain_language.sentences(page)


@pytest.fixture
def family(kaakkuri, children):
    """A family's network with everything the plan shows: two children's goals and the parents',
    promises (the mother's own, one of them already told done, and a professional's), a held
    meeting with its memo, the next meeting, a feedback link and the timeline."""
    network = NetworkFactory(area=kaakkuri, programme=children, subject_name="Eeli Virtanen")
    coordinator = network.coordinator
    coordinator.phone, coordinator.phone_hours = "040 123 4567", "ma–pe 9–11"
    coordinator.save()
    sibling = ChildFactory(network=network, name="Eetu Virtanen")
    mother = ParticipantFactory(
        network=network,
        name="Maija Virtanen",
        identity_code_hash=hash_identity_code("131052-308T"),
    )
    held = MeetingRecordFactory(meeting__network=network).meeting
    GoalFactory(network=network, set_in=held, text="Kouluun joka aamu", rating=4)
    GoalFactory(network=network, set_in=held, child=sibling, text="Oma harrastus", rating=6)
    GoalFactory(
        network=network, set_in=held, child=None, owner=GoalOwner.PARENTS, text="Iltarutiini"
    )
    PromiseFactory(network=network, made_in=held, participant=mother, act="Vien Eelin kouluun")
    told = PromiseFactory(network=network, made_in=held, participant=mother, act="Soitan koululle")
    Promise.objects.filter(pk=told.pk).update(reported_done_at=timezone.now())
    PromiseFactory(network=network, made_in=held)
    MeetingFactory(network=network, starts_at=timezone.now() + timedelta(days=7))
    invite(network=network, occasion="meeting", meeting=held)
    return network, mother, FamilyLinkFactory(participant=mother)


def check(html):
    assert plain_language.jargon_found(html) == []
    assert plain_language.long_sentences(html) == []


def in_language(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_plan_by_the_personal_link(client, family, language):
    network, mother, link = family
    network.family_language = language
    network.save()
    in_language(client, language)
    plan = reverse("family:plan", args=[link.token])
    check(client.get(plan).content.decode())  # the code page
    check(client.post(plan, {"code": "000000"}).content.decode())  # a wrong code
    client.post(plan, {"code": link.code})
    response = client.get(plan)
    page = response.content.decode()
    assert response.status_code == 200 and "Kouluun joka aamu" in page
    assert {"fi": "Seuraava tapaaminen", "sv": "Nästa möte"}[language] in page
    check(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_plan_by_strong_identification_and_the_sign_in_pages(client, family, language):
    network, mother, link = family
    network.family_language = language
    network.save()
    in_language(client, language)
    check(client.get(reverse("family:mine")).content.decode())  # sign in
    session = client.session
    until = (timezone.now() + timedelta(minutes=30)).isoformat()
    session[IDENTITY_KEY] = {"hash": mother.identity_code_hash, "name": "Maija", "until": until}
    session.save()
    response = client.get(reverse("family:me_plan", args=[mother.pk]))
    assert response.status_code == 200
    check(response.content.decode())
    # Two plans (a second family's network) list them; none says how to get one.
    ParticipantFactory(
        network=NetworkFactory(area=network.area, programme=network.programme),
        identity_code_hash=mother.identity_code_hash,
    )
    check(client.get(reverse("family:mine")).content.decode())
    session = client.session
    session[IDENTITY_KEY] = {"hash": "0" * 64, "name": "Maija", "until": until}
    session.save()
    check(client.get(reverse("family:mine")).content.decode())


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_ended_or_locked_link_says_so_plainly(client, family, language):
    network, mother, link = family
    in_language(client, language)
    link.link = None
    type(link).objects.filter(pk=link.pk).update(locked_at=timezone.now())
    check(client.get(reverse("family:plan", args=[link.token])).content.decode())
    type(link).objects.filter(pk=link.pk).update(locked_at=None, revoked_at=timezone.now())
    check(client.get(reverse("family:plan", args=[link.token])).content.decode())


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_feedback_form(client, family, language):
    network, mother, link = family
    in_language(client, language)
    invitation = FeedbackInvitation.objects.get(participant=mother)
    url = reverse("feedback:answer", args=[token_for(invitation)])
    response = client.get(url)
    assert response.status_code == 200
    check(response.content.decode())
    check(client.get(reverse("feedback:answer", args=["1.forged"])).content.decode())
