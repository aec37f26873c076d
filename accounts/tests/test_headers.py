"""Security headers on every response, including the ones WhiteNoise answers."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


@pytest.mark.parametrize("url", [reverse("accounts:login"), reverse("home:healthz")])
def test_pages_carry_the_security_headers(client, url):
    response = client.get(url)
    for header, value in EXPECTED.items():
        assert response[header] == value, header
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in policy


def test_the_content_security_policy_stays_strict(client):
    policy = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_static_files_carry_the_permissions_policy(client):
    response = client.get("/static/arki/arki.css")
    assert response.status_code == 200
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
