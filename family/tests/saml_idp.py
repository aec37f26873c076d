"""A local SAML 2.0 identity provider standing in for Suomi.fi in the tests: pysaml2's own
``Server`` with keys and certificates made for the test run, answering the service provider's
real authentication requests with signed assertions carrying Suomi.fi's attributes."""

from __future__ import annotations

import base64
import datetime
from contextlib import ExitStack
from functools import lru_cache
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_REDIRECT
from saml2.assertion import Policy
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_TRANSIENT, NameID
from saml2.server import Server

IDP_ENTITY_ID = "https://tunnistus.test/idp"
IDP_SSO_URL = "https://tunnistus.test/idp/sso"
LOA3 = "http://ftn.ficora.fi/2017/loa3"
LOA1 = "http://ftn.ficora.fi/2017/loa1"
IDENTITY_CODE = "urn:oid:1.2.246.21"
GIVEN_NAME = "urn:oid:2.5.4.42"
SURNAME = "urn:oid:2.5.4.4"


def make_key_pair(directory: Path, name: str) -> tuple[Path, Path]:
    """A 2048-bit RSA key and a self-signed certificate, as PEM files (made once per name in a
    test run: generating keys is the slow part)."""
    key_pem, cert_pem = _key_pair(name)
    key_file, cert_file = directory / f"{name}.key", directory / f"{name}.crt"
    key_file.write_bytes(key_pem)
    cert_file.write_bytes(cert_pem)
    return key_file, cert_file


@lru_cache
def _key_pair(name: str) -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def _idp_conf(key_file: Path, cert_file: Path, sp_metadata: Path | None) -> IdPConfig:
    conf: dict[str, Any] = {
        "entityid": IDP_ENTITY_ID,
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "key_file": str(key_file),
        "cert_file": str(cert_file),
        "allow_unknown_attributes": True,
        "service": {
            "idp": {
                "endpoints": {"single_sign_on_service": [(IDP_SSO_URL, BINDING_HTTP_REDIRECT)]},
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                "policy": {
                    "default": {
                        "lifetime": {"minutes": 5},
                        "attribute_restrictions": None,
                        "name_form": NAME_FORMAT_URI,
                    }
                },
            }
        },
    }
    if sp_metadata is not None:
        conf["metadata"] = {"local": [str(sp_metadata)]}
    config = IdPConfig()
    config.load(conf)
    return config


class LocalIdentityProvider:
    """Suomi.fi for the tests. ``metadata_file`` is what the service provider is configured with;
    an identity provider made with ``signing_key`` of another pair signs with a key that metadata
    does not name."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.key_file, self.cert_file = make_key_pair(directory, "idp")
        self.metadata_file = directory / "idp-metadata.xml"
        self.metadata_file.write_text(
            create_metadata_string(
                None, config=_idp_conf(self.key_file, self.cert_file, None), valid=24
            ).decode()
        )
        self.server: Server | None = None

    def trust(self, sp_metadata: bytes, signing_key: tuple[Path, Path] | None = None) -> None:
        """Read the service provider's metadata (after the settings point to this provider)."""
        path = self.directory / "sp-metadata.xml"
        path.write_bytes(sp_metadata)
        key_file, cert_file = signing_key or (self.key_file, self.cert_file)
        self.server = Server(config=_idp_conf(key_file, cert_file, path))

    def read_request(self, location: str) -> Any:
        """The authentication request in the redirect address the service provider sent."""
        assert self.server is not None
        query = parse_qs(urlparse(location).query)
        return self.server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)

    def answer(
        self,
        request: Any,
        *,
        identity_code: str | None,
        given_name: str = "Maija",
        surname: str = "Meikäläinen",
        level: str = LOA3,
        audience: str | None = None,
        sign: bool = True,
        sign_response: bool | None = None,
        encrypt_to: Path | None = None,
        in_response_to: str | None = "",
    ) -> str:
        """A base64 ``SAMLResponse`` to ``request`` as the browser would post it."""
        assert self.server is not None
        message = request.message
        identity: dict[str, list[str]] = {GIVEN_NAME: [given_name], SURNAME: [surname]}
        if identity_code is not None:
            identity[IDENTITY_CODE] = [identity_code]
        with ExitStack() as stack:
            if audience is not None:
                original = Policy.conditions
                stack.enter_context(
                    mock.patch.object(
                        Policy, "conditions", lambda policy, _sp: original(policy, audience)
                    )
                )
            response = self.server.create_authn_response(
                identity,
                message.id if in_response_to == "" else in_response_to,
                message.assertion_consumer_service_url,
                message.issuer.text,
                name_id=NameID(format=NAMEID_FORMAT_TRANSIENT, text="transient-1"),
                authn={"class_ref": level, "authn_auth": IDP_ENTITY_ID},
                sign_assertion=sign,
                sign_response=sign if sign_response is None else sign_response,
                # As Suomi.fi does: the assertion encrypted to the service provider's certificate.
                encrypt_assertion=encrypt_to is not None,
                encrypt_cert_assertion=encrypt_to.read_text() if encrypt_to else None,
            )
        return base64.b64encode(str(response).encode()).decode()
