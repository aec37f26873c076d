"""The coordinator's fast path: the form for their own programme, the professional picker with
recent callers, the legal-ground fields, several children's age bands, the queue's columns."""

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Membership
from audit.models import AccessLog
from audit.roles import Role
from contacts.models import Contact, ContactedBy, summarise
from contacts.tests.helpers import a_contact, coordinator_of, professional

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(kaakkuri, children):
    return coordinator_of(kaakkuri, children)


def form_data(kaakkuri, children, **overrides):
    data = {
        "submission_token": str(uuid.uuid4()),
        "channel": "phone",
        "area": kaakkuri.pk,
        "programme": children.pk,
        "contacted_by": "parent",
        "concern": "Poissaoloja",
        "lp_discussion": "held",
        "consent": "agrees",
    }
    data.update(overrides)
    return data


def choices(response, name):
    return response.context["form"].fields[name].queryset


def checkbox_labels(html, name):
    return [
        label.strip()
        for label in re.findall(
            rf'<input type="checkbox" name="{name}"[^>]*>\s*([^<]+)</label>', html
        )
    ]


# --- the form: only the coordinator's own programme -------------------------------------------


def test_one_programme_offers_only_its_items_without_the_programme_name(
    client, coordinator, children, working_age
):
    client.force_login(coordinator)
    response = client.get(reverse("contacts:new"))
    html = response.content.decode()
    assert set(choices(response, "concern_categories")) == set(
        children.concern_categories.filter(is_active=True)
    )
    assert set(choices(response, "age_bands")) == set(children.age_bands.filter(is_active=True))
    categories = checkbox_labels(html, "concern_categories")
    assert "Koulunkäynti ja koulusta lintsaaminen" in categories
    assert len(categories) == children.concern_categories.count()
    assert not any(children.name in label or working_age.name in label for label in categories)
    assert checkbox_labels(html, "age_bands")[0] == "0–2-vuotiaat"
    # The programme and the area are preset, shown as text, not chosen.
    assert f'<input type="hidden" name="programme" value="{children.pk}"' in html
    assert 'name="area" value' in html and "<select" not in html.split('id="field-area"')[1][:200]
    assert f"?programme={working_age.pk}" not in html
    # The client calls about themself only in working-age services.
    assert 'value="client"' not in html


def test_several_programmes_filter_the_items_by_the_programme_chosen(
    client, kaakkuri, children, working_age
):
    coordinator = coordinator_of(kaakkuri, children)
    Membership.objects.create(
        user=coordinator, role=Role.COORDINATOR, area=kaakkuri, programme=working_age
    )
    client.force_login(coordinator)
    first = client.get(reverse("contacts:new"))
    assert set(choices(first, "concern_categories")) == set(children.concern_categories.all())
    html = first.content.decode()
    assert f'href="?programme={working_age.pk}"' in html and 'aria-current="true"' in html
    chosen = client.get(reverse("contacts:new"), {"programme": working_age.pk})
    assert set(choices(chosen, "concern_categories")) == set(working_age.concern_categories.all())
    assert set(choices(chosen, "age_bands")) == set(working_age.age_bands.all())
    assert f'name="programme" value="{working_age.pk}"' in chosen.content.decode()
    with translation.override("fi"):
        assert chosen.context["form"]["age_bands"].label == _("The client's age band")


def test_a_category_of_another_programme_is_refused_without_javascript(
    client, coordinator, kaakkuri, children, working_age
):
    client.force_login(coordinator)
    other = working_age.concern_categories.first()
    response = client.post(
        reverse("contacts:new"),
        form_data(kaakkuri, children, concern_categories=[other.pk]),
    )
    assert response.status_code == 200
    assert "concern_categories" in response.context["form"].errors
    band = working_age.age_bands.first()
    response = client.post(
        reverse("contacts:new"), form_data(kaakkuri, children, age_bands=[band.pk])
    )
    assert "age_bands" in response.context["form"].errors
    # Nor may a coordinator of children's services record in another programme.
    response = client.post(reverse("contacts:new"), form_data(kaakkuri, working_age))
    assert "programme" in response.context["form"].errors
    assert Contact.objects.count() == 0


def test_a_family_with_several_children_is_recorded_with_every_childs_age_band(
    client, coordinator, kaakkuri, children
):
    client.force_login(coordinator)
    bands = list(children.age_bands.filter(code__in=["0-2", "7-12"]))
    category = children.concern_categories.get(code="school-attendance")
    response = client.post(
        reverse("contacts:new"),
        form_data(
            kaakkuri,
            children,
            age_bands=[band.pk for band in bands],
            concern_categories=[category.pk],
        ),
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert set(contact.age_bands.all()) == set(bands)
    page = client.get(response["Location"]).content.decode()
    assert "0–2-vuotiaat" in page and "7–12-vuotiaat" in page


# --- the legal-ground fields -----------------------------------------------------------------


def test_the_legal_ground_fields_are_one_part_shown_without_javascript(client, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("contacts:new")).content.decode()
    part = re.search(r"<fieldset id=\"no-consent-fields\"[^>]*>", html).group(0)
    assert 'data-shown-when="consent=no_consent"' in part
    assert "hidden" not in part  # the script hides it; without the script it is there
    inside = html.split(part)[1].split("</fieldset>\n<button")[0]
    assert 'name="legal_ground"' in inside and 'name="no_consent_reasons"' in inside
    consent = re.findall(r'<input type="radio" name="consent"[^>]*>', html)
    assert len(consent) == 3 and all('aria-controls="no-consent-fields"' in r for r in consent)
    assert '<script src="/static/arki/contact_form.js' in html


def test_legal_grounds_left_behind_with_consent_are_not_recorded(
    client, coordinator, kaakkuri, children
):
    client.force_login(coordinator)
    response = client.post(
        reverse("contacts:new"),
        form_data(
            kaakkuri, children, legal_ground="shl_35_need", no_consent_reasons="Kirjoitettu ensin"
        ),
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.legal_ground, contact.no_consent_reasons) == ("", "")


# --- the professional picker -----------------------------------------------------------------


@pytest.fixture
def directory(db):
    return {
        "kalle": professional(full_name="Kalle Kuraattori"),
        "kaisa": professional(
            full_name="Kaisa Kallio", title="Terveydenhoitaja", service_name="Tuiran neuvola"
        ),
        "paula": professional(
            full_name="Paula Peltonen", title="Opettaja", service_name="Kaakkurin koulu"
        ),
    }


def picked(response):
    return re.findall(r'name="contact_person" value="(\d+)"', response.content.decode())


def test_the_picker_finds_professionals_by_name_title_or_service(client, coordinator, directory):
    client.force_login(coordinator)
    url = reverse("contacts:professionals")
    assert picked(client.get(url, {"q": "kal"})) == [
        str(directory["kaisa"].pk),
        str(directory["kalle"].pk),
    ]
    assert picked(client.get(url, {"q": "neuvola"})) == [str(directory["kaisa"].pk)]
    assert picked(client.get(url, {"q": "koulu opettaja"})) == [str(directory["paula"].pk)]
    assert picked(client.get(url, {"q": "nobody"})) == []
    response = client.get(url, {"q": "Kalle"})
    assert "Kalle Kuraattori, Koulukuraattori, Kaakkurin koulu" in response.content.decode()
    assert "<html" not in response.content.decode()
    # Directory names and titles only, as every service page shows them: no log rows.
    assert AccessLog.objects.count() == 0


def test_the_picker_offers_the_coordinators_recent_callers_first(
    client, coordinator, kaakkuri, tuira, children, directory
):
    kalle, kaisa, paula = directory["kalle"], directory["kaisa"], directory["paula"]
    for person in (kaisa, kalle):  # Kalle called last
        a_contact(
            kaakkuri,
            children,
            coordinator,
            contacted_by=ContactedBy.PROFESSIONAL,
            contact_person=person,
        )
    # Another coordinator's caller, and the coordinator's own contact outside their area now.
    colleague = coordinator_of(kaakkuri, children)
    a_contact(
        kaakkuri, children, colleague, contacted_by=ContactedBy.PROFESSIONAL, contact_person=paula
    )
    elsewhere = coordinator_of(tuira, children)
    a_contact(
        tuira, children, elsewhere, contacted_by=ContactedBy.PROFESSIONAL, contact_person=paula
    )
    Contact.objects.filter(recorded_by=elsewhere).update(recorded_by=coordinator)
    client.force_login(coordinator)
    url = reverse("contacts:professionals")
    assert picked(client.get(url)) == [str(kalle.pk), str(kaisa.pk)]
    # Searching, the recent caller who matches comes before an alphabetically earlier match.
    assert picked(client.get(url, {"q": "ka"}))[:2] == [str(kalle.pk), str(kaisa.pk)]
    with translation.override("fi"):
        assert _("recent caller") in client.get(url).content.decode()
    # The chosen one stays first and chosen while searching for someone else.
    response = client.get(url, {"q": "Paula", "selected": kaisa.pk})
    assert picked(response) == [str(kaisa.pk), str(paula.pk)]
    assert re.search(rf'value="{kaisa.pk}"[^>]* checked', response.content.decode())
    # The form itself offers the recent callers with no search at all.
    form = client.get(reverse("contacts:new"))
    assert picked(form) == [str(kalle.pk), str(kaisa.pk)]


def test_the_picker_leaves_out_people_no_longer_in_the_directory(client, coordinator, directory):
    directory["kalle"].positions.update(is_active=False)
    directory["kaisa"].is_active = False
    directory["kaisa"].save()
    client.force_login(coordinator)
    found = picked(client.get(reverse("contacts:professionals"), {"q": "ka"}))
    assert found == [str(directory["paula"].pk)]  # of Kaakkurin koulu


def test_the_picker_is_for_coordinators_only(client, directory):
    client.force_login(directory["kalle"])
    assert client.get(reverse("contacts:professionals"), {"q": "ka"}).status_code == 403
    client.logout()
    assert client.get(reverse("contacts:professionals")).status_code == 302


def test_the_picker_searches_without_javascript_too(client, coordinator, directory):
    client.force_login(coordinator)
    response = client.get(reverse("contacts:new"), {"q": "Paula"})
    assert picked(response) == [str(directory["paula"].pk)]
    html = response.content.decode()
    assert '<form id="professional-search" method="get"' in html
    assert re.search(r'<input type="search"[^>]*form="professional-search"', html)


def test_a_picked_professional_is_recorded_only_for_a_professionals_call(
    client, coordinator, kaakkuri, children, directory
):
    client.force_login(coordinator)
    kalle = directory["kalle"]
    data = form_data(kaakkuri, children, contacted_by="professional", contact_person=kalle.pk)
    assert client.post(reverse("contacts:new"), data).status_code == 302
    assert Contact.objects.get().contact_person == kalle
    # A parent's call with a choice left behind in the hidden picker names nobody.
    data = form_data(kaakkuri, children, contacted_by="parent", contact_person=kalle.pk)
    assert client.post(reverse("contacts:new"), data).status_code == 302
    assert Contact.objects.latest("pk").contact_person is None


# --- the queue -------------------------------------------------------------------------------


def test_summary_is_cut_at_a_word_boundary():
    text = "Poissaoloja koulusta, " * 10
    summary = summarise(text)
    assert len(summary) <= 81 and summary.endswith("…")
    assert summary[:-1] == text[: len(summary) - 1].rstrip(" ,")
    assert text.startswith(summary[:-1]) and not summary[:-1].endswith(" ")
    assert summarise("Lyhyt  huoli\n rivillä") == "Lyhyt huoli rivillä"
    assert summarise("x" * 200) == "x" * 80 + "…"


@pytest.mark.parametrize("programme_code", ["children-families", "working-age"])
def test_the_queue_shows_caller_concern_and_days_since_the_contact(
    client, kaakkuri, configuration, settings, programme_code
):
    settings.LANGUAGE_CODE = "en"
    programme = configuration[programme_code]
    coordinator = coordinator_of(kaakkuri, programme)
    concern = "Lapsi on ollut paljon poissa koulusta ja perheen tilanne on muuttunut äkillisesti viime viikkoina, isä muuttanut pois"
    contact = a_contact(kaakkuri, programme, coordinator, concern=concern)
    Contact.objects.filter(pk=contact.pk).update(received_at=timezone.now() - timedelta(days=3))
    today = a_contact(kaakkuri, programme, coordinator, contacted_by=ContactedBy.PARENT)
    client.force_login(coordinator)
    html = client.get(reverse("contacts:queue")).content.decode()
    row = r"<tr>\s*<th scope=\"row\"><a[^>]*>Contact (\d+)</a></th>(.*?)</tr>"
    rows = dict(re.findall(row, html, re.S))
    assert "3 days ago" in rows[str(contact.pk)]
    assert "Someone else (e.g. a professional not in the directory)" in rows[str(contact.pk)]
    assert summarise(concern) in rows[str(contact.pk)] and concern not in html
    assert "today" in rows[str(today.pk)] and "A parent or guardian" in rows[str(today.pk)]
    assert ">Who contacted</th>" in html and ">Concern</th>" in html


def test_the_queue_shows_no_contact_outside_the_coordinators_need_to_know(
    client, coordinator, kaakkuri, tuira, children
):
    elsewhere = a_contact(tuira, children, coordinator_of(tuira, children), concern="Tuiran huoli")
    client.force_login(coordinator)
    html = client.get(reverse("contacts:queue")).content.decode()
    assert "Tuiran huoli" not in html and f"/contacts/{elsewhere.pk}/" not in html


# --- the coordinator's home page -------------------------------------------------------------


def test_the_coordinators_front_page_leads_to_the_contact_form(
    client, coordinator, kaakkuri, children
):
    a_contact(kaakkuri, children, coordinator)
    client.force_login(coordinator)
    html = client.get(reverse("home:home")).content.decode()
    assert f'<a class="button" href="{reverse("contacts:new")}">Kirjaa yhteydenotto</a>' in html
    card = html.split('id="coordinator-heading"')[1].split("</section>")[0]
    assert reverse("contacts:queue") in card
    assert re.search(r">[^<]*\b1\b[^<]*</a>", card.split(reverse("contacts:queue"))[1])


def test_a_professionals_front_page_has_no_contact_log(client, directory):
    client.force_login(directory["kalle"])
    html = client.get(reverse("home:home")).content.decode()
    assert reverse("contacts:new") not in html


def test_the_edit_form_keeps_the_caller_and_every_age_band(
    client, coordinator, kaakkuri, children, directory
):
    bands = list(children.age_bands.filter(code__in=["3-6", "13-17"]))
    contact = a_contact(
        kaakkuri,
        children,
        coordinator,
        contacted_by=ContactedBy.PROFESSIONAL,
        contact_person=directory["paula"],
        age_bands=bands,
    )
    client.force_login(coordinator)
    html = client.get(reverse("contacts:edit", args=[contact.pk])).content.decode()
    assert re.search(rf'name="contact_person" value="{directory["paula"].pk}"[^>]* checked', html)
    checked = re.findall(r'name="age_bands" value="(\d+)"[^>]* checked', html)
    assert sorted(checked) == sorted(str(band.pk) for band in bands)


def test_a_professionals_request_offers_one_programmes_items_at_a_time(
    client, kaakkuri, children, working_age
):
    sender = professional()
    client.force_login(sender)
    response = client.get(reverse("contacts:request"), {"programme": working_age.pk})
    assert set(choices(response, "concern_categories")) == set(working_age.concern_categories.all())
    html = response.content.decode()
    assert f'href="?programme={children.pk}"' in html
    assert 'name="contact_person"' not in html
    response = client.post(
        reverse("contacts:request"),
        {
            **form_data(kaakkuri, working_age),
            "age_bands": [working_age.age_bands.first().pk],
        },
    )
    assert response.status_code == 302
    assert Contact.objects.get().age_bands.get() == working_age.age_bands.first()


def test_a_coordinator_records_only_in_an_area_and_programme_they_coordinate(
    client, kaakkuri, tuira, children, working_age
):
    coordinator = coordinator_of(kaakkuri, children)
    Membership.objects.create(
        user=coordinator, role=Role.COORDINATOR, area=tuira, programme=working_age
    )
    client.force_login(coordinator)
    # An adult client's contact: the client themself calls (no parent or child choices).
    about_client = {"contacted_by": "client"}
    response = client.post(
        reverse("contacts:new"), form_data(kaakkuri, working_age, **about_client)
    )
    assert "area" in response.context["form"].errors
    response = client.post(reverse("contacts:new"), form_data(tuira, working_age, **about_client))
    assert response.status_code == 302
    assert Contact.objects.get().area == tuira


def test_a_contact_about_an_adult_client_offers_no_parent_child_or_child_welfare_choices(
    client, tuira, working_age
):
    coordinator = coordinator_of(tuira, working_age)
    client.force_login(coordinator)
    form = client.get(reverse("contacts:new")).context["form"]
    assert "parent" not in dict(form.fields["contacted_by"].choices)
    assert "young_person" not in dict(form.fields["contacted_by"].choices)
    assert "lsl_25" not in dict(form.fields["legal_ground"].choices)
    response = client.post(
        reverse("contacts:new"), form_data(tuira, working_age, contacted_by="parent")
    )
    assert "contacted_by" in response.context["form"].errors
    assert not Contact.objects.exists()
