"""The data-subject export: everything about one child or client, to their coordinator only."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from accounts.tests.factories import user_with_role
from audit.access import record_disclosure
from audit.models import AccessLog, Basis, DisclosureLog
from audit.roles import Role
from contacts.tests.helpers import coordinator_of
from family.models import FamilyLink
from privacy.export import subject_export
from privacy.retention import apply_retention
from privacy.tests.helpers import SECRETS, a_network

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(kaakkuri, children):
    return a_network(kaakkuri, children)


def url(network):
    return reverse("privacy:subject_export", args=[network.pk])


def test_the_export_holds_the_persons_data_and_the_log_rows(built):
    network = built.network
    record_disclosure(
        actor=built.coordinator,
        subject=network,
        data="meeting memo",
        recipient="Maija Virtanen",
        channel="download",
        basis="network participant: coordinator",
    )
    AccessLog.objects.create(
        actor=built.teacher,
        actor_label=built.teacher.email,
        subject_type="networks.network",
        subject_id=str(network.pk),
        action="view",
        basis="participant",
        success=True,
    )

    document = subject_export(network)

    assert document["network"]["name_of_the_child_or_client"] == SECRETS["subject"]
    assert document["network"]["date_of_birth"] == "2015-05-17"
    assert document["network"]["closing_summary"] == SECRETS["closing_summary"]
    names = {participant["name"]: participant for participant in document["participants"]}
    assert set(names) >= {SECRETS["mother"], SECRETS["teacher"]}
    assert names[SECRETS["mother"]]["relation"] == SECRETS["relation"]
    (meeting,) = document["meetings"]
    assert meeting["place"] == SECRETS["place"]
    record = meeting["record"]
    assert record["family_view"] == SECRETS["family_view"]
    assert [view["view"] for view in record["children_views"]] == [SECRETS["child_view"]]
    assert [child["date_of_birth"] for child in document["network"]["children"]] == ["2015-05-17"]
    assert record["protective_factors"] == SECRETS["protective_factors"]
    assert record["life_areas"][0]["strengths"] == SECRETS["strengths"]
    assert set(record["present"]) == {SECRETS["mother"], SECRETS["teacher"]}
    (goal,) = document["goals"]
    assert goal["goal"] == SECRETS["goal"]
    assert [rating["rating"] for rating in goal["ratings"]] == [3]
    (promise,) = document["promises"]
    assert (promise["who"], promise["act"]) == (SECRETS["teacher"], SECRETS["promise"])
    (link,) = document["family_links"]
    assert link["for"] == SECRETS["mother"]
    (contact,) = document["contacts"]
    assert contact["consent"] == "agrees"
    assert contact["concern"] == SECRETS["concern"]
    assert document["feedback_invitations_sent"]
    assert any(row["by"] == built.teacher.email for row in document["access_log"])
    assert "Maija Virtanen" in [row["recipient"] for row in document["disclosure_log"]]

    text = json.dumps(document, ensure_ascii=False)
    stored = FamilyLink.objects.get()
    assert stored.token_hash not in text
    assert "token" not in text and "code_hash" not in text
    # Participants' contact details and the caller's identity stay out.
    assert all("email" not in row and "phone" not in row for row in document["participants"])
    assert SECRETS["mother_phone"] not in text
    assert SECRETS["caller"] not in text and SECRETS["caller_phone"] not in text


def test_the_coordinator_downloads_it_and_a_disclosure_row_is_written(client, built):
    network = built.network
    client.force_login(built.coordinator)

    response = client.get(url(network))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == (
        f'attachment; filename="arki-network-{network.pk}.json"'
    )
    document = json.loads(response.content)
    assert document["network"]["id"] == network.pk
    assert document["network"]["name_of_the_child_or_client"] == SECRETS["subject"]
    # The request itself is in the access log it exports.
    assert document["access_log"][-1]["action"] == "export"
    assert document["access_log"][-1]["allowed"] is True
    row = DisclosureLog.objects.get(channel="export")
    assert (row.subject_type, row.subject_id) == ("networks.network", str(network.pk))
    assert row.actor == built.coordinator
    assert row.recipient == "the data subject (Article 15 request)"
    assert (row.channel, row.basis) == ("export", Basis.DATA_SUBJECT_REQUEST)
    log = AccessLog.objects.filter(action="export").get()
    assert (log.actor, log.success, log.basis) == (built.coordinator, True, "coordinator")


@pytest.mark.parametrize("who", ["participant", "stranger", "other_area_coordinator"])
def test_anyone_but_a_coordinator_is_refused_and_logged(client, built, tuira, children, who):
    network = built.network
    user = {
        "participant": lambda: built.teacher,
        "stranger": lambda: user_with_role(Role.PROFESSIONAL),
        "other_area_coordinator": lambda: coordinator_of(tuira, children),
    }[who]()
    client.force_login(user)

    response = client.get(url(network))

    assert response.status_code == 403
    assert SECRETS["subject"] not in response.content.decode()
    log = AccessLog.objects.filter(action="export").get()
    assert (log.actor, log.success) == (user, False)
    assert (log.subject_type, log.subject_id) == ("networks.network", str(network.pk))
    assert not DisclosureLog.objects.filter(channel="export").exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, built):
    response = client.get(url(built.network))
    assert response.status_code == 302
    assert not DisclosureLog.objects.filter(channel="export").exists()


def test_the_network_page_links_the_export_for_coordinators_only(client, built):
    network = built.network
    link = url(network)
    client.force_login(built.coordinator)
    assert link in client.get(reverse("networks:detail", args=[network.pk])).content.decode()
    client.force_login(built.teacher)
    page = client.get(reverse("networks:detail", args=[network.pk]))
    assert page.status_code == 200
    assert link not in page.content.decode()


def test_an_erased_network_exports_only_pseudonyms(built):
    network = built.network
    apply_retention(
        network.closed_at.date().replace(year=network.closed_at.year + 40), dry_run=False
    )
    network.refresh_from_db()

    document = subject_export(network)
    # The append-only logs are kept as they were written; everything else is erased.
    logs = document.pop("access_log"), document.pop("disclosure_log")
    text = json.dumps(document, ensure_ascii=False)

    assert logs[0][-1]["basis"] == "retention"
    assert f"Verkosto {network.pk}" in text
    assert not [name for name, secret in SECRETS.items() if secret in text]
