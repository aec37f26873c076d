"""Issue #22: the contact stores who last changed it, at the moment the service was given."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contacts import services
from contacts.models import Contact, Source
from contacts.tests.helpers import a_contact, contact_data, coordinator_of

pytestmark = pytest.mark.django_db


def test_a_contact_received_at_a_given_moment(kaakkuri, children):
    coordinator = coordinator_of(kaakkuri, children)
    moment = timezone.now() - timedelta(days=3)
    contact, created = services.record_contact(
        recorded_by=coordinator,
        source=Source.COORDINATOR,
        data=contact_data(kaakkuri, children),
        now=moment,
    )
    assert created and Contact.objects.get(pk=contact.pk).received_at == moment


def test_advice_stores_who_closed_the_contact_and_when(kaakkuri, children):
    coordinator = coordinator_of(kaakkuri, children)
    contact = a_contact(kaakkuri, children, coordinator)
    moment = timezone.now() - timedelta(hours=2)
    services.give_advice(
        contact=contact,
        by=coordinator,
        expected_version=contact.version,
        advice="Ohjattiin perheneuvolaan.",
        now=moment,
    )
    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.modified_by, stored.closed_at) == (coordinator, moment)
