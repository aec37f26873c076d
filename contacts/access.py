"""Who needs to know a contact: the coordinators of its area and the professional who sent it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from audit.access import PersonalRecord
from contacts.models import Contact
from networks.access import coordinator_scope, is_coordinator_of


def contact_basis(user: Any, contact: Any) -> str | None:
    if not isinstance(contact, Contact):
        return None
    if is_coordinator_of(user, contact.area_id, contact.programme_id):
        return "coordinator"
    if user.pk in (contact.recorded_by_id, contact.contact_person_id):
        return "sender"
    return None


CONTACT = PersonalRecord(name="contact", decide=contact_basis)


def contacts_coordinated_by(user: Any) -> QuerySet[Contact]:
    return Contact.objects.filter(coordinator_scope(user))


def contacts_sent_by(user: Any) -> QuerySet[Contact]:
    return Contact.objects.filter(Q(recorded_by=user) | Q(contact_person=user))
