"""Journey: a professional sets up two-step sign-in without JavaScript-only steps; axe on each page."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.conftest import oidc  # noqa: F401  (fixture)
from accounts.tests.factories import PASSWORD, user_with_role
from audit.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def current_code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return str(totp(device.bin_key, device.step, device.t0, device.digits, device.drift)).zfill(6)


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


@pytest.fixture
def otp_in_english(settings, page, live_server):
    settings.ARKI_REQUIRE_OTP = True
    # English by the language cookie (the browser asks for Finnish) until the strings are translated.
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    # The journey enters a wrong code and then the right one at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_set_up_and_use_the_authenticator_app(page, accessible, otp_in_english):
    user = user_with_role(Role.PROFESSIONAL, email="pia@example.fi")
    sign_in(page, "pia@example.fi")
    page.wait_for_url("**/accounts/two-factor/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Set up two-step sign-in"
    assert page.get_by_role("img", name=re.compile("QR code")).is_visible()
    accessible(page)

    device = TOTPDevice.objects.get(user=user)
    page.get_by_label("Six-digit code from the authenticator app").fill(current_code(device))
    page.get_by_role("button", name="Finish setting up").click()
    page.wait_for_url(re.compile(r"/$"))
    accessible(page)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")


def test_enter_the_code_at_sign_in(page, accessible, otp_in_english):
    user = user_with_role(Role.COORDINATOR, email="kalle@example.fi")
    device = TOTPDevice.objects.create(user=user, name="Arki", confirmed=True)
    sign_in(page, "kalle@example.fi")
    page.wait_for_url("**/accounts/two-factor/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Enter your sign-in code"
    accessible(page)

    page.get_by_label("Six-digit code from the authenticator app").fill("000000")
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("alert").wait_for()
    accessible(page)
    page.get_by_label("Six-digit code from the authenticator app").fill(current_code(device))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/$"))


def test_the_sign_in_page_offers_the_organisation_account(page, accessible, oidc, live_server):  # noqa: F811
    page.context.add_cookies(
        [{"name": oidc.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    page.goto("/accounts/login/")
    link = page.get_by_role("link", name="Sign in with your organisation account")
    assert link.get_attribute("href") == "/accounts/oidc/authenticate/"
    accessible(page)
