"""Giving someone a role that reaches personal data is a security event the officer sees."""

import pytest
from django.urls import reverse

from accounts.models import Membership, SecurityEvent, SecurityEventKind
from accounts.tests.factories import UserFactory, user_with_role
from audit.roles import Role

pytestmark = pytest.mark.django_db

GRANTED = SecurityEventKind.MEMBERSHIP_GRANTED


def grants():
    return SecurityEvent.objects.filter(kind=GRANTED).order_by("id")


def admin_form(user, memberships=(), **changes):
    """The admin's user form as the browser posts it, with its membership rows."""
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "phone": "",
        "preferred_language": "fi",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(sum(1 for row in memberships if row.get("id"))),
    }
    for index, row in enumerate(memberships):
        for name, value in row.items():
            data[f"memberships-{index}-{name}"] = value
        data[f"memberships-{index}-user"] = user.pk
    data.update(changes)
    return data


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def administrator(client):
    user = user_with_role(Role.ADMINISTRATOR, full_name="Aino Admin")
    client.force_login(user)
    return user


def test_an_administrator_giving_themself_the_coordinator_role_is_flagged(
    client, administrator, kaakkuri, children
):
    own = Membership.objects.get(user=administrator)
    rows = [
        {"id": own.pk, "role": Role.ADMINISTRATOR},
        {"role": Role.COORDINATOR, "area": kaakkuri.pk, "programme": children.pk},
    ]
    response = client.post(
        reverse("admin:accounts_user_change", args=[administrator.pk]),
        admin_form(administrator, rows),
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302, response.content.decode()[:3000]

    event = grants().get(role=Role.COORDINATOR)
    assert (event.user, event.actor) == (administrator, administrator)
    assert event.self_granted
    assert "Kaakkuri" in event.scope and str(children) in event.scope
    assert event.ip_address == "10.1.2.3" and event.request_id


def test_giving_someone_else_a_role_is_logged_with_who_did_it(client, administrator, kaakkuri):
    colleague = UserFactory(full_name="Kaisa Koordinaattori")
    response = client.post(
        reverse("admin:accounts_user_change", args=[colleague.pk]),
        admin_form(colleague, [{"role": Role.COORDINATOR, "area": kaakkuri.pk}]),
    )
    assert response.status_code == 302
    event = grants().get(user=colleague)
    assert (event.user, event.actor, event.role) == (colleague, administrator, Role.COORDINATOR)
    assert not event.self_granted


def test_changing_a_membership_to_a_personal_data_role_is_a_grant(client, administrator):
    colleague = user_with_role(Role.LEADERSHIP_MEMBER)
    membership = Membership.objects.get(user=colleague)
    assert not grants().filter(user=colleague).exists()  # leadership sees aggregates only

    client.post(
        reverse("admin:accounts_user_change", args=[colleague.pk]),
        admin_form(colleague, [{"id": membership.pk, "role": Role.DATA_PROTECTION_OFFICER}]),
    )

    assert grants().get(user=colleague).role == Role.DATA_PROTECTION_OFFICER


def test_saving_a_user_without_changing_roles_logs_nothing(client, administrator):
    colleague = user_with_role(Role.COORDINATOR)
    before = grants().count()
    membership = Membership.objects.get(user=colleague)
    client.post(
        reverse("admin:accounts_user_change", args=[colleague.pk]),
        admin_form(colleague, [{"id": membership.pk, "role": Role.COORDINATOR}], phone="040 1"),
    )
    assert grants().count() == before


@pytest.mark.parametrize(
    "role", [Role.COORDINATOR, Role.DATA_PROTECTION_OFFICER, Role.ADMINISTRATOR]
)
def test_every_path_that_creates_a_membership_logs_it(role):
    user = user_with_role(role)  # the factory saves a Membership like any script would
    event = grants().get(user=user)
    assert event.actor is None and event.role == role


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.LEADERSHIP_MEMBER])
def test_roles_without_personal_data_are_not_logged(role):
    user_with_role(role)
    assert not grants().exists()


def test_the_officer_sees_the_grants_with_self_grants_flagged(client, administrator, kaakkuri):
    client.post(
        reverse("admin:accounts_user_change", args=[administrator.pk]),
        admin_form(
            administrator,
            [
                {"id": Membership.objects.get(user=administrator).pk, "role": "administrator"},
                {"role": Role.COORDINATOR, "area": kaakkuri.pk},
            ],
        ),
    )
    officer = user_with_role(Role.DATA_PROTECTION_OFFICER)
    client.force_login(officer)

    response = client.get(reverse("accounts:role_grants"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Aino Admin" in page and "Kaakkuri" in page
    assert "Self-granted" in page
    only_self = client.get(reverse("accounts:role_grants") + "?self=1")
    assert "Aino Admin" in only_self.content.decode()
    assert f"({officer.email})" in page
    assert f"({officer.email})" not in only_self.content.decode()


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.COORDINATOR, Role.PROFESSIONAL])
def test_other_roles_do_not_see_the_grants(client, role):
    client.force_login(user_with_role(role))
    assert client.get(reverse("accounts:role_grants")).status_code == 403


def test_deactivating_ones_own_account_in_the_form_answers_with_a_message(client, administrator):
    own = Membership.objects.get(user=administrator)
    data = admin_form(administrator, [{"id": own.pk, "role": Role.ADMINISTRATOR}])
    del data["is_active"]

    response = client.post(reverse("admin:accounts_user_change", args=[administrator.pk]), data)

    assert response.status_code == 200
    assert "You cannot deactivate your own account." in response.content.decode()
    administrator.refresh_from_db()
    assert administrator.is_active
