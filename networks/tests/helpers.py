"""Helpers shared by the tests that end a relationship with a network."""

from datetime import timedelta

from django.utils import timezone

from networks import consent
from networks.models import ConsentScope


def withdraw_share(network, by):
    """Record the mother's consent to share and withdraw it by phone; return the consent."""
    share = consent.record_consent(
        network=network,
        by=by,
        scope=ConsentScope.SHARE,
        given_by="Maija Virtanen, äiti",
        given_how="in_person",
        given_at=timezone.now() - timedelta(days=1),
    )
    consent.withdraw_consent(consent=share, by=by, how="phone")
    return share
