"""The second factor: staff set up an authenticator app and enter its code once per session."""

import base64

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityEvent, SecurityEventKind
from accounts.tests.factories import user_with_role
from audit.roles import Role

pytestmark = pytest.mark.django_db

TWO_FACTOR = "/accounts/two-factor/"


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    device.refresh_from_db()
    return str(
        totp(
            device.bin_key,
            device.step,
            device.t0 - steps_ahead * device.step,
            device.digits,
            device.drift,
        )
    ).zfill(device.digits)


def wrong_code(device: TOTPDevice) -> str:
    # A code from an hour ago is outside the tolerance window.
    device.refresh_from_db()
    right = code_for(device)
    old = str(totp(device.bin_key, device.step, device.t0 + 3600, device.digits, 0)).zfill(6)
    return old if old != right else str((int(right) + 1) % 1_000_000).zfill(6)


@pytest.fixture
def otp_on(settings):
    settings.ARKI_REQUIRE_OTP = True
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def coordinator(client):
    user = user_with_role(Role.COORDINATOR)
    client.force_login(user)
    return user


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Arki", confirmed=True)


def kinds(user):
    return list(
        SecurityEvent.objects.filter(user=user).order_by("id").values_list("kind", flat=True)
    )


def test_a_signed_in_user_without_the_second_factor_is_sent_to_set_it_up(
    client, otp_on, coordinator
):
    response = client.get(reverse("home:home"))
    assert response.status_code == 302
    assert response["Location"] == TWO_FACTOR + "?next=%2F"


def test_no_second_factor_is_asked_when_the_setting_is_off(client, settings, coordinator):
    settings.ARKI_REQUIRE_OTP = False
    assert client.get(reverse("home:home")).status_code == 200


def test_pages_without_staff_data_stay_reachable_before_the_second_factor(
    client, otp_on, coordinator
):
    assert client.get(reverse("home:healthz")).status_code == 200
    assert client.get(reverse("home:accessibility")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "sv", "next": "/"}).status_code == 302
    # Everything else, including the admin site, waits for the code.
    assert client.get(reverse("networks:mine"))["Location"].startswith(TWO_FACTOR)
    assert client.get("/admin/")["Location"].startswith(TWO_FACTOR)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_setting_up_shows_a_qr_code_and_the_secret_and_a_real_code_confirms_it(
    client, otp_on, coordinator
):
    page = client.get(TWO_FACTOR + "?next=/networks/mine/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    device = TOTPDevice.objects.get(user=coordinator)
    assert not device.confirmed
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert secret[:4] + " " + secret[4:8] in html
    # A reload keeps the same secret, so a code already scanned still works.
    client.get(TWO_FACTOR)
    assert TOTPDevice.objects.get(user=coordinator).key == device.key

    response = client.post(TWO_FACTOR, {"code": code_for(device), "next": "/networks/mine/"})

    assert response.status_code == 302
    assert response["Location"] == "/networks/mine/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home:home")).status_code == 200
    assert kinds(coordinator)[-2:] == [
        SecurityEventKind.OTP_DEVICE_CONFIRMED,
        SecurityEventKind.OTP_VERIFIED,
    ]


def test_a_user_with_a_device_is_asked_for_the_code_not_shown_the_secret(
    client, otp_on, coordinator
):
    device = confirmed_device(coordinator)
    page = client.get(TWO_FACTOR)
    html = page.content.decode()
    assert "data:image/svg+xml" not in html
    assert base64.b32encode(device.bin_key).decode()[:8] not in html
    assert 'autocomplete="one-time-code"' in html

    response = client.post(TWO_FACTOR, {"code": code_for(device)})

    assert response.status_code == 302
    assert response["Location"] == reverse("home:home")
    assert client.get(reverse("home:home")).status_code == 200
    assert kinds(coordinator)[-1] == SecurityEventKind.OTP_VERIFIED


def test_a_wrong_code_is_refused_and_logged(client, otp_on, coordinator):
    device = confirmed_device(coordinator)

    response = client.post(TWO_FACTOR, {"code": wrong_code(device)})

    assert response.status_code == 200
    assert "The code is not correct" in response.content.decode()
    assert client.get(reverse("home:home"))["Location"].startswith(TWO_FACTOR)
    assert kinds(coordinator)[-1] == SecurityEventKind.OTP_FAILED
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_a_wrong_code_during_setup_does_not_confirm_the_device(client, otp_on, coordinator):
    client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=coordinator)
    client.post(TWO_FACTOR, {"code": wrong_code(device)})
    device.refresh_from_db()
    assert not device.confirmed


def test_django_otp_throttles_guessing(client, otp_on, coordinator):
    device = confirmed_device(coordinator)
    client.post(TWO_FACTOR, {"code": wrong_code(device)})

    # Right after a wrong code even the right one waits (1 s, 2 s, 4 s, ... after each failure).
    response = client.post(TWO_FACTOR, {"code": code_for(device)})

    assert response.status_code == 429
    assert "Too many wrong codes" in response.content.decode()
    assert client.get(reverse("home:home"))["Location"].startswith(TWO_FACTOR)


def test_a_code_that_is_not_six_digits_is_refused_by_the_form(client, otp_on, coordinator):
    confirmed_device(coordinator)
    response = client.post(TWO_FACTOR, {"code": "12ab"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()


def test_next_cannot_lead_to_another_site(client, otp_on, coordinator):
    device = confirmed_device(coordinator)
    response = client.post(TWO_FACTOR, {"code": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home:home")


def test_the_two_factor_page_needs_a_signed_in_user(client, otp_on):
    response = client.get(TWO_FACTOR)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_administrator_resets_a_device_in_the_admin(client, otp_on):
    administrator = user_with_role(Role.ADMINISTRATOR)
    coordinator = user_with_role(Role.COORDINATOR)
    confirmed_device(coordinator)
    admin_device = confirmed_device(administrator)
    client.force_login(administrator)
    client.post(TWO_FACTOR, {"code": code_for(admin_device)})

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [coordinator.pk]},
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    event = SecurityEvent.objects.get(kind=SecurityEventKind.OTP_DEVICE_RESET)
    assert (event.user, event.actor) == (coordinator, administrator)


def test_removing_a_device_in_the_device_admin_is_logged_as_a_reset(client):
    administrator = user_with_role(Role.ADMINISTRATOR)
    device = confirmed_device(user_with_role(Role.PROFESSIONAL))
    client.force_login(administrator)
    response = client.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.OTP_DEVICE_RESET).count() == 1
    # Administrators cannot create a device (and so know its secret) for someone else.
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
