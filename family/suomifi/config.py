"""The SAML 2.0 service provider's configuration (pysaml2), read from Arki's settings: the
identity provider's metadata file, this service's entity id, key and certificate (docs/suomifi.md).
"""

from __future__ import annotations

import shutil
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import reverse
from saml2 import BINDING_HTTP_POST
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_TRANSIENT

# Seconds of clock difference tolerated between Suomi.fi and Arki.
CLOCK_SLACK_SECONDS = 60


def is_enabled() -> bool:
    """Suomi.fi identification is in use once the identity provider's metadata is configured."""
    return bool(settings.ARKI_SUOMIFI_IDP_METADATA)


def _url(name: str) -> str:
    return settings.ARKI_BASE_URL.rstrip("/") + reverse(name)


def entity_id() -> str:
    return settings.ARKI_SUOMIFI_SP_ENTITY_ID or _url("family:suomifi_metadata")


def acs_url() -> str:
    return _url("family:suomifi_acs")


def sp_config() -> SPConfig:
    """The service provider's pysaml2 configuration (cached per settings: the metadata file is
    read once per process and again when the settings change, e.g. in tests)."""
    return _sp_config(
        settings.ARKI_SUOMIFI_IDP_METADATA,
        entity_id(),
        acs_url(),
        settings.ARKI_SUOMIFI_SP_KEY_FILE,
        settings.ARKI_SUOMIFI_SP_CERT_FILE,
    )


@lru_cache(maxsize=4)
def _sp_config(metadata: str, entity: str, acs: str, key_file: str, cert_file: str) -> SPConfig:
    signing = bool(key_file and cert_file)
    conf: dict[str, Any] = {
        "entityid": entity,
        "xmlsec_binary": shutil.which("xmlsec1"),
        "metadata": {"local": [metadata]},
        "accepted_time_diff": CLOCK_SLACK_SECONDS,
        # Attributes are read by their configured names (service.py), not pysaml2's friendly names.
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "name": settings.ARKI_INSTALLATION_NAME,
                "endpoints": {"assertion_consumer_service": [(acs, BINDING_HTTP_POST)]},
                "allow_unsolicited": False,
                "authn_requests_signed": signing,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "name_id_format": NAMEID_FORMAT_TRANSIENT,
                "name_id_format_allow_create": False,
            }
        },
    }
    if signing:
        conf["key_file"] = key_file
        conf["cert_file"] = cert_file
        # Suomi.fi encrypts its assertions to the certificate in Arki's metadata.
        conf["encryption_keypairs"] = [{"key_file": key_file, "cert_file": cert_file}]
    config = SPConfig()
    config.load(conf)
    return config
