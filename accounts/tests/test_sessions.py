"""Sessions end after inactivity, after an absolute limit, and at once when a user is disabled."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import SecurityEvent, SecurityEventKind, UserSession
from accounts.services import LAST_ACTIVITY, SIGNED_IN_AT, deactivate_user
from accounts.tests.factories import PASSWORD, UserFactory, user_with_role
from audit.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def sign_in(client, user):
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client.session.session_key


def age_session(client, **seconds_ago):
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_signing_in_gives_a_new_session_key_and_drops_the_old_one(client):
    user = UserFactory()
    client.get(reverse("accounts:login"))
    session = client.session
    session["planted"] = "by someone else"
    session.save()
    before = session.session_key

    after = sign_in(client, user)

    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert Session.objects.filter(session_key=after).exists()
    assert UserSession.objects.get(session_key=after).user == user


def test_an_active_session_stays_signed_in(client):
    user = user_with_role(Role.COORDINATOR)
    sign_in(client, user)
    age_session(client, **{LAST_ACTIVITY: 29 * 60, SIGNED_IN_AT: 7 * 3600})
    assert client.get(reverse("home:home")).status_code == 200
    # The request counted as activity.
    assert time.time() - client.session[LAST_ACTIVITY] < 5


def test_thirty_minutes_without_activity_signs_out(client):
    user = user_with_role(Role.COORDINATOR)
    sign_in(client, user)
    age_session(client, **{LAST_ACTIVITY: 31 * 60})

    response = client.get(reverse("networks:mine"), follow=True)

    assert response.redirect_chain[0][0] == reverse("accounts:login") + "?next=" + reverse(
        "networks:mine"
    )
    assert "_auth_user_id" not in client.session
    assert "You were signed out after 30 minutes without activity." in response.content.decode()
    assert SecurityEvent.objects.filter(user=user, kind=SecurityEventKind.SESSION_EXPIRED).exists()


def test_the_message_is_in_the_users_language(client, settings):
    settings.LANGUAGE_CODE = "fi"
    settings.SESSION_IDLE_TIMEOUT = 60
    sign_in(client, user_with_role(Role.COORDINATOR))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    age_session(client, **{LAST_ACTIVITY: 61})
    response = client.get(reverse("home:home"), follow=True)
    assert response.context["LANGUAGE_CODE"] == "en"
    assert "You were signed out after 1 minute without activity." in response.content.decode()


def test_the_absolute_limit_signs_out_an_active_session(client, settings):
    user = user_with_role(Role.COORDINATOR)
    sign_in(client, user)
    age_session(client, **{SIGNED_IN_AT: 8 * 3600 + 5, LAST_ACTIVITY: 10})

    response = client.get(reverse("home:home"), follow=True)

    assert "_auth_user_id" not in client.session
    assert "8 hours have passed since you signed in" in response.content.decode()


def test_the_limits_are_settings(client, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    sign_in(client, user_with_role(Role.COORDINATOR))
    age_session(client, **{LAST_ACTIVITY: 6 * 60})
    assert client.get(reverse("home:home")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_htmx_request_is_sent_to_the_sign_in_page_as_a_whole(client):
    sign_in(client, user_with_role(Role.COORDINATOR))
    age_session(client, **{LAST_ACTIVITY: 31 * 60})
    response = client.get(reverse("home:home"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("accounts:login")


def test_deactivating_a_user_ends_all_their_sessions_at_once(client):
    user = user_with_role(Role.COORDINATOR)
    administrator = user_with_role(Role.ADMINISTRATOR)
    laptop, phone = Client(), Client()
    keys = [sign_in(laptop, user), sign_in(phone, user)]
    other = Client()
    sign_in(other, user_with_role(Role.PROFESSIONAL))

    deactivate_user(user, by=administrator)

    assert not Session.objects.filter(session_key__in=keys).exists()
    for browser in (laptop, phone):
        assert browser.get(reverse("home:home")).status_code == 302
    assert other.get(reverse("home:home")).status_code == 200
    user.refresh_from_db()
    assert not user.is_active
    event = SecurityEvent.objects.get(kind=SecurityEventKind.USER_DEACTIVATED)
    assert (event.user, event.actor) == (user, administrator)


def test_an_administrator_cannot_deactivate_themself():
    administrator = user_with_role(Role.ADMINISTRATOR)
    with pytest.raises(ValueError, match="own account"):
        deactivate_user(administrator, by=administrator)


def test_the_admin_action_deactivates_and_signs_out(client):
    user = user_with_role(Role.COORDINATOR)
    browser = Client()
    sign_in(browser, user)
    client.force_login(user_with_role(Role.ADMINISTRATOR))

    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [user.pk]},
    )

    assert browser.get(reverse("home:home")).status_code == 302
    assert SecurityEvent.objects.filter(user=user, kind=SecurityEventKind.USER_DEACTIVATED).exists()


def test_unticking_active_in_the_admin_form_also_signs_out(client):
    user = user_with_role(Role.COORDINATOR, email="tuomas@example.fi", full_name="Tuomas")
    browser = Client()
    key = sign_in(browser, user)
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "phone": "",
        "preferred_language": "fi",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }

    response = client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Session.objects.filter(session_key=key).exists()
    assert browser.get(reverse("home:home")).status_code == 302


def test_the_request_of_an_inactive_user_is_anonymous(client):
    user = user_with_role(Role.COORDINATOR)
    client.force_login(user)
    # Even when the flag is cleared behind the services' back, the session is no longer signed in.
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(reverse("home:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_signing_out_forgets_the_session(client):
    user = user_with_role(Role.COORDINATOR)
    key = sign_in(client, user)
    client.post(reverse("accounts:logout"))
    assert not UserSession.objects.filter(session_key=key).exists()
