"""Finnish personal identity codes (henkilötunnus) for strong identification, kept only as a
keyed hash.

The coordinator may record a family member's code when inviting them; Suomi.fi asserts the same
code at sign-in; both are hashed with ``ARKI_IDENTITY_CODE_KEY`` (HMAC-SHA-256) and compared. A
plain hash of a code would be reversible by trying the few hundred million codes there are; a
keyed one is not without the key, which lives outside the database.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from core.errors import ValidationError

# DDMMYY, the century sign (the 2023 reform added Y X W V U and B C D E F), the individual
# number and the check character.
_CODE = re.compile(r"(\d{6})([-+AYXWVUBCDEF])(\d{3})([0-9A-Y])")
_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def normalise_identity_code(raw: str) -> str:
    """The code in its canonical form (upper case, no spaces), or ``ValidationError`` with a
    message the coordinator understands."""
    code = re.sub(r"\s+", "", raw or "").upper()
    match = _CODE.fullmatch(code)
    if match is None:
        raise ValidationError(
            _("Write the personal identity code in the form DDMMYY-NNNC, e.g. 010203A123B.")
        )
    birth, _century, individual, check = match.groups()
    if _CHECK[int(birth + individual) % 31] != check:
        raise ValidationError(_("The personal identity code's check character does not match."))
    return code


def _key() -> bytes:
    key = getattr(settings, "ARKI_IDENTITY_CODE_KEY", "")
    if key:
        return str(key).encode()
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("ARKI_IDENTITY_CODE_KEY: required to record identity codes")
    return hashlib.sha256(b"arki-identity-code:" + settings.SECRET_KEY.encode()).digest()


def hash_identity_code(raw: str) -> str:
    """The keyed hash stored in ``Participant.identity_code_hash``; raises ``ValidationError``
    for a malformed code."""
    code = normalise_identity_code(raw)
    return hmac.new(_key(), code.encode(), hashlib.sha256).hexdigest()
