"""Contact pages: roles, access log, double submits, optimistic locking, the queue."""

import uuid

import pytest
from django.urls import reverse

from accounts.tests.factories import user_with_role
from audit.models import AccessLog
from audit.roles import Role
from contacts.models import Contact, Outcome
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
        "contacted_by": "other",
        "contact_person_name": "Opettaja Aino",
        "contact_person_service": "Kaakkurin koulu",
        "concern": "Poissaoloja",
        "lp_discussion": "held",
        "consent": "agrees",
    }
    data.update(overrides)
    return data


def test_coordinator_records_a_contact_once_even_if_the_browser_retries(
    client, coordinator, kaakkuri, children
):
    client.force_login(coordinator)
    data = form_data(kaakkuri, children)
    first = client.post(reverse("contacts:new"), data)
    second = client.post(reverse("contacts:new"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Contact.objects.count() == 1


def test_no_consent_without_ground_shows_errors_in_finnish(client, coordinator, kaakkuri, children):
    client.force_login(coordinator)
    response = client.post(
        reverse("contacts:new"), form_data(kaakkuri, children, consent="no_consent")
    )
    assert response.status_code == 200
    assert Contact.objects.count() == 0
    assert response.context["form"].errors.keys() >= {"legal_ground", "no_consent_reasons"}


def test_only_coordinators_reach_the_queue_and_contact_log(client, kaakkuri, children):
    client.force_login(user_with_role(Role.PROFESSIONAL))
    assert client.get(reverse("contacts:queue")).status_code == 403
    assert client.get(reverse("contacts:new")).status_code == 403


def test_contact_page_is_access_checked_and_logged(client, coordinator, kaakkuri, tuira, children):
    contact = a_contact(kaakkuri, children, coordinator)
    client.force_login(coordinator)
    assert client.get(reverse("contacts:detail", args=[contact.pk])).status_code == 200
    row = AccessLog.objects.get()
    assert (row.subject_type, row.subject_id, row.basis, row.success) == (
        "contacts.contact",
        str(contact.pk),
        "coordinator",
        True,
    )

    other_area = coordinator_of(tuira, children)
    client.force_login(other_area)
    assert client.get(reverse("contacts:detail", args=[contact.pk])).status_code == 403
    assert AccessLog.objects.filter(success=False, actor=other_area).count() == 1


def test_professional_sends_a_request_and_follows_its_status(
    client, kaakkuri, children, coordinator
):
    curator = professional()
    client.force_login(curator)
    data = form_data(kaakkuri, children)
    response = client.post(reverse("contacts:request"), data)
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.contact_person == curator
    page = client.get(reverse("contacts:my_requests")).content.decode()
    assert "Odottaa koordinaattoria" in page or "Waiting for the coordinator" in page
    # The coordinator sees it in the queue.
    client.force_login(coordinator)
    queue = client.get(reverse("contacts:queue"))
    assert contact in queue.context["queue"].new_contacts
    # The sender may view, but not handle, the contact.
    client.force_login(curator)
    assert client.get(reverse("contacts:detail", args=[contact.pk])).status_code == 200
    assert client.get(reverse("contacts:edit", args=[contact.pk])).status_code == 403


def test_second_save_of_the_same_version_is_refused_and_nothing_is_lost(
    client, coordinator, kaakkuri, children
):
    contact = a_contact(kaakkuri, children, coordinator)
    client.force_login(coordinator)
    url = reverse("contacts:edit", args=[contact.pk])
    base = form_data(kaakkuri, children, version=1, submission_token=str(contact.submission_token))
    assert client.post(url, {**base, "concern": "Ensimmäinen"}).status_code == 302
    response = client.post(url, {**base, "concern": "Toinen"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert response.context["form"]["concern"].value() == "Toinen"
    contact.refresh_from_db()
    assert contact.concern == "Ensimmäinen"


def test_queue_partial_for_htmx(client, coordinator, kaakkuri, children):
    a_contact(kaakkuri, children, coordinator)
    client.force_login(coordinator)
    response = client.get(reverse("contacts:queue"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert len(response.context["queue"].new_contacts) == 1


def test_advice_path_closes_the_contact(client, coordinator, kaakkuri, children):
    contact = a_contact(kaakkuri, children, coordinator)
    client.force_login(coordinator)
    client.post(
        reverse("contacts:advice", args=[contact.pk]),
        {"version": 1, "advice_given": "Ohjattiin perheneuvolaan"},
    )
    contact.refresh_from_db()
    assert contact.outcome == Outcome.ADVICE
    queue = client.get(reverse("contacts:queue")).context["queue"]
    assert queue.new_contacts == []


def test_professional_records_an_lp_discussion(client, kaakkuri, children):
    from contacts.models import MethodDiscussion

    curator = professional()
    client.force_login(curator)
    assert client.get(reverse("contacts:discussion")).status_code == 200
    response = client.post(
        reverse("contacts:discussion"),
        {
            "held_on": "2026-11-20",
            "area": kaakkuri.pk,
            "programme": children.pk,
            "wider_support_needed": "yes",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:request")
    assert MethodDiscussion.objects.get().recorded_by == curator
