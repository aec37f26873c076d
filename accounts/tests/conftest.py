"""Fixtures of the accounts tests: a configured OIDC provider."""

import pytest

PROVIDER = "https://login.example.fi/oauth2"
OIDC_ENV = {
    "OIDC_RP_CLIENT_ID": "arki",
    "OIDC_RP_CLIENT_SECRET": "not-a-real-secret",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{PROVIDER}/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": f"{PROVIDER}/token",
    "OIDC_OP_USER_ENDPOINT": f"{PROVIDER}/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": f"{PROVIDER}/keys",
}


@pytest.fixture
def oidc(settings):
    for name, value in OIDC_ENV.items():
        setattr(settings, name, value)
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "accounts.oidc.ArkiOIDCBackend",
    ]
    settings.ROOT_URLCONF = "accounts.tests.oidc_urls"
    settings.LANGUAGE_CODE = "en"
    return settings
