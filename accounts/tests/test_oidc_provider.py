"""Organisation sign-in against a real OpenID provider on localhost (accounts/tests/oidc_provider.py).

Nothing is patched: Arki reads the provider's discovery document, sends the browser to its
authorization endpoint, exchanges the code over HTTP, and checks the signed ID token itself.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.urls import reverse

from accounts import oidc as arki_oidc
from accounts.models import Membership, MembershipSource, SecurityEvent, SecurityEventKind, User
from accounts.tests.factories import UserFactory
from accounts.tests.oidc_provider import LocalProvider
from audit.roles import Role
from directory.tests.factories import AreaFactory

pytestmark = pytest.mark.django_db

EMAIL = "liisa.virtanen@example.fi"
GROUPS = {
    "arki-coordinators-kaakkuri": [{"role": "coordinator", "area": "kaakkuri"}],
    "arki-professionals": [{"role": "professional"}],
    "arki-professionals-tuira": [{"role": "professional", "area": "tuira"}],
    "arki-broken": [{"role": "professional", "area": "no-such-area"}],
}


@pytest.fixture
def provider(settings):
    with LocalProvider() as op:
        settings.OIDC_ENABLED = True
        settings.OIDC_RP_CLIENT_ID = op.client_id
        settings.OIDC_RP_CLIENT_SECRET = op.client_secret
        settings.OIDC_RP_SIGN_ALGO = "RS256"
        settings.OIDC_OP_DISCOVERY_URL = op.discovery_url
        for name in arki_oidc.DISCOVERED:  # only discovery names the provider's addresses
            setattr(settings, name, "")
        settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, arki_oidc.BACKEND]
        settings.ROOT_URLCONF = "accounts.tests.oidc_urls"
        settings.LANGUAGE_CODE = "en"
        settings.ARKI_REQUIRE_OTP = False
        settings.ARKI_OIDC_GROUPS = GROUPS
        settings.ARKI_OIDC_GROUPS_CLAIM = "groups"
        settings.ARKI_OIDC_CREATE_USERS = False
        AreaFactory(code="kaakkuri", name="Kaakkuri")
        AreaFactory(code="tuira", name="Tuira")
        yield op


def sign_in(client, provider, next_url: str = ""):
    """The browser's round trip: Arki → the provider's /authorize → back to Arki's callback."""
    start = client.get(
        reverse("accounts:oidc_authentication_init") + (f"?next={next_url}" if next_url else "")
    )
    assert start.status_code == 302
    assert start["Location"].startswith(f"{provider.issuer}/authorize?")
    answer = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlparse(answer.headers["Location"])
    assert back.path == reverse("accounts:oidc_authentication_callback")
    query = {key: values[0] for key, values in parse_qs(back.query).items()}
    return client.get(back.path, query), query


def memberships(user) -> set[tuple[str, str | None, str]]:
    return {
        (m.role, m.area.code if m.area else None, m.source)
        for m in Membership.objects.filter(user=user).select_related("area")
    }


def test_sign_in_gives_the_memberships_of_the_groups(client, provider, caplog):
    user = UserFactory(email=EMAIL)
    provider.claims["groups"] = ["arki-coordinators-kaakkuri", "unknown-group", "arki-broken"]

    with caplog.at_level(logging.ERROR, logger="arki.accounts.oidc"):
        response, _ = sign_in(client, provider, next_url="/networks/mine/")

    assert response.status_code == 302
    assert response["Location"] == "/networks/mine/"
    assert client.session["_auth_user_id"] == str(user.pk)
    # Unknown groups are ignored; a group naming an unknown area is logged, never a 500.
    assert memberships(user) == {("coordinator", "kaakkuri", MembershipSource.OIDC)}
    assert "'arki-broken' names an unknown area 'no-such-area'" in caplog.text
    # The coordinator role opens personal data: its grant is a security event like any other.
    grant = SecurityEvent.objects.get(kind=SecurityEventKind.MEMBERSHIP_GRANTED, user=user)
    assert grant.role == Role.COORDINATOR and grant.scope == "Kaakkuri"
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.SIGNED_IN, user=user).exists()
    # PKCE and the client secret went to the provider's token endpoint.
    assert provider.token_requests[-1]["code_verifier"]


def test_memberships_follow_the_groups_at_the_next_sign_in_and_local_ones_stay(client, provider):
    user = UserFactory(email=EMAIL)
    Membership.objects.create(user=user, role=Role.LEADERSHIP_MEMBER)  # granted in Arki
    provider.claims["groups"] = ["arki-coordinators-kaakkuri", "arki-professionals"]
    sign_in(client, provider)
    assert memberships(user) == {
        ("leadership_member", None, "local"),
        ("coordinator", "kaakkuri", "oidc"),
        ("professional", None, "oidc"),
    }

    client.post(reverse("accounts:logout"))
    provider.claims["groups"] = ["arki-professionals-tuira", "arki-professionals"]
    response, _ = sign_in(client, provider)

    assert response.status_code == 302
    assert memberships(user) == {
        ("leadership_member", None, "local"),
        ("professional", "tuira", "oidc"),
        ("professional", None, "oidc"),
    }
    # The coordinator role opened personal data: its removal is in the security log.
    removed = SecurityEvent.objects.filter(kind=SecurityEventKind.MEMBERSHIP_REMOVED, user=user)
    assert [(event.role, event.scope) for event in removed] == [("coordinator", "Kaakkuri")]

    client.post(reverse("accounts:logout"))
    provider.claims["groups"] = []
    sign_in(client, provider)
    assert memberships(user) == {("leadership_member", None, "local")}


def test_a_group_already_granted_in_arki_stays_local(client, provider):
    user = UserFactory(email=EMAIL)
    Membership.objects.create(user=user, role=Role.PROFESSIONAL)
    provider.claims["groups"] = ["arki-professionals"]
    sign_in(client, provider)
    client.post(reverse("accounts:logout"))
    provider.claims["groups"] = []
    sign_in(client, provider)
    assert memberships(user) == {("professional", None, "local")}


def test_a_first_time_user_is_created_only_from_a_mapped_group_when_allowed(
    client, provider, settings
):
    provider.claims["groups"] = ["arki-professionals"]
    response, _ = sign_in(client, provider)  # ARKI_OIDC_CREATE_USERS is off
    assert response["Location"] == reverse("accounts:login")
    assert not User.objects.filter(email=EMAIL).exists()

    settings.ARKI_OIDC_CREATE_USERS = True
    provider.claims["groups"] = ["unknown-group", "arki-broken"]
    sign_in(client, provider)  # no group maps to a membership
    assert not User.objects.filter(email=EMAIL).exists()

    provider.claims["groups"] = ["arki-professionals-tuira"]
    response, _ = sign_in(client, provider)
    user = User.objects.get(email=EMAIL)
    assert response.status_code == 302 and response["Location"] != reverse("accounts:login")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.full_name == "Liisa Virtanen" and not user.has_usable_password()
    assert memberships(user) == {("professional", "tuira", "oidc")}


@pytest.mark.parametrize("fault", ["issuer", "audience", "signature", "expired"])
def test_a_bad_id_token_is_refused(client, provider, fault, caplog):
    user = UserFactory(email=EMAIL)
    provider.claims["groups"] = ["arki-professionals"]
    provider.fault = fault

    with caplog.at_level(logging.WARNING, logger="arki.accounts.oidc"):
        response, _ = sign_in(client, provider)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    page = client.get(response["Location"])
    assert "Signing in with your organisation account did not succeed" in page.content.decode()
    assert "_auth_user_id" not in client.session
    assert not Membership.objects.filter(user=user).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.SIGN_IN_FAILED).exists()
    reason = {
        "issuer": "Invalid issuer",
        "audience": "Audience doesn't match",
        "signature": "Signature verification failed",
        "expired": "Signature has expired",
    }[fault]
    assert reason in caplog.text


def test_an_id_token_replayed_from_an_earlier_sign_in_is_refused(client, provider, caplog):
    user = UserFactory(email=EMAIL)
    sign_in(client, provider)
    client.post(reverse("accounts:logout"))
    provider.fault = "replay"  # the provider (or an attacker) hands back the earlier ID token

    with caplog.at_level(logging.WARNING, logger="arki.accounts.oidc"):
        response, _ = sign_in(client, provider)

    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert "Nonce verification failed" in caplog.text
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.SIGNED_IN, user=user).count() == 1


def test_a_replayed_callback_is_refused(client, provider):
    UserFactory(email=EMAIL)
    response, query = sign_in(client, provider)
    assert "_auth_user_id" in client.session
    client.post(reverse("accounts:logout"))

    again = client.get(reverse("accounts:oidc_authentication_callback"), query)

    assert again.status_code == 302 and again["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_signing_out_signs_out_at_the_provider_with_the_id_token(client, provider):
    user = UserFactory(email=EMAIL)
    sign_in(client, provider)
    id_token = provider.id_tokens[-1]

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert (
        f"{location.scheme}://{location.netloc}{location.path}" == f"{provider.issuer}/end_session"
    )
    query = {key: values[0] for key, values in parse_qs(location.query).items()}
    assert query["id_token_hint"] == id_token
    assert query["post_logout_redirect_uri"] == "http://testserver" + reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.SIGNED_OUT, user=user).exists()
    # The provider ends its session and sends the browser back to Arki's sign-in page.
    at_provider = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert at_provider.headers["Location"] == query["post_logout_redirect_uri"]
    assert provider.ended_sessions[-1]["id_token_hint"] == id_token


def test_the_oidc_logout_url_also_signs_out_at_the_provider(client, provider):
    UserFactory(email=EMAIL)
    sign_in(client, provider)
    response = client.post(reverse("accounts:oidc_logout"))
    assert response["Location"].startswith(f"{provider.issuer}/end_session?")


def test_a_password_user_signs_out_as_before(client, provider):
    user = UserFactory(email="password.user@example.fi")
    client.force_login(user, backend="accounts.backends.ModelBackend")
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")


def test_an_unreachable_provider_is_a_clear_message_not_an_error(client, provider, settings):
    settings.OIDC_OP_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    response = client.get(reverse("accounts:oidc_authentication_init"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert "not available right now" in response.content.decode()


def test_a_discovery_document_of_another_issuer_is_refused(provider, settings):
    # Served by this provider, but read from an address that is not its issuer.
    settings.OIDC_OP_DISCOVERY_URL = provider.discovery_url.replace("127.0.0.1", "localhost")
    with pytest.raises(arki_oidc.ProviderUnavailable, match="does not match"):
        arki_oidc.discovery()
