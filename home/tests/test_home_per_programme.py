"""The front page per role and programme: each user sees their own programmes' methods and words."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from audit.roles import Role
from contacts.tests.helpers import coordinator_of, professional
from directory.models import ContactPoint

pytestmark = pytest.mark.django_db

# Words about children and families, in each language (matched inside words too).
CHILDRENS_TERMS = {
    "fi": ["perhe", "lapsi", "lapse", "lasten", "huoltaja", "vanhem", "koulu", "lapset puheeksi"],
    "sv": ["familj", "barn", "vårdnadshav", "förälder", "lapset puheeksi"],
    "en": ["family", "child", "parent", "guardian", "school", "lapset puheeksi"],
}


def page_text(client, language):
    response = client.get(reverse("home:home"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Language"] == language
    html = response.content.decode()
    # What the user reads: the text, the page title and the attributes that are read aloud.
    spoken = " ".join(re.findall(r'(?:aria-label|title|alt)="([^"]*)"', html))
    return unescape(f"{strip_tags(html)} {spoken}").lower()


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.DEVELOPER_WORKER, Role.LEADERSHIP_MEMBER])
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_working_age_worker_sees_their_own_method_and_no_childrens_words(
    client, settings, kaakkuri, children, working_age, language, role
):
    settings.LANGUAGE_CODE = language
    ContactPoint.objects.create(
        area=kaakkuri, programme=children, name="Perheiden neuvontanumero", phone="040 111"
    )
    ContactPoint.objects.create(
        area=kaakkuri, programme=working_age, name="Työkykyneuvonta", phone="040 222"
    )
    user = UserFactory()
    Membership.objects.create(user=user, role=role, area=kaakkuri, programme=working_age)
    client.force_login(user)
    text = page_text(client, language)
    with_language = client.get(reverse("home:home"), HTTP_ACCEPT_LANGUAGE=language)
    cards = with_language.context["discussion_cards"]
    assert [card["programme"] for card in cards] == [working_age]
    assert working_age.method_name.lower() in text
    assert f"?programme={working_age.pk}" in with_language.content.decode()
    assert "040 222" in text
    assert "040 111" not in text  # the children's number belongs to the other programme
    found = [term for term in CHILDRENS_TERMS[language] if term in text]
    assert found == [], found


def test_a_childrens_coordinator_sees_the_lp_card(client, kaakkuri, children, working_age):
    client.force_login(coordinator_of(kaakkuri, children))
    response = client.get(reverse("home:home"))
    html = response.content.decode()
    assert [card["programme"] for card in response.context["discussion_cards"]] == [children]
    assert "Lapset puheeksi (LP)" in html
    assert f"?programme={children.pk}" in html
    assert working_age.method_name not in html
    assert children.words.discussion_card in html


def test_a_user_without_a_programme_sees_every_active_programme(
    client, kaakkuri, children, working_age
):
    client.force_login(professional())
    response = client.get(reverse("home:home"))
    html = response.content.decode()
    programmes = [card["programme"] for card in response.context["discussion_cards"]]
    assert programmes == [children, working_age]
    assert "Lapset puheeksi (LP)" in html
    assert working_age.method_name in html
    # Two kinds of work: the neutral lead and directory text, not one programme's.
    assert response.context["lead"] is None
    assert response.context["directory_text"] is None


def test_a_programme_no_longer_in_use_has_no_card(client, kaakkuri, children, working_age):
    working_age.is_active = False
    working_age.save()
    client.force_login(professional())
    response = client.get(reverse("home:home"))
    assert [card["programme"] for card in response.context["discussion_cards"]] == [children]
