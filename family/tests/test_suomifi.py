"""Strong identification with Suomi.fi, end to end against a local SAML identity provider: the
browser goes to the provider with Arki's request, comes back with a signed answer, and sees every
plan it is part of and nothing else. Every refusal says what to do and is in the security log."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from unittest import mock

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import SecurityEvent, SecurityEventKind
from audit.models import AccessLog, Basis
from family.suomifi.config import sp_config
from family.tests import saml_idp
from family.tests.saml_idp import LocalIdentityProvider, make_key_pair
from networks.identity import hash_identity_code
from networks.models import NetworkStatus
from networks.tests.factories import NetworkFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

MOTHER = "131052-308T"
STRANGER = "010203A1230"  # valid, recorded on nobody
OTHER_FAMILY = "010101-123N"


@pytest.fixture
def idp(tmp_path, settings):
    """The local identity provider, with Arki configured to trust it (signed requests)."""
    provider = LocalIdentityProvider(tmp_path)
    sp_key, sp_cert = make_key_pair(tmp_path, "sp")
    settings.ARKI_BASE_URL = "http://testserver"
    settings.ARKI_SUOMIFI_IDP_METADATA = str(provider.metadata_file)
    settings.ARKI_SUOMIFI_SP_KEY_FILE = str(sp_key)
    settings.ARKI_SUOMIFI_SP_CERT_FILE = str(sp_cert)
    from saml2.metadata import create_metadata_string

    provider.trust(create_metadata_string(None, config=sp_config(), valid=24))
    return provider


@pytest.fixture
def families(kaakkuri, children):
    """The mother is in two networks with her code recorded; another family's network too."""
    first = NetworkFactory(area=kaakkuri, programme=children, subject_name="Eeli Virtanen")
    second = NetworkFactory(area=kaakkuri, programme=children, subject_name="Aino Virtanen")
    other = NetworkFactory(area=kaakkuri, programme=children, subject_name="Oona Muu")
    code_hash = hash_identity_code(MOTHER)
    in_first = ParticipantFactory(
        network=first, name="Maija Virtanen", identity_code_hash=code_hash
    )
    in_second = ParticipantFactory(
        network=second, name="Maija Virtanen", identity_code_hash=code_hash
    )
    stranger = ParticipantFactory(
        network=other, name="Olli Muu", identity_code_hash=hash_identity_code(OTHER_FAMILY)
    )
    return in_first, in_second, stranger


def start(client, idp):
    response = client.get(reverse("family:suomifi_login"))
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(saml_idp.IDP_SSO_URL)
    return idp.read_request(location)


def post(client, saml_response):
    return client.post(reverse("family:suomifi_acs"), {"SAMLResponse": saml_response})


def refusals():
    return list(
        SecurityEvent.objects.filter(kind=SecurityEventKind.FAMILY_SIGN_IN_REFUSED).values_list(
            "reason", flat=True
        )
    )


def assert_refused(response, reason, status=403):
    assert response.status_code == status
    assert reason in refusals()
    # Each refusal says what to do next, in Finnish.
    page = response.content.decode()
    assert "Mitä voit tehdä:" in page
    assert "Yritä kirjautua uudelleen." in page or reason == "unknown-person"
    assert response.templates[0].name == "family/suomifi_refused.html"


def test_the_request_is_signed_and_asks_for_strong_identification(client, idp):
    location = client.get(reverse("family:suomifi_login"))["Location"]
    assert "Signature=" in location and "SigAlg=" in location
    request = idp.read_request(location)
    assert request.message.requested_authn_context.authn_context_class_ref[0].text == (
        saml_idp.LOA3
    )
    assert request.message.assertion_consumer_service_url == (
        "http://testserver" + reverse("family:suomifi_acs")
    )


def test_a_signed_in_parent_sees_both_plans_and_nothing_else(client, idp, families):
    in_first, in_second, stranger = families
    request = start(client, idp)
    response = post(client, idp.answer(request, identity_code=MOTHER))
    assert response.status_code == 302
    assert response["Location"] == reverse("family:mine")
    signed_in = SecurityEvent.objects.get(kind=SecurityEventKind.FAMILY_SIGNED_IN)
    assert signed_in.user is None and signed_in.reason == ""

    page = client.get(reverse("family:mine"))
    assert page.status_code == 200
    text = page.content.decode()
    assert reverse("family:me_plan", args=[in_first.pk]) in text
    assert reverse("family:me_plan", args=[in_second.pk]) in text
    assert reverse("family:me_plan", args=[stranger.pk]) not in text
    assert "Maija Meikäläinen" in text
    # The list names both networks: each is in the access log, as opening it would be.
    listed = AccessLog.objects.filter(basis=Basis.STRONG_IDENTIFICATION, success=True)
    assert sorted(listed.values_list("subject_id", flat=True)) == sorted(
        [str(in_first.network.pk), str(in_second.network.pk)]
    )

    assert client.get(reverse("family:me_plan", args=[in_first.pk])).status_code == 200
    opened = AccessLog.objects.filter(subject_id=str(in_first.network.pk), success=True).last()
    assert opened is not None and opened.basis == Basis.STRONG_IDENTIFICATION

    assert client.get(reverse("family:me_plan", args=[stranger.pk])).status_code == 403
    assert AccessLog.objects.filter(subject_id=str(stranger.network.pk), success=False).exists()


def test_an_encrypted_assertion_is_decrypted_with_arki_s_key(client, idp, families, settings):
    request = start(client, idp)
    answer = idp.answer(
        request, identity_code=MOTHER, encrypt_to=Path(settings.ARKI_SUOMIFI_SP_CERT_FILE)
    )
    assert b"EncryptedAssertion" in base64.b64decode(answer)
    assert post(client, answer).status_code == 302
    assert client.get(reverse("family:mine")).status_code == 200


def test_an_answer_to_another_browser_cannot_be_rebound_by_its_unsigned_envelope(
    client, idp, families, settings
):
    """An unused answer issued to another browser's request, its assertion signed and encrypted
    as Suomi.fi sends it, with the unsigned outer InResponseTo rewritten to this browser's
    request: refused, because the signed assertion names the other request."""
    from django.test import Client

    elsewhere = start(Client(), idp)
    mine = start(client, idp)
    answer = idp.answer(
        elsewhere,
        identity_code=MOTHER,
        sign_response=False,
        encrypt_to=Path(settings.ARKI_SUOMIFI_SP_CERT_FILE),
    )
    document = base64.b64decode(answer).decode()
    assert document.count(f'InResponseTo="{elsewhere.message.id}"') == 1  # the outer one
    forged = document.replace(
        f'InResponseTo="{elsewhere.message.id}"', f'InResponseTo="{mine.message.id}"'
    )
    response = post(client, base64.b64encode(forged.encode()).decode())
    assert_refused(response, "unsolicited")
    assert client.get(reverse("family:mine")).templates[0].name == "family/sign_in.html"


def test_the_code_is_never_stored_or_logged(client, idp, families):
    request = start(client, idp)
    post(client, idp.answer(request, identity_code=MOTHER))
    for event in SecurityEvent.objects.all():
        assert MOTHER not in str(vars(event))
    assert MOTHER not in str(dict(client.session))


def test_an_unknown_person_is_refused_and_nothing_opens(client, idp, families):
    request = start(client, idp)
    response = post(client, idp.answer(request, identity_code=STRANGER))
    assert_refused(response, "unknown-person")
    assert client.get(reverse("family:mine")).templates[0].name == "family/sign_in.html"


def test_an_answer_for_another_service_is_refused(client, idp, families):
    request = start(client, idp)
    answer = idp.answer(request, identity_code=MOTHER, audience="https://other.example/sp")
    assert_refused(post(client, answer), "wrong-audience")


def test_an_expired_assertion_is_refused(client, idp, families):
    request = start(client, idp)
    answer = idp.answer(request, identity_code=MOTHER)
    later = time.time() + 20 * 60  # the assertion lives 5 minutes
    with mock.patch("saml2.time_util.utc_now", return_value=int(later)):
        assert_refused(post(client, answer), "expired")


def test_a_replayed_answer_is_refused(client, idp, families):
    request = start(client, idp)
    answer = idp.answer(request, identity_code=MOTHER)
    waiting = client.cookies["arki-suomifi-request"].value
    assert post(client, answer).status_code == 302
    # Signing in ends the request's cookie: posted again, the answer belongs to no request.
    assert_refused(post(client, answer), "unsolicited")
    # Someone who copied the cookie too is refused because the answer was used.
    client.cookies["arki-suomifi-request"] = waiting
    assert_refused(post(client, answer), "replayed")


def test_an_answer_to_a_request_this_browser_did_not_make_is_refused(
    client, idp, families, django_user_model
):
    from django.test import Client

    request = start(Client(), idp)  # someone else's sign-in
    assert_refused(post(client, idp.answer(request, identity_code=MOTHER)), "unsolicited")
    unsolicited = idp.answer(start(client, idp), identity_code=MOTHER, in_response_to=None)
    assert_refused(post(client, unsolicited), "unsolicited")


def test_an_unsigned_answer_is_refused(client, idp, families):
    request = start(client, idp)
    assert_refused(
        post(client, idp.answer(request, identity_code=MOTHER, sign=False)), "bad-signature"
    )


def test_an_answer_signed_by_another_key_is_refused(client, idp, families, tmp_path):
    request = start(client, idp)
    (tmp_path / "other").mkdir()
    idp.trust((tmp_path / "sp-metadata.xml").read_bytes(), make_key_pair(tmp_path / "other", "x"))
    assert_refused(post(client, idp.answer(request, identity_code=MOTHER)), "bad-signature")


def test_a_weak_identification_is_refused(client, idp, families):
    request = start(client, idp)
    answer = idp.answer(request, identity_code=MOTHER, level=saml_idp.LOA1)
    assert_refused(post(client, answer), "weak-identification")


def test_garbage_is_malformed_not_an_error(client, idp):
    assert_refused(post(client, "not base64 at all"), "malformed", status=400)
    assert_refused(client.post(reverse("family:suomifi_acs"), {}), "malformed", status=400)


def test_removal_or_closing_ends_an_identified_session(client, idp, families):
    in_first, in_second, stranger = families
    post(client, idp.answer(start(client, idp), identity_code=MOTHER))
    assert client.get(reverse("family:me_plan", args=[in_first.pk])).status_code == 200
    in_first.removed_at = timezone.now()
    in_first.save()
    assert client.get(reverse("family:me_plan", args=[in_first.pk])).status_code == 403
    in_second.network.status = NetworkStatus.CLOSED
    in_second.network.save()
    assert client.get(reverse("family:me_plan", args=[in_second.pk])).status_code == 403


def test_signing_out_ends_the_session(client, idp, families):
    in_first, in_second, stranger = families
    post(client, idp.answer(start(client, idp), identity_code=MOTHER))
    response = client.post(reverse("family:suomifi_logout"))
    assert response.status_code == 302
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.FAMILY_SIGNED_OUT).count() == 1
    after = client.get(reverse("family:me_plan", args=[in_first.pk]))
    assert after.status_code == 302 and after["Location"] == reverse("family:mine")


def test_the_metadata_names_the_service_and_its_certificate(client, idp):
    response = client.get(reverse("family:suomifi_metadata"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "http://testserver" + reverse("family:suomifi_acs") in text
    assert "X509Certificate" in text


@override_settings(ARKI_SUOMIFI_IDP_METADATA="")
def test_without_configuration_the_button_is_hidden_and_endpoints_say_so(client):
    page = client.get(reverse("family:mine")).content.decode()
    assert reverse("family:suomifi_login") not in page
    assert client.get(reverse("family:suomifi_login")).status_code == 404
    assert client.get(reverse("family:suomifi_metadata")).status_code == 404
    assert client.post(reverse("family:suomifi_acs"), {"SAMLResponse": "x"}).status_code == 404


def test_the_sign_in_page_shows_the_button_when_configured(client, idp):
    page = client.get(reverse("family:mine")).content.decode()
    assert reverse("family:suomifi_login") in page
