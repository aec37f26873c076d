"""Issue #22: a family link stores who last changed it (a new code, a revocation)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from family import services
from family.models import FamilyLink
from meetings.tests.helpers import network_with_meeting, participants

pytestmark = pytest.mark.django_db


def test_a_new_code_and_a_revocation_store_the_professional(kaakkuri, children):
    network, _meeting, coordinator = network_with_meeting(kaakkuri, children)
    mother = participants(network)["Maija Virtanen"]
    issued = services.create_link(participant=mother, by=coordinator)
    services.new_code(link=issued.link, by=coordinator)
    assert FamilyLink.objects.get(pk=issued.link.pk).modified_by == coordinator
    moment = timezone.now() - timedelta(minutes=1)
    services.revoke(link=issued.link, by=coordinator, now=moment)
    link = FamilyLink.objects.get(pk=issued.link.pk)
    assert (link.modified_by, link.revoked_at) == (coordinator, moment)
