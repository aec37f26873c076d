"""OIDC single sign-on: existing active users only, configured by the environment alone."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from accounts.models import SecurityEvent, SecurityEventKind, User
from accounts.oidc import ArkiOIDCBackend
from accounts.tests.conftest import OIDC_ENV, PROVIDER
from accounts.tests.factories import UserFactory, user_with_role
from arki import env
from audit.matrix import undeclared, walk
from audit.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider_says(monkeypatch):
    """The provider's answers, without the network: the claims its userinfo returns."""
    claims: dict = {}
    monkeypatch.setattr(
        ArkiOIDCBackend, "get_token", lambda self, payload: {"id_token": "i", "access_token": "a"}
    )
    monkeypatch.setattr(ArkiOIDCBackend, "verify_token", lambda self, token, **kw: {"sub": "1"})
    monkeypatch.setattr(ArkiOIDCBackend, "get_userinfo", lambda self, a, i, p: claims)
    return claims


def backend_user(claims):
    backend = ArkiOIDCBackend()
    backend.get_userinfo = lambda access, id_token, payload: claims
    return backend.get_or_create_user("a", "i", {"sub": "1"})


def test_the_email_claim_maps_to_an_existing_active_user(oidc):
    user = UserFactory(email="liisa.virtanen@example.fi")
    assert backend_user({"email": "Liisa.Virtanen@example.fi", "email_verified": True}) == user


def test_an_unknown_email_creates_no_user(oidc):
    count = User.objects.count()
    assert backend_user({"email": "stranger@example.fi"}) is None
    assert User.objects.count() == count


def test_an_inactive_user_is_refused(oidc):
    user = UserFactory(email="former@example.fi", is_active=False)
    assert backend_user({"email": "former@example.fi"}) is None
    assert ArkiOIDCBackend().get_user(user.pk) is None


def test_an_unverified_or_missing_email_is_refused(oidc):
    UserFactory(email="a@example.fi")
    assert backend_user({"email": "a@example.fi", "email_verified": False}) is None
    assert backend_user({"sub": "1"}) is None


def test_sign_in_through_the_provider(client, oidc, provider_says):
    user = user_with_role(Role.COORDINATOR, email="coordinator@example.fi")
    provider_says["email"] = "coordinator@example.fi"
    page = client.get(reverse("accounts:login"))
    assert "Sign in with your organisation account" in page.content.decode()

    start = client.get(reverse("accounts:oidc_authentication_init") + "?next=/networks/mine/")
    assert start.status_code == 302
    location = urlparse(start["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{PROVIDER}/authorize"
    query = parse_qs(location.query)
    assert query["code_challenge_method"] == ["S256"]

    back = client.get(
        reverse("accounts:oidc_authentication_callback"),
        {"code": "c", "state": query["state"][0]},
    )

    assert back.status_code == 302
    assert back["Location"] == "/networks/mine/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert SecurityEvent.objects.filter(user=user, kind=SecurityEventKind.SIGNED_IN).exists()


def test_a_refused_provider_sign_in_returns_to_the_sign_in_page(client, oidc, provider_says):
    provider_says["email"] = "stranger@example.fi"
    start = client.get(reverse("accounts:oidc_authentication_init"))
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]

    back = client.get(
        reverse("accounts:oidc_authentication_callback"), {"code": "c", "state": state}, follow=True
    )

    assert back.redirect_chain[-1][0] == reverse("accounts:login")
    assert "did not succeed" in back.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email="stranger@example.fi").exists()


@pytest.mark.parametrize(("counts", "status"), [(False, 302), (True, 200)])
def test_an_oidc_sign_in_counts_as_second_factor_only_when_configured(
    client, oidc, provider_says, counts, status
):
    oidc.ARKI_REQUIRE_OTP = True
    oidc.OIDC_COUNTS_AS_SECOND_FACTOR = counts
    user_with_role(Role.PROFESSIONAL, email="p@example.fi")
    provider_says["email"] = "p@example.fi"
    start = client.get(reverse("accounts:oidc_authentication_init"))
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]
    client.get(reverse("accounts:oidc_authentication_callback"), {"code": "c", "state": state})

    response = client.get(reverse("home:home"))

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("accounts:two_factor"))


def test_every_oidc_url_has_an_access_rule(oidc):
    from accounts.urls import oidc_urlpatterns

    assert len(oidc_urlpatterns()) == 3
    assert undeclared(walk(oidc_urlpatterns())) == []


def test_no_oidc_button_or_urls_without_configuration(client):
    assert "organisation account" not in client.get(reverse("accounts:login")).content.decode()


def test_a_full_configuration_is_read_with_rs256_by_default(monkeypatch):
    for name, value in OIDC_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("OIDC_RP_SIGN_ALGO", raising=False)
    assert env.get_oidc() == {**OIDC_ENV, "OIDC_RP_SIGN_ALGO": "RS256"}


def test_no_configuration_means_no_oidc(monkeypatch):
    for name in OIDC_ENV:
        monkeypatch.delenv(name, raising=False)
    assert env.get_oidc() == {}


@pytest.mark.parametrize("missing", sorted(OIDC_ENV))
def test_a_partial_configuration_names_the_missing_variable(monkeypatch, missing):
    for name, value in OIDC_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(missing, "")
    with pytest.raises(ImproperlyConfigured, match=missing):
        env.get_oidc()


def test_an_unknown_signing_algorithm_is_refused(monkeypatch):
    for name, value in OIDC_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("OIDC_RP_SIGN_ALGO", "none")
    with pytest.raises(ImproperlyConfigured, match="OIDC_RP_SIGN_ALGO"):
        env.get_oidc()


def test_a_partial_configuration_stops_start_up():
    base = Path(__file__).resolve().parents[2]
    environment = {key: value for key, value in os.environ.items() if not key.startswith("OIDC_")}
    environment.update(
        OIDC_RP_CLIENT_ID="arki", OIDC_OP_TOKEN_ENDPOINT=f"{PROVIDER}/token", ARKI_ENV="local"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=base,
        env={**environment, "DJANGO_SETTINGS_MODULE": "arki.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: OIDC_RP_CLIENT_SECRET" in result.stderr
