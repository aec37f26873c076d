"""The verbs of the one-contact principle: record, advise, convene, join. Transactions live here."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import (
    Channel,
    Consent,
    Contact,
    ContactedBy,
    MethodDiscussion,
    Outcome,
    Source,
)
from core.clock import now_or
from core.errors import StaleEdit, ValidationError
from indicators.events import record_event
from indicators.models import EventKind
from networks import services as network_services
from networks.models import Network, NetworkStatus

if TYPE_CHECKING:
    from accounts.models import User
    from directory.models import Area, Service
    from programmes.models import AgeBand, ConcernCategory, Programme

CONTACT_FIELDS = (
    "channel",
    "area",
    "programme",
    "contacted_by",
    "contact_person",
    "contact_person_name",
    "contact_person_service",
    "contact_person_phone",
    "contact_person_email",
    "concern",
    "lp_discussion",
    "consent",
    "legal_ground",
    "no_consent_reasons",
)


def is_about_one_client(programme: Programme | None) -> bool:
    """A programme about an adult client works with one person; a family programme with a
    family (the programme's ``subject`` in its configuration file)."""
    return bool(programme is not None and not programme.concerns_children)


def validate_contact(data: dict[str, Any]) -> None:
    """Rules that hold however the contact arrives (form, import, API)."""
    errors: dict[str, str] = {}
    programme = data.get("programme")
    if not str(data.get("concern", "")).strip():
        errors["concern"] = _("Describe the concern briefly.")
    if data.get("consent") == Consent.NO_CONSENT:
        if not data.get("legal_ground"):
            errors["legal_ground"] = _(
                "Without consent, name the legal ground (Social Welfare Act 1301/2014 §35)."
            )
        if not str(data.get("no_consent_reasons", "")).strip():
            errors["no_consent_reasons"] = _("Without consent, give the reasons.")
    contacted_by = data.get("contacted_by")
    if contacted_by == ContactedBy.PROFESSIONAL and not data.get("contact_person"):
        errors["contact_person"] = _("Choose the professional from the directory.")
    # No name is required of anyone else: an advice call is recorded and closed anonymously,
    # and the family's names are recorded only when the work continues (convening).
    if (
        contacted_by == ContactedBy.CLIENT
        and programme is not None
        and not is_about_one_client(programme)
    ):
        errors["contacted_by"] = _("Only adult clients contact the number about themselves.")
    age_bands = list(data.get("age_bands") or [])
    if programme is not None and any(band.programme_id != programme.pk for band in age_bands):
        errors["age_bands"] = _("An age band belongs to another programme.")
    elif is_about_one_client(programme) and len(age_bands) > 1:
        errors["age_bands"] = _("A client is one person: choose one age band.")
    categories = data.get("concern_categories") or []
    if programme is not None and any(c.programme_id != programme.pk for c in categories):
        errors["concern_categories"] = _("A concern category belongs to another programme.")
    if errors:
        raise ValidationError(errors)


def record_contact(
    *,
    recorded_by: User | None,
    source: str,
    data: dict[str, Any],
    concern_categories: Iterable[ConcernCategory] = (),
    age_bands: Iterable[AgeBand] = (),
    submission_token: uuid.UUID | None = None,
    now: datetime | None = None,
) -> tuple[Contact, bool]:
    """Record a contact. The same submission token twice (a browser retry) gives the same contact.

    ``age_bands``: the children's age bands (one or more for a family with several children).
    Returns (contact, created).
    """
    categories = list(concern_categories)
    bands = list(age_bands)
    validate_contact({**data, "concern_categories": categories, "age_bands": bands})
    token = submission_token or uuid.uuid4()
    existing = Contact.objects.filter(submission_token=token).first()
    if existing is not None:
        return existing, False
    if source == Source.REQUEST:
        data = {**data, "contacted_by": ContactedBy.PROFESSIONAL, "contact_person": recorded_by}
    try:
        with transaction.atomic():
            contact = Contact.objects.create(
                submission_token=token,
                received_at=now_or(now),
                source=source,
                recorded_by=recorded_by,
                **{field: data[field] for field in CONTACT_FIELDS if field in data},
            )
            contact.concern_categories.set(categories)
            contact.age_bands.set(bands)
            record_event(
                EventKind.CONTACT_RECEIVED,
                area=contact.area,
                programme=contact.programme,
                at=contact.received_at,
                channel=contact.channel,
                # Who contacted: "client" counts the client's own contacts.
                outcome=contact.contacted_by,
            )
    except IntegrityError:
        # Two copies of the same submission raced; the first one won.
        return Contact.objects.get(submission_token=token), False
    return contact, True


PUBLIC_FIELDS = (
    "area",
    "programme",
    "contacted_by",
    "concern",
    "contact_person_name",
    "contact_person_phone",
    "contact_person_email",
)


def record_public_contact(
    *,
    data: dict[str, Any],
    submission_token: uuid.UUID | None = None,
    now: datetime | None = None,
) -> tuple[Contact, bool]:
    """A contact the client or family sent themselves through the public form.

    It lands in the queue of its area and programme with channel "web form" and source "public",
    counts as a contact received for the indicators, and the coordinators of that queue get an
    email that says only that a new contact is waiting (nothing of the sender or the concern).
    The family's agreement to network work is asked when the coordinator calls back ("not yet").
    """
    if data.get("contacted_by") == ContactedBy.PROFESSIONAL:
        raise ValidationError({"contacted_by": _("Professionals use the request form.")})
    if not (data.get("contact_person_phone") or data.get("contact_person_email")):
        raise ValidationError(
            {"contact_person_phone": _("Give a phone number or an email address.")}
        )
    fields = {field: data[field] for field in PUBLIC_FIELDS if field in data}
    with transaction.atomic():
        contact, created = record_contact(
            recorded_by=None,
            source=Source.PUBLIC,
            data={**fields, "channel": Channel.WEB, "consent": Consent.NOT_YET},
            submission_token=submission_token,
            now=now,
        )
        if created:
            notify_coordinators(contact, now=now)
    return contact, created


def queue_coordinators(area: Area, programme: Programme) -> list[User]:
    """The active coordinators whose queue holds contacts of this area and programme."""
    from django.contrib.auth import get_user_model

    from accounts.models import Membership
    from audit.roles import Role

    # One membership must hold all three conditions (not one membership each).
    memberships = Membership.objects.filter(
        Q(area=area) | Q(area__isnull=True),
        Q(programme=programme) | Q(programme__isnull=True),
        role=Role.COORDINATOR,
    ).values("user_id")
    return list(get_user_model().objects.filter(is_active=True, pk__in=memberships).order_by("pk"))


def notify_coordinators(contact: Contact, *, now: datetime | None = None) -> None:
    """Tell the queue's coordinators that a contact is waiting: no personal content, ever.

    Area and programme are named so a coordinator of several queues knows where to look; the
    concern, the sender's name, phone and email stay in Arki behind the sign-in.
    """
    from django.conf import settings
    from django.urls import reverse
    from django.utils.translation import override

    from notifications.services import send_email

    link = settings.ARKI_BASE_URL.rstrip("/") + reverse("contacts:queue")
    for coordinator in queue_coordinators(contact.area, contact.programme):
        if not coordinator.email:
            continue
        with override(getattr(coordinator, "preferred_language", "") or "fi"):
            subject = _("A new contact is waiting in the queue")
            body = _(
                "A new contact has arrived through the web form (%(area)s, %(programme)s).\n\n"
                "Sign in to Arki to see it in your queue:\n%(link)s\n"
            ) % {"area": contact.area.name, "programme": contact.programme, "link": link}
        send_email(to=[coordinator.email], subject=subject, body=body, now=now)


@transaction.atomic
def update_contact(
    *,
    contact: Contact,
    by: User,
    expected_version: int,
    data: dict[str, Any],
    concern_categories: Iterable[ConcernCategory],
    age_bands: Iterable[AgeBand],
) -> Contact:
    """Save changes unless someone else saved first (optimistic locking)."""
    categories = list(concern_categories)
    bands = list(age_bands)
    validate_contact({**data, "concern_categories": categories, "age_bands": bands})
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    if locked.version != expected_version:
        raise StaleEdit
    for field in CONTACT_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    locked.version += 1
    locked.modified_by = by
    locked.save()
    locked.concern_categories.set(categories)
    locked.age_bands.set(bands)
    return locked


def _resolve(
    contact: Contact, expected_version: int, outcome: str, *, by: User, now: datetime | None
) -> Contact:
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    if locked.version != expected_version:
        raise StaleEdit
    if locked.outcome != Outcome.PENDING:
        raise ValidationError(_("The contact has already been handled."))
    locked.outcome = outcome
    locked.closed_at = now_or(now)
    locked.modified_by = by
    locked.version += 1
    record_event(
        EventKind.CONTACT_RESOLVED,
        area=locked.area,
        programme=locked.programme,
        at=locked.closed_at,
        channel=locked.channel,
        outcome=outcome,
    )
    return locked


@transaction.atomic
def give_advice(
    *,
    contact: Contact,
    by: User,
    expected_version: int,
    advice: str,
    now: datetime | None = None,
) -> Contact:
    """Close the contact with advice and consultation only."""
    if not advice.strip():
        raise ValidationError({"advice_given": _("Write down what was advised.")})
    locked = _resolve(contact, expected_version, Outcome.ADVICE, by=by, now=now)
    locked.advice_given = advice.strip()
    locked.save()
    return locked


def check_ready_to_convene(contact: Contact, expected_version: int | None = None) -> None:
    """Refuse before anything is looked up: a contact already handled, one changed since the
    form was opened, or one without the family's agreement or a legal ground is not a reason to
    search for the child's or client's open network."""
    if expected_version is not None and contact.version != expected_version:
        raise StaleEdit
    if contact.outcome != Outcome.PENDING:
        raise ValidationError(_("The contact has already been handled."))
    if contact.consent == Consent.NOT_YET:
        raise ValidationError({"consent": contact.programme.words.ask_first})


@transaction.atomic
def convene(
    *,
    contact: Contact,
    by: User,
    expected_version: int,
    subject_name: str,
    subject_birth_date: date | None,
    own_worker: Any | None = None,
    family_language: str = "fi",
    now: datetime | None = None,
) -> Network:
    """Open a network for the contact. Refused when the family already has an open network.

    In a programme with an own-worker role (working-age), the client's own worker is named here.
    """
    from networks.selectors import open_networks_matching

    own_worker_role = network_services.role(contact.programme, "own-worker")
    if own_worker_role is not None and own_worker is None:
        raise ValidationError({"own_worker": _("Name the client's own worker.")})
    check_ready_to_convene(contact)
    if open_networks_matching(subject_name, subject_birth_date).exists():
        raise ValidationError({"subject_name": contact.programme.words.already_open})
    now = now_or(now)
    locked = _resolve(contact, expected_version, Outcome.CONVENE, by=by, now=now)
    network = network_services.open_network(
        contact=locked,
        by=by,
        subject_name=subject_name,
        subject_birth_date=subject_birth_date,
        family_language=family_language,
        now=now,
    )
    locked.network = network
    locked.save()
    if own_worker is not None:
        network_services.add_participant(
            network=network,
            by=by,
            kind=network_services.professional_kind(network),
            role=own_worker_role,
            user=own_worker,
            is_own_worker=True,
            now=now,
        )
    return network


@transaction.atomic
def join_family_network(
    *,
    contact: Contact,
    by: User,
    expected_version: int,
    network: Network,
    child_name: str,
    child_birth_date: date | None,
    now: datetime | None = None,
) -> Contact:
    """A contact about a sibling of a child with an open network: the child is added to the
    family's network and the contact joins it. One family, one network."""
    network_services.add_child(
        network=network, by=by, name=child_name, birth_date=child_birth_date, now=now
    )
    return join_network(
        contact=contact, by=by, expected_version=expected_version, network=network, now=now
    )


@transaction.atomic
def join_network(
    *,
    contact: Contact,
    by: User,
    expected_version: int,
    network: Network,
    now: datetime | None = None,
) -> Contact:
    """No turn-taking: a new contact about a family with an open network joins that network."""
    if network.status == NetworkStatus.CLOSED:
        raise ValidationError(_("The network is closed."))
    locked = _resolve(contact, expected_version, Outcome.JOINED, by=by, now=now)
    locked.network = network
    locked.save()
    return locked


@transaction.atomic
def record_discussion(
    *,
    by: User,
    held_on: date,
    area: Area,
    programme: Programme,
    service: Service | None,
    wider_support_needed: bool,
    now: datetime | None = None,
) -> MethodDiscussion:
    """Record a discussion held with the programme's method (the LP discussion, or "Työkyky ja
    työllistyminen puheeksi"): anonymous, for the method's indicator."""
    if held_on > timezone.localdate(now_or(now)):
        raise ValidationError({"held_on": _("The discussion cannot be in the future.")})
    discussion = MethodDiscussion.objects.create(
        held_on=held_on,
        area=area,
        programme=programme,
        service=service,
        wider_support_needed=wider_support_needed,
        recorded_by=by,
    )
    record_event(
        EventKind.LP_DISCUSSION_HELD,
        area=area,
        programme=programme,
        at=timezone.make_aware(datetime.combine(held_on, time(12))),
        outcome="wider_support" if wider_support_needed else "everyday_support",
    )
    return discussion
