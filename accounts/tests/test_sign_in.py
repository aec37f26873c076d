import pytest
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory, user_with_role
from audit.roles import Role

pytestmark = pytest.mark.django_db


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_sign_in_with_email_and_a_new_session_key(client):
    user = UserFactory(email="liisa.virtanen@example.fi")
    client.get(reverse("accounts:login"))
    before = client.session.session_key
    response = sign_in(client, "liisa.virtanen@example.fi")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.session_key != before


def test_wrong_password_is_told_in_finnish(client):
    UserFactory(email="a@example.fi")
    response = sign_in(client, "a@example.fi", "wrong")
    assert response.status_code == 200
    assert "Sähköpostiosoite tai salasana ei ole oikein" in response.content.decode()


def test_passwords_are_hashed_with_argon2(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.create_user("b@example.fi", "a long enough passphrase", full_name="B")
    assert user.password.startswith("argon2")


def test_five_failures_lock_signing_in(client, settings):
    settings.AXES_ENABLED = True
    UserFactory(email="c@example.fi")
    for _ in range(5):
        sign_in(client, "c@example.fi", "wrong")
    response = sign_in(client, "c@example.fi")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_inactive_user_cannot_sign_in(client):
    UserFactory(email="d@example.fi", is_active=False)
    response = sign_in(client, "d@example.fi")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_out_needs_post(client):
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMINISTRATOR, 200),
        (Role.COORDINATOR, 302),
        (Role.PROFESSIONAL, 302),
        (Role.LEADERSHIP_MEMBER, 302),
        (Role.DEVELOPER_WORKER, 302),
    ],
)
def test_admin_site_is_for_administrators_only(client, role, status):
    client.force_login(user_with_role(role))
    response = client.get(reverse("admin:index"))
    assert response.status_code == status
    if status == 302:
        assert "/admin/login/" in response["Location"]


def test_administrator_can_manage_users_in_admin(client):
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_roles_are_read_from_memberships():
    user = user_with_role(Role.COORDINATOR)
    assert user.has_any_role([Role.COORDINATOR, Role.PROFESSIONAL])
    assert not user.has_any_role([Role.ADMINISTRATOR])
    assert not user.is_administrator
