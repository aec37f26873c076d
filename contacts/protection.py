"""Protection of the public contact form against spam and floods, without third-party captchas.

Four checks, each refusing politely and storing nothing:

- a honeypot field, hidden from people and screen readers, that only a robot fills in;
- a minimum fill time: the form carries the moment it was opened, signed with the secret key
  (``django.core.signing``), and a form sent back sooner than ``ARKI_PUBLIC_CONTACT_MIN_SECONDS``
  is refused;
- a limit per connection (``ARKI_PUBLIC_CONTACTS_PER_IP_PER_HOUR``), counted in the database
  (``SenderCount``) under a keyed hash of the address, so no address is stored anywhere and the
  limit holds across every process and server;
- a flood limit per area (``ARKI_PUBLIC_CONTACTS_PER_AREA_PER_HOUR``), counted from the stored
  contacts themselves, so it holds across every process and node.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from contacts.models import Contact, SenderCount, Source

if TYPE_CHECKING:
    from directory.models import Area

SALT = "contacts.public-form.opened"
HOUR = 3600


def setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def min_seconds() -> int:
    return setting("ARKI_PUBLIC_CONTACT_MIN_SECONDS", 5)


def per_ip_per_hour() -> int:
    return setting("ARKI_PUBLIC_CONTACTS_PER_IP_PER_HOUR", 5)


def per_area_per_hour() -> int:
    return setting("ARKI_PUBLIC_CONTACTS_PER_AREA_PER_HOUR", 30)


def opened_stamp(now: float | None = None) -> str:
    """The signed moment the form was opened, for its hidden field."""
    return signing.dumps({"t": time.time() if now is None else now}, salt=SALT)


def filled_too_fast(stamp: str, now: float | None = None) -> bool:
    """Whether the form came back sooner than a person could fill it (or the stamp is forged,
    missing or older than a day)."""
    try:
        opened = float(signing.loads(stamp, salt=SALT, max_age=24 * HOUR)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return True
    elapsed = (time.time() if now is None else now) - opened
    return not min_seconds() <= elapsed <= 24 * HOUR


def client_address(request: Any) -> str:
    """The connecting address as the server sees it (the proxy sets REMOTE_ADDR)."""
    return str(request.META.get("REMOTE_ADDR", ""))


def _ip_key(address: str) -> tuple[str, int]:
    """The connection's keyed hash and the current hour's number."""
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()
    return digest[:40], int(time.time()) // HOUR


def over_ip_limit(address: str) -> bool:
    """Whether this connection has already sent its share within the current hour."""
    key, hour = _ip_key(address)
    row = SenderCount.objects.filter(key=key, hour=hour).values_list("count", flat=True).first()
    return (row or 0) >= per_ip_per_hour()


def count_ip(address: str) -> None:
    """Count one sending (or one tripped trap) for the connection, atomically across servers."""
    key, hour = _ip_key(address)
    with transaction.atomic():
        SenderCount.objects.filter(hour__lt=hour).delete()
        counted = SenderCount.objects.filter(key=key, hour=hour).update(count=F("count") + 1)
        if not counted:
            try:
                with transaction.atomic():
                    SenderCount.objects.create(key=key, hour=hour, count=1)
            except IntegrityError:  # another server counted the first one at the same moment
                SenderCount.objects.filter(key=key, hour=hour).update(count=F("count") + 1)


def area_flooded(area: Area) -> bool:
    """Whether the area has received as many public contacts within the last hour as it takes."""
    since = timezone.now() - timedelta(hours=1)
    received = Contact.objects.filter(
        source=Source.PUBLIC, area=area, received_at__gte=since
    ).count()
    return received >= per_area_per_hour()
