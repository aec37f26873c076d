"""The public "Ota yhteyttä" form: a client or a family contacts the area's number themselves."""

import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from contacts import protection
from contacts.models import Channel, Consent, Contact, ContactedBy, Source
from contacts.tests.helpers import coordinator_of
from indicators.models import EventKind

pytestmark = pytest.mark.django_db

URL = "/contacts/public/"
CONCERN = "Nuori ei ole käynyt koulussa kahteen viikkoon ja nukkuu huonosti."
PHONE = "040 765 4321"
EMAIL = "vanhempi@example.fi"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def opened_a_minute_ago():
    return protection.opened_stamp(time.time() - 60)


def answers(area, programme, stamp, /, **overrides):
    data = {
        "area": area.pk,
        "programme": programme.pk,
        "contacted_by": ContactedBy.PARENT,
        "concern": CONCERN,
        "name": "",
        "phone": PHONE,
        "email": EMAIL,
        "consent_to_contact": "on",
        "website": "",
        "opened": stamp,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_page_opens_without_signing_in(client, kaakkuri, children):
    response = client.get(URL, {"area": "kaakkuri"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="website"' in html and "hidden" in html
    assert response.context["form"].initial["area"] == kaakkuri.pk
    assert reverse("contacts:public_contact") in client.get("/accounts/login/").content.decode()


def test_a_parent_lands_in_the_right_queue_as_a_web_form_contact(
    client, kaakkuri, children, working_age, opened_a_minute_ago
):
    response = client.post(URL, answers(kaakkuri, children, opened_a_minute_ago))
    assert response.status_code == 302
    assert response.url == reverse("contacts:public_contact_sent")
    contact = Contact.objects.get()
    assert (contact.area, contact.programme) == (kaakkuri, children)
    assert contact.channel == Channel.WEB
    assert contact.source == Source.PUBLIC
    assert contact.contacted_by == ContactedBy.PARENT
    assert contact.recorded_by is None and contact.contact_person is None
    assert contact.contact_person_name == ""  # no name unless the sender gives one
    assert contact.contact_person_phone == PHONE
    assert contact.contact_person_email == EMAIL
    assert contact.consent == Consent.NOT_YET  # agreement to network work is asked on the call
    from indicators.models import Event

    assert Event.objects.filter(kind=EventKind.CONTACT_RECEIVED, channel=Channel.WEB).count() == 1


def test_a_name_is_kept_only_when_given(client, kaakkuri, working_age, opened_a_minute_ago):
    client.post(
        URL,
        answers(
            kaakkuri,
            working_age,
            opened_a_minute_ago,
            contacted_by=ContactedBy.CLIENT,
            name="Matti",
            email="",
        ),
    )
    contact = Contact.objects.get()
    assert contact.contact_person_name == "Matti"
    assert contact.contacted_by == ContactedBy.CLIENT


def test_the_receipt_echoes_nothing_back(client, kaakkuri, children, opened_a_minute_ago):
    response = client.post(URL, answers(kaakkuri, children, opened_a_minute_ago), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="receipt-heading"' in html
    assert CONCERN not in html and PHONE not in html and EMAIL not in html


def test_the_coordinators_email_carries_nothing_personal(
    client, kaakkuri, children, working_age, opened_a_minute_ago, settings
):
    settings.LANGUAGE_CODE = "en"
    coordinator = coordinator_of(kaakkuri, children, email="koordinaattori@example.fi")
    other_queue = coordinator_of(kaakkuri, working_age, email="tyoikaiset@example.fi")
    mail.outbox.clear()
    client.post(URL, answers(kaakkuri, children, opened_a_minute_ago, name="Maija Meikäläinen"))
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    message = mail.outbox[0]
    text = f"{message.subject}\n{message.body}"
    for personal in (CONCERN, "Nuori", PHONE, "765", EMAIL, "vanhempi", "Maija"):
        assert personal not in text
    assert reverse("contacts:queue") in message.body
    assert other_queue.email not in [m.to[0] for m in mail.outbox]


def test_the_queue_shows_the_contact(client, kaakkuri, children, opened_a_minute_ago):
    coordinator = coordinator_of(kaakkuri, children)
    client.post(URL, answers(kaakkuri, children, opened_a_minute_ago))
    contact = Contact.objects.get()
    client.force_login(coordinator)
    response = client.get(reverse("contacts:queue"))
    assert contact in response.context["queue"].new_contacts
    assert reverse("contacts:detail", args=[contact.pk]) in response.content.decode()


def test_the_honeypot_stores_nothing(client, kaakkuri, children, opened_a_minute_ago):
    response = client.post(
        URL, answers(kaakkuri, children, opened_a_minute_ago, website="http://spam.example")
    )
    assert response.status_code == 200
    assert response.context["refusal"]
    assert not Contact.objects.exists()


def test_a_form_sent_too_fast_stores_nothing(client, kaakkuri, children):
    response = client.post(URL, answers(kaakkuri, children, protection.opened_stamp()))
    assert response.status_code == 200
    assert response.context["refusal"]
    assert not Contact.objects.exists()
    # The form comes back with the answers and a fresh stamp, so a person can send it again.
    assert response.context["form"]["concern"].value() == CONCERN


# Named ids: the stale stamp is signed at collection time, and every xdist worker must
# collect the same test names.
@pytest.mark.parametrize(
    "stamp", ["", "forged", protection.opened_stamp(0)], ids=["missing", "forged", "stale"]
)
def test_a_missing_forged_or_stale_stamp_stores_nothing(client, kaakkuri, children, stamp):
    response = client.post(URL, answers(kaakkuri, children, stamp))
    assert response.status_code == 200
    assert not Contact.objects.exists()


def test_one_connection_is_limited_per_hour(
    client, kaakkuri, children, opened_a_minute_ago, settings
):
    settings.ARKI_PUBLIC_CONTACTS_PER_IP_PER_HOUR = 2
    for _ in range(2):
        assert client.post(URL, answers(kaakkuri, children, opened_a_minute_ago)).status_code == 302
    response = client.post(URL, answers(kaakkuri, children, opened_a_minute_ago))
    assert response.status_code == 429
    assert response.context["refusal"]
    assert Contact.objects.count() == 2
    # Another connection may still send.
    other = client.post(
        URL, answers(kaakkuri, children, opened_a_minute_ago), REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 302


def test_a_flood_to_one_area_is_stopped(client, kaakkuri, children, opened_a_minute_ago, settings):
    settings.ARKI_PUBLIC_CONTACTS_PER_AREA_PER_HOUR = 2
    for number in range(2):
        client.post(
            URL, answers(kaakkuri, children, opened_a_minute_ago), REMOTE_ADDR=f"10.0.1.{number}"
        )
    response = client.post(
        URL, answers(kaakkuri, children, opened_a_minute_ago), REMOTE_ADDR="10.0.2.1"
    )
    assert response.status_code == 429
    assert response.context["refusal"]
    assert Contact.objects.count() == 2


def test_refusals_speak_english_to_an_english_reader(client, kaakkuri, children, settings):
    settings.LANGUAGE_CODE = "en"
    response = client.post(URL, answers(kaakkuri, children, protection.opened_stamp()))
    assert "sent very quickly" in response.context["refusal"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"concern": "x" * 1001}, "concern"),
        ({"concern": "   "}, "concern"),
        ({"phone": "", "email": ""}, "phone"),
        ({"phone": "soita minulle"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"area": 999999}, "area"),
        ({"area": "kaakkuri"}, "area"),
        ({"consent_to_contact": None}, "consent_to_contact"),
        ({"contacted_by": ContactedBy.PROFESSIONAL}, "contacted_by"),
        ({"contacted_by": ContactedBy.CLIENT}, "contacted_by"),  # the children's programme
    ],
)
def test_bad_input_is_a_form_error(
    client, kaakkuri, children, opened_a_minute_ago, overrides, field
):
    response = client.post(URL, answers(kaakkuri, children, opened_a_minute_ago, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Contact.objects.exists()


def test_errors_are_linked_to_their_fields(client, kaakkuri, children, opened_a_minute_ago):
    response = client.post(
        URL, answers(kaakkuri, children, opened_a_minute_ago, phone="", email="")
    )
    html = response.content.decode()
    assert 'id="id_phone_error"' in html
    assert (
        'aria-describedby="id_phone_error' in html
        or "id_phone_error" in html.split('name="phone"')[1].split(">")[0]
    )


def test_a_browser_retry_records_one_contact(client, kaakkuri, children, opened_a_minute_ago):
    data = answers(
        kaakkuri,
        children,
        opened_a_minute_ago,
        submission_token="7d9b5e2a-2a57-4a3f-9c47-0c4b2f6b1e11",
    )
    client.post(URL, data)
    client.post(URL, data)
    assert Contact.objects.count() == 1


def test_a_public_contact_convened_shows_in_the_network_timeline(
    client, kaakkuri, children, opened_a_minute_ago
):
    from contacts.services import convene
    from networks.timeline import network_timeline

    coordinator = coordinator_of(kaakkuri, children)
    client.post(URL, answers(kaakkuri, children, opened_a_minute_ago))
    contact = Contact.objects.get()
    Contact.objects.filter(pk=contact.pk).update(consent=Consent.AGREES)  # asked on the call
    contact.refresh_from_db()
    network = convene(
        contact=contact,
        by=coordinator,
        expected_version=contact.version,
        subject_name="Lapsi Esimerkki",
        subject_birth_date=None,
    )
    assert network_timeline(network)[0].responsible  # nobody signed in sent it: no crash, a label


def test_the_connection_limit_is_shared_by_every_process(db, settings):
    """Counted in the database, not a process's cache: another server sees the same count."""
    from django.core.cache import cache

    from contacts.models import SenderCount

    settings.ARKI_PUBLIC_CONTACTS_PER_IP_PER_HOUR = 2
    protection.count_ip("203.0.113.9")
    cache.clear()  # another process starts with an empty cache
    assert not protection.over_ip_limit("203.0.113.9")
    protection.count_ip("203.0.113.9")
    cache.clear()
    assert protection.over_ip_limit("203.0.113.9")
    assert not protection.over_ip_limit("203.0.113.10")
    # No address is stored: only a keyed hash.
    assert not SenderCount.objects.filter(key__contains="203.0.113").exists()
