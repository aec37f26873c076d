"""Signing a family member in with Suomi.fi: the authentication request, and the checks of the
identity provider's answer. pysaml2 checks the signature, the audience, the validity period and
that the answer responds to a request this browser made; Arki adds the level of assurance, a
replay guard shared by every worker, and the match of the asserted identity code's keyed hash.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import defusedxml.ElementTree
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.response import (
    AuthnResponse,
    DecryptionFailed,
    IncorrectlySigned,
    StatusError,
    UnsolicitedResponse,
)
from saml2.saml import AuthnContextClassRef
from saml2.samlp import RequestedAuthnContext
from saml2.sigver import SignatureError, SigverError
from saml2.time_util import str_to_time
from saml2.validate import ResponseLifetimeExceed, ToEarly

from core.errors import ValidationError
from family.access import participations_of
from family.models import UsedAssertion
from family.suomifi.config import sp_config
from networks.identity import hash_identity_code

logger = logging.getLogger(__name__)

# How long a used assertion is remembered when it names no end of its own.
DEFAULT_REMEMBER = timedelta(hours=1)


class Reason:
    """Why a sign-in was refused: the code in the security log (never personal data)."""

    MALFORMED = "malformed"
    UNSOLICITED = "unsolicited"
    BAD_SIGNATURE = "bad-signature"
    WRONG_AUDIENCE = "wrong-audience"
    EXPIRED = "expired"
    REPLAYED = "replayed"
    NOT_COMPLETED = "not-completed"
    WEAK_IDENTIFICATION = "weak-identification"
    NO_IDENTITY_CODE = "no-identity-code"
    UNKNOWN_PERSON = "unknown-person"
    INVALID = "invalid-response"


class SignInRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Identified:
    """A strongly identified person: the keyed hash of their identity code and their name."""

    code_hash: str
    name: str


def start_sign_in() -> tuple[str, str]:
    """A new authentication request: its id (kept to check the answer's ``InResponseTo``) and
    the identity provider's address to send the browser to (HTTP-Redirect binding)."""
    client = Saml2Client(config=sp_config())
    contexts = [AuthnContextClassRef(text=ref) for ref in settings.ARKI_SUOMIFI_AUTHN_CONTEXTS]
    kwargs: dict[str, Any] = {}
    if contexts:
        kwargs["requested_authn_context"] = RequestedAuthnContext(
            authn_context_class_ref=contexts, comparison="exact"
        )
    request_id, info = client.prepare_for_authenticate(
        binding=BINDING_HTTP_REDIRECT, response_binding=BINDING_HTTP_POST, **kwargs
    )
    location = dict(info["headers"])["Location"]
    return str(request_id), str(location)


def finish_sign_in(saml_response: str, request_ids: list[str]) -> Identified:
    """Check the identity provider's answer to one of ``request_ids`` and name the person, or
    raise ``SignInRefused`` with the reason."""
    if not _is_xml(saml_response):
        raise SignInRefused(Reason.MALFORMED)
    response = _verified(saml_response, request_ids)
    _check_level(response)
    _remember_once(response)
    attributes = _attributes(response)
    raw_code = next(iter(attributes.get(settings.ARKI_SUOMIFI_ATTRIBUTE_IDENTITY_CODE, [])), "")
    try:
        code_hash = hash_identity_code(raw_code)
    except ValidationError:
        raise SignInRefused(Reason.NO_IDENTITY_CODE) from None
    if not participations_of(code_hash):
        raise SignInRefused(Reason.UNKNOWN_PERSON)
    name = " ".join(
        value
        for value in (
            next(iter(attributes.get(settings.ARKI_SUOMIFI_ATTRIBUTE_GIVEN_NAME, [])), ""),
            next(iter(attributes.get(settings.ARKI_SUOMIFI_ATTRIBUTE_SURNAME, [])), ""),
        )
        if value
    )
    return Identified(code_hash=code_hash, name=name[:200])


def _is_xml(saml_response: str) -> bool:
    """Whether the posted answer is base64 of an XML document at all (malformed, not refused)."""
    try:
        document = base64.b64decode(saml_response, validate=True)
        defusedxml.ElementTree.fromstring(document)
    except (ValueError, defusedxml.ElementTree.ParseError, defusedxml.DefusedXmlException):
        return False
    return bool(document)


def _verified(saml_response: str, request_ids: list[str]) -> AuthnResponse:
    client = Saml2Client(config=sp_config())
    outstanding = dict.fromkeys(request_ids, "family:mine")
    try:
        response = client.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding=outstanding
        )
    except UnsolicitedResponse:
        raise SignInRefused(Reason.UNSOLICITED) from None
    except (SignatureError, IncorrectlySigned, SigverError, DecryptionFailed):
        raise SignInRefused(Reason.BAD_SIGNATURE) from None
    except (ResponseLifetimeExceed, ToEarly):
        raise SignInRefused(Reason.EXPIRED) from None
    except StatusError:
        raise SignInRefused(Reason.NOT_COMPLETED) from None
    except Exception as error:  # pysaml2 raises plain exceptions for some checks
        message = str(error)
        if "AudienceRestrictions" in message:
            raise SignInRefused(Reason.WRONG_AUDIENCE) from None
        if "Came from" in message:
            raise SignInRefused(Reason.UNSOLICITED) from None
        logger.info("Suomi.fi response refused: %s", type(error).__name__)
        raise SignInRefused(Reason.MALFORMED) from None
    if response is None or response.assertion is None:
        raise SignInRefused(Reason.INVALID)
    _check_bound_to_request(response, request_ids)
    return response


def _check_bound_to_request(response: AuthnResponse, request_ids: list[str]) -> None:
    """The signed assertion itself must answer this browser's request.

    pysaml2 compares the outer ``Response/@InResponseTo`` with the outstanding requests, but the
    outer response need not be signed when the assertion is (Suomi.fi encrypts and signs the
    assertion): someone holding an unused answer issued to another browser could rewrite the
    outer attribute. The bearer confirmation inside the signed assertion names the request too;
    it must be one of this browser's."""
    confirmed = [
        confirmation.subject_confirmation_data.in_response_to
        for confirmation in (response.assertion.subject.subject_confirmation or [])
        if confirmation.subject_confirmation_data is not None
    ]
    if not confirmed or any(value not in request_ids for value in confirmed):
        raise SignInRefused(Reason.UNSOLICITED)


def _check_level(response: AuthnResponse) -> None:
    accepted = set(settings.ARKI_SUOMIFI_AUTHN_CONTEXTS)
    if not accepted and not settings.PRODUCTION:
        return
    asserted = {
        statement.authn_context.authn_context_class_ref.text.strip()
        for statement in response.assertion.authn_statement or []
        if statement.authn_context is not None
        and statement.authn_context.authn_context_class_ref is not None
    }
    if not asserted & accepted:
        raise SignInRefused(Reason.WEAK_IDENTIFICATION)


def _remember_once(response: AuthnResponse) -> None:
    """Record the assertion and the response as used until they expire; one seen before is a
    replay. In the database, so that every worker refuses it."""
    now = timezone.now()
    UsedAssertion.objects.filter(expires_at__lt=now).delete()
    until = now + DEFAULT_REMEMBER
    conditions = response.assertion.conditions
    if conditions is not None and conditions.not_on_or_after:
        ends = datetime.fromtimestamp(calendar.timegm(str_to_time(conditions.not_on_or_after)), UTC)
        until = max(ends, now) + timedelta(minutes=5)
    issuer = response.issuer() or ""
    ids = [f"assertion:{response.assertion.id}", f"response:{response.response.id}"]
    for used in ids:
        id_hash = hashlib.sha256(f"{issuer}\n{used}".encode()).hexdigest()
        try:
            with transaction.atomic():
                UsedAssertion.objects.create(id_hash=id_hash, expires_at=until)
        except IntegrityError:
            raise SignInRefused(Reason.REPLAYED) from None


def _attributes(response: AuthnResponse) -> dict[str, list[str]]:
    """The assertion's attributes by their SAML names (as Suomi.fi names them, e.g.
    ``urn:oid:1.2.246.21``), whatever friendly names pysaml2 would give them."""
    values: dict[str, list[str]] = {}
    for statement in response.assertion.attribute_statement or []:
        for attribute in statement.attribute or []:
            texts = [(value.text or "").strip() for value in attribute.attribute_value or []]
            values.setdefault(attribute.name, []).extend(text for text in texts if text)
    return values
