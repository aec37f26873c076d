"""A discussion is recorded with the programme's own method and counted for that programme."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Membership
from audit.roles import Role
from contacts.models import MethodDiscussion
from contacts.tests.helpers import coordinator_of, professional
from indicators.models import Event, EventKind

pytestmark = pytest.mark.django_db

URL = reverse("contacts:discussion")


def answers(area, programme, **overrides):
    data = {
        "held_on": timezone.localdate().isoformat(),
        "area": area.pk,
        "programme": programme.pk,
        "wider_support_needed": "no",
    }
    data.update(overrides)
    return data


def test_a_working_age_coordinator_records_their_own_method(
    client, kaakkuri, children, working_age
):
    client.force_login(coordinator_of(kaakkuri, working_age))
    page = client.get(URL)
    html = page.content.decode()
    assert "Työkyky ja työllistyminen puheeksi" in html
    assert working_age.words.discussion_lead in html
    assert "Lapset puheeksi" not in html
    assert "LP-keskustelu" not in html
    # Their one programme is preset, and there is no choice to make.
    form = page.context["form"]
    assert form.initial["programme"] == working_age.pk
    assert form["programme"].is_hidden
    assert list(form.fields["programme"].queryset) == [working_age]

    response = client.post(URL, answers(kaakkuri, working_age), follow=True)
    discussion = MethodDiscussion.objects.get()
    assert discussion.programme == working_age
    event = Event.objects.get(kind=EventKind.LP_DISCUSSION_HELD)
    assert event.programme == working_age
    assert event.area == kaakkuri
    assert response.redirect_chain[-1][0] == reverse("home:home")
    assert "Työkyky ja työllistyminen puheeksi" in " ".join(
        str(m) for m in response.context["messages"]
    )


def test_the_programme_asked_for_gives_its_method(client, kaakkuri, children, working_age):
    client.force_login(professional())
    page = client.get(URL, {"programme": working_age.pk})
    html = page.content.decode()
    assert "Työkyky ja työllistyminen puheeksi" in html
    assert page.context["form"].initial["programme"] == working_age.pk
    # A professional works across the programmes: the choice is offered, named by method.
    choices = [label for _value, label in page.context["form"].fields["programme"].choices]
    assert "Lapset puheeksi (LP)" in choices
    assert "Työkyky ja työllistyminen puheeksi" in choices

    lp = client.get(URL, {"programme": children.pk}).content.decode()
    assert "Lapset puheeksi (LP)" in lp
    assert children.words.discussion_lead in lp


def test_without_a_programme_the_page_is_neutral(client, kaakkuri, children, working_age):
    client.force_login(professional())
    page = client.get(URL)
    assert page.status_code == 200
    assert page.context["method"] == ""
    assert not page.context["form"]["programme"].is_hidden


def test_a_posted_programme_names_the_method_when_the_form_is_returned(
    client, kaakkuri, children, working_age
):
    client.force_login(professional())
    response = client.post(URL, answers(kaakkuri, working_age, held_on=""))
    assert response.status_code == 200
    assert response.context["method"] == working_age.method_name
    assert MethodDiscussion.objects.count() == 0


def test_a_programme_outside_ones_own_is_refused(client, kaakkuri, children, working_age):
    coordinator = coordinator_of(kaakkuri, working_age)
    Membership.objects.create(user=coordinator, role=Role.PROFESSIONAL)
    client.force_login(coordinator)
    response = client.post(URL, answers(kaakkuri, children))
    assert response.status_code == 200
    assert "programme" in response.context["form"].errors
    assert MethodDiscussion.objects.count() == 0


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_method_is_named_in_each_language(client, settings, kaakkuri, working_age, language):
    settings.LANGUAGE_CODE = language
    client.force_login(coordinator_of(kaakkuri, working_age))
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert escape(getattr(working_age, f"method_name_{language}")) in html
