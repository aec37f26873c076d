import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_broken_database(client, monkeypatch):
    from django.db import DatabaseError

    def broken(*args, **kwargs):
        raise DatabaseError("down")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("fi", "Saavutettavuusseloste"),
        ("sv", "Tillgänglighetsutlåtande"),
        ("en", "Accessibility statement"),
    ],
)
def test_accessibility_statement_in_three_languages(client, language, heading):
    client.cookies["django_language"] = language
    response = client.get(reverse("home:accessibility"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert f"<h1>{heading}</h1>" in html


def test_every_page_links_the_accessibility_statement_and_sends_a_strict_csp(client):
    client.force_login(UserFactory())
    for url in [reverse("home:home"), reverse("accounts:login"), reverse("home:accessibility")]:
        response = client.get(url, follow=True)
        assert reverse("home:accessibility") in response.content.decode(), url
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy
        assert "unsafe-eval" not in policy
        assert "unsafe-inline" not in policy
        assert response.headers["X-Frame-Options"] == "DENY"


def test_home_requires_sign_in(client):
    response = client.get(reverse("home:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_finnish_is_the_default_language_with_finnish_dates(client):
    from datetime import date

    from django.utils import formats, translation

    with translation.override("fi"):
        assert formats.date_format(date(2026, 11, 22)) == "22.11.2026"
    response = client.get(reverse("accounts:login"))
    assert '<html lang="fi">' in response.content.decode()
