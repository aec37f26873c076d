"""The security events log: sign-in events, append-only, no attempted email or password."""

import hashlib

import pytest
from django.urls import reverse

from accounts.models import SecurityEvent, SecurityEventKind
from accounts.services import record_security_event
from accounts.tests.factories import PASSWORD, UserFactory, user_with_role
from audit.roles import Role
from core.models import AppendOnlyError

pytestmark = pytest.mark.django_db


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def row_text(event: SecurityEvent) -> str:
    return " ".join(str(getattr(event, field.attname)) for field in SecurityEvent._meta.fields)


def test_a_sign_in_is_logged_with_address_and_request_id(client):
    user = UserFactory(email="liisa@example.fi")
    response = sign_in(client, "liisa@example.fi")
    event = SecurityEvent.objects.get(kind=SecurityEventKind.SIGNED_IN)
    assert event.user == user
    assert event.ip_address == "127.0.0.1"
    assert event.request_id and event.request_id == response["X-Request-ID"]
    assert event.email_hash == ""


def test_a_failed_sign_in_stores_a_hash_never_the_email_or_password(client):
    user = UserFactory(email="liisa@example.fi")
    sign_in(client, "Liisa@Example.fi", "my secret guess")

    event = SecurityEvent.objects.get(kind=SecurityEventKind.SIGN_IN_FAILED)

    assert event.email_hash == hashlib.sha256(b"liisa@example.fi").hexdigest()
    assert event.user == user
    text = row_text(event).lower()
    assert "liisa@example.fi" not in text
    assert "my secret guess" not in text


def test_a_failed_sign_in_with_an_unknown_email(client):
    sign_in(client, "nobody@example.fi", "guess")
    event = SecurityEvent.objects.get(kind=SecurityEventKind.SIGN_IN_FAILED)
    assert event.user is None
    assert event.email_hash == hashlib.sha256(b"nobody@example.fi").hexdigest()
    assert "nobody" not in row_text(event)


def test_signing_out_is_logged(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("accounts:logout"))
    assert SecurityEvent.objects.filter(user=user, kind=SecurityEventKind.SIGNED_OUT).exists()


def test_a_lock_out_is_logged(client, settings):
    settings.AXES_ENABLED = True
    UserFactory(email="c@example.fi")
    for _ in range(5):
        sign_in(client, "c@example.fi", "wrong")
    event = SecurityEvent.objects.get(kind=SecurityEventKind.LOCKED_OUT)
    assert event.email_hash == hashlib.sha256(b"c@example.fi").hexdigest()


def test_security_events_are_append_only():
    event = record_security_event(SecurityEventKind.SIGNED_IN, user=UserFactory())
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.update(kind=SecurityEventKind.SIGNED_OUT)


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown"):
        record_security_event("became_administrator")


def test_administrators_read_the_log_in_the_admin_but_cannot_change_it(client):
    record_security_event(SecurityEventKind.SIGNED_IN, user=UserFactory())
    event = SecurityEvent.objects.get()
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    listing = client.get(reverse("admin:accounts_securityevent_changelist"))
    assert listing.status_code == 200
    assert "delete_selected" not in listing.content.decode()
    assert client.get(reverse("admin:accounts_securityevent_add")).status_code == 403
    view = client.get(reverse("admin:accounts_securityevent_change", args=[event.pk]))
    assert view.status_code == 200
    assert 'name="kind"' not in view.content.decode()
    assert (
        client.post(reverse("admin:accounts_securityevent_delete", args=[event.pk])).status_code
        == 403
    )


def test_other_roles_do_not_see_the_log(client):
    client.force_login(user_with_role(Role.COORDINATOR))
    response = client.get(reverse("admin:accounts_securityevent_changelist"))
    assert response.status_code == 302
