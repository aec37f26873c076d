"""Who needs to know a contact: the coordinators of its area and the professional who sent it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from audit.access import PersonalRecord
from audit.models import Basis
from contacts.models import Contact
from networks.access import coordinator_scope, is_coordinator_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from accounts.models import User


def contact_bases(
    user: User | AnonymousUser, contact: Contact, request: HttpRequest | None = None
) -> frozenset[Basis]:
    """The coordinators of the contact's area and programme; the professional who sent it."""
    if not user.is_authenticated:
        return frozenset()
    held: set[Basis] = set()
    if is_coordinator_of(user, contact.area_id, contact.programme_id):
        held.add(Basis.COORDINATOR)
    if user.pk in (contact.recorded_by_id, contact.contact_person_id):
        held.add(Basis.SENDER)
    return frozenset(held)


CONTACT = PersonalRecord(name="contact")


def contacts_coordinated_by(user: User) -> QuerySet[Contact]:
    return Contact.objects.filter(coordinator_scope(user))


def contacts_sent_by(user: User) -> QuerySet[Contact]:
    return Contact.objects.filter(Q(recorded_by=user) | Q(contact_person=user))
