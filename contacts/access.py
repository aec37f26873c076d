"""Who needs to know a contact: the coordinators of its area and the professional who sent it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from audit.access import PersonalRecord
from audit.policy import Basis
from contacts.models import Contact
from networks.access import coordinator_scope, is_coordinator_of


def contact_bases(user: Any, contact: Contact, request: Any = None) -> frozenset[Basis]:
    """The coordinators of the contact's area and programme; the professional who sent it."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    held: set[Basis] = set()
    if is_coordinator_of(user, contact.area_id, contact.programme_id):
        held.add(Basis.COORDINATOR)
    if user.pk in (contact.recorded_by_id, contact.contact_person_id):
        held.add(Basis.SENDER)
    return frozenset(held)


CONTACT = PersonalRecord(name="contact")


def contacts_coordinated_by(user: Any) -> QuerySet[Contact]:
    return Contact.objects.filter(coordinator_scope(user))


def contacts_sent_by(user: Any) -> QuerySet[Contact]:
    return Contact.objects.filter(Q(recorded_by=user) | Q(contact_person=user))
