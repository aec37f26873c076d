"""Contacts resolved with advice, never joined to a network, are erased when their programme's
retention period has run out: the caller's name, phone and email and the concern do not stay
for ever."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contacts import services
from contacts.models import Contact, Outcome
from contacts.tests.helpers import a_contact, coordinator_of
from privacy.retention import MARKER, add_years, apply_retention

pytestmark = pytest.mark.django_db


def advice_contact(area, programme, coordinator, **overrides):
    contact = a_contact(
        area,
        programme,
        coordinator,
        contact_person_name="Soittaja Sanna",
        contact_person_phone="0401112222",
        **overrides,
    )
    return services.give_advice(
        contact=contact, by=coordinator, expected_version=contact.version, advice="Neuvottu"
    )


def test_an_advice_contact_is_erased_after_its_retention_period(kaakkuri, children):
    coordinator = coordinator_of(kaakkuri, children)
    old = advice_contact(kaakkuri, children, coordinator)
    pending = a_contact(kaakkuri, children, coordinator, contact_person_name="Odottava Olli")
    received = timezone.localdate()
    before_end = add_years(received, children.retention_years) - timedelta(days=1)
    after_end = add_years(received, children.retention_years)

    assert apply_retention(before_end, dry_run=False).contacts_due == 0
    dry = apply_retention(after_end, dry_run=True)
    assert dry.contacts_due == 1
    assert Contact.objects.get(pk=old.pk).contact_person_name == "Soittaja Sanna"

    report = apply_retention(after_end, dry_run=False)
    assert (report.contacts_due, report.contacts_erased) == (1, 1)
    assert "1 contact(s) without a network due, 1 erased." in report.lines()
    erased = Contact.objects.get(pk=old.pk)
    assert (erased.contact_person_name, erased.contact_person_phone) == ("", "")
    assert erased.concern == MARKER and erased.advice_given == MARKER
    assert erased.outcome == Outcome.ADVICE  # the contact still counts; nobody is named
    # A contact still waiting for its outcome is the coordinator's work, not erased.
    assert Contact.objects.get(pk=pending.pk).contact_person_name == "Odottava Olli"
    # A second run finds nothing more.
    assert apply_retention(after_end, dry_run=False).contacts_due == 0
