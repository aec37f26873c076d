"""The verbs of network work: convene, invite, meet. Transactions live here."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from audit.access import record_disclosure
from audit.models import Basis, DisclosureChannel
from core.clock import now_or
from core.errors import StaleEdit, ValidationError
from indicators.events import record_event
from indicators.models import EventKind
from networks import calendar, consent, extensions
from networks.deadlines import convening_deadline, local_date, within_deadline
from networks.identity import hash_identity_code
from networks.models import (
    Channel,
    Child,
    Invitation,
    Language,
    Meeting,
    MeetingChange,
    MeetingKind,
    MeetingStatus,
    Network,
    NetworkStatus,
    Participant,
)
from networks.selectors import concerns_children, match_key, professional_accounts, reached_by
from notifications.models import OutgoingSms
from notifications.phone import normalise_phone
from notifications.services import Attachment, send_email, send_sms
from programmes.models import ParticipantKind, Programme, ProgrammeRole

if TYPE_CHECKING:
    from accounts.models import User
    from directory.models import Service

if TYPE_CHECKING:  # a network is opened from a contact; contacts.services calls open_network
    from contacts.models import Contact


@transaction.atomic
def add_child(
    *, network: Network, by: User, name: str, birth_date: date | None, now: datetime | None = None
) -> Child:
    """Add a sibling to a family's network: one network for the family, each child with their own
    view and goals. Refused for a closed network, a client's network and a child already in it."""
    now = now_or(now)
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the child's name.")
    if birth_date and birth_date > timezone.localdate(now):
        errors["birth_date"] = _("The date of birth is in the future.")
    if errors:
        raise ValidationError(errors)
    network = Network.objects.select_for_update().get(pk=network.pk)
    if network.status == NetworkStatus.CLOSED:
        raise ValidationError(_("The network is closed."))
    if not concerns_children(network.programme):
        raise ValidationError(_("This network concerns a client, not children."))
    key = match_key(name, birth_date)
    if network.children.filter(match_key=key).exists():
        raise ValidationError({"name": _("The child is already in this network.")})
    child = Child.objects.create(
        network=network,
        name=name,
        birth_date=birth_date,
        match_key=key,
        added_at=now,
        created_by=by,
    )
    network.version += 1
    network.save(update_fields=["version"])
    return child


@transaction.atomic
def open_network(
    *,
    contact: Contact,
    by: User,
    subject_name: str,
    subject_birth_date: date | None,
    initiator: Any | None = None,
    family_language: str = "fi",
    now: datetime | None = None,
) -> Network:
    """Open a network from a contact; the contact's time starts the convening deadline."""
    now = now_or(now)
    subject_name = subject_name.strip()
    if not subject_name:
        raise ValidationError({"subject_name": _("Give the name of the child or client.")})
    if subject_birth_date and subject_birth_date > timezone.localdate(now):
        raise ValidationError({"subject_birth_date": _("The date of birth is in the future.")})
    programme = contact.programme
    network = Network.objects.create(
        area=contact.area,
        programme=programme,
        subject_name=subject_name,
        subject_birth_date=subject_birth_date,
        match_key=match_key(subject_name, subject_birth_date),
        first_contact_at=contact.received_at,
        convening_deadline=convening_deadline(
            contact.received_at, programme.convening_deadline_days
        ),
        coordinator=by,
        initiator=initiator or contact.contact_person,
        family_language=family_language if family_language in Language.values else "fi",
        opened_at=now,
    )
    if concerns_children(programme):
        Child.objects.create(
            network=network,
            name=subject_name,
            birth_date=subject_birth_date,
            match_key=network.match_key,
            added_at=now,
            created_by=by,
        )
    subject_kind = programme.participant_kinds.filter(is_subject=True, is_active=True).first()
    if subject_kind is not None:
        # The client is in the key role: a participant of their own network from the start.
        # A client who contacted the number themself left their phone or email there.
        themself = contact.contacted_by == "client"
        Participant.objects.create(
            network=network,
            kind=subject_kind,
            name=subject_name,
            email=contact.contact_person_email if themself else "",
            phone=contact.contact_person_phone if themself else "",
            added_at=now,
            created_by=by,
        )
    record_event(EventKind.NETWORK_OPENED, area=network.area, programme=network.programme, at=now)
    if initiator or contact.contact_person:
        person = initiator or contact.contact_person
        kind = professional_kind(network)
        add_participant(
            network=network,
            by=by,
            kind=kind,
            role=role(network.programme, "initiator"),
            user=person,
            now=now,
        )
    return network


def professional_kind(network: Network) -> ParticipantKind:
    kinds = ParticipantKind.objects.filter(
        programme=network.programme, is_family=False, is_active=True
    )
    kind = kinds.filter(code="professional").first() or kinds.order_by("order").first()
    if kind is None:
        raise ValidationError(_("The programme has no participant kind for professionals."))
    return kind


def role(programme: Programme, code: str) -> ProgrammeRole | None:
    """The programme's role with this code, if the programme has one."""
    return ProgrammeRole.objects.filter(programme=programme, code=code, is_active=True).first()


@transaction.atomic
def add_participant(
    *,
    network: Network,
    by: User,
    kind: ParticipantKind,
    role: ProgrammeRole | None = None,
    user: User | None = None,
    service: Service | None = None,
    name: str = "",
    relation: str = "",
    email: str = "",
    phone: str = "",
    organisation: str = "",
    is_own_worker: bool = False,
    channel: str | None = None,
    identity_code: str = "",
    now: datetime | None = None,
) -> Participant:
    """Add a professional from the directory (``user``) or a family member / everyday adult.

    A family member's ``channel`` (email, text message, paper) needs the matching address; their
    personal ``identity_code``, if given, is kept only as a keyed hash (``networks.identity``).

    A professional without an Arki account goes through :func:`add_outside_professional`."""
    if network.status == NetworkStatus.CLOSED:
        raise ValidationError(_("The network is closed."))
    if kind.programme_id != network.programme_id or (
        role and role.programme_id != network.programme_id
    ):
        raise ValidationError(_("The kind or role belongs to another programme."))
    if user is not None:
        if network.participants.filter(user=user, removed_at__isnull=True).exists():
            raise ValidationError({"user": _("This professional is already in the network.")})
        name = name or user.full_name
        email = email or user.email
        phone = phone or user.phone
        if service is None:
            position = user.positions.filter(is_active=True).select_related("service").first()
            service = position.service if position else None
    if not name.strip():
        raise ValidationError({"name": _("Give the participant's name.")})
    if service is not None and service.pk in consent.banned_service_ids(network):
        raise ValidationError(
            _("The client has banned disclosing their information to this service.")
        )
    if channel is None:  # professionals, and callers that do not ask: by email if there is one
        channel = Channel.EMAIL if email.strip() or not kind.is_family else Channel.PAPER
    else:
        channel, phone = _checked_channel(channel, email.strip(), phone.strip())
    identity_code_hash = hash_identity_code(identity_code) if identity_code.strip() else ""
    if is_own_worker:
        network.participants.filter(is_own_worker=True).update(is_own_worker=False)
    added = Participant.objects.create(
        network=network,
        kind=kind,
        role=role,
        user=user,
        service=service,
        name=name.strip(),
        relation=relation.strip(),
        email=email.strip(),
        phone=phone.strip(),
        organisation=organisation.strip(),
        is_own_worker=is_own_worker,
        channel=channel,
        identity_code_hash=identity_code_hash,
        added_at=now_or(now),
        created_by=by,
    )
    if identity_code_hash:
        _identity_code_event(added, by, recorded=True)
    return added


def _checked_channel(channel: str, email: str, phone: str) -> tuple[str, str]:
    """The channel and the phone number (normalised to +358… when text messages are chosen);
    ``ValidationError`` on the field that is missing for the chosen channel."""
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Choose email, text message or paper.")})
    if channel == Channel.EMAIL and not email:
        raise ValidationError({"email": _("Give an email address, or choose another way.")})
    if channel == Channel.SMS:
        if not phone:
            raise ValidationError(
                {"phone": _("Give a mobile phone number, or choose another way.")}
            )
        try:
            phone = normalise_phone(phone)
        except DjangoValidationError as error:
            raise ValidationError({"phone": error.messages}) from None
    return channel, phone


def _identity_code_event(participant: Participant, by: User, *, recorded: bool) -> None:
    """Who recorded or forgot a family member's identity code, and where: it decides who may
    sign in to the plan, so the data protection officer sees it in the security log (never the
    code or its hash)."""
    from accounts.models import SecurityEventKind
    from accounts.services import record_security_event

    record_security_event(
        SecurityEventKind.IDENTITY_CODE_RECORDED
        if recorded
        else SecurityEventKind.IDENTITY_CODE_FORGOTTEN,
        actor=by,
        details={"scope": f"network {participant.network_id}, participant {participant.pk}"},
    )


@transaction.atomic
def set_reaching(
    participant: Participant,
    *,
    by: User,
    channel: str,
    email: str,
    phone: str,
    identity_code: str = "",
    forget_identity_code: bool = False,
) -> Participant:
    """Change how a family member is reached, and record or forget their identity code."""
    if not participant.kind.is_family:
        raise ValidationError(_("Only a family member's or everyday adult's ways can be changed."))
    if participant.removed_at is not None or participant.network.status == NetworkStatus.CLOSED:
        raise ValidationError(_("The participant is no longer in an open network."))
    channel, phone = _checked_channel(channel, email.strip(), phone.strip())
    recorded: bool | None = None
    if identity_code.strip():
        try:
            participant.identity_code_hash = hash_identity_code(identity_code)
        except DjangoValidationError as error:
            raise ValidationError({"identity_code": error.messages}) from None
        recorded = True
    elif forget_identity_code and participant.identity_code_hash:
        participant.identity_code_hash = ""
        recorded = False
    participant.channel, participant.email, participant.phone = channel, email.strip(), phone
    participant.modified_by = by
    if recorded is not None:
        _identity_code_event(participant, by, recorded=recorded)
    participant.save(
        update_fields=["channel", "email", "phone", "identity_code_hash", "modified_by"]
    )
    return participant


# A phone number as people write it: an optional +, digits, spaces, hyphens and brackets. The
# phonenumbers library is not a dependency of Arki; this catches typing errors, not every
# impossible number.
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()\-]*$")
PHONE_DIGITS = (5, 15)  # a short service number .. the longest international (E.164) number


def valid_phone(phone: str) -> bool:
    digits = sum(character.isdigit() for character in phone)
    return bool(PHONE_PATTERN.match(phone)) and PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]


@transaction.atomic
def add_outside_professional(
    *,
    network: Network,
    by: User,
    name: str,
    role: ProgrammeRole | None = None,
    service: Service | None = None,
    organisation: str = "",
    email: str = "",
    phone: str = "",
    now: datetime | None = None,
) -> Participant:
    """Add a professional who has no Arki account (a private therapist, the parish deacon…).

    They are reached by email and/or phone: invitations, the calendar file and a personal link
    to the plan and its memos. A directory service or a free-text organisation says where they
    work; :func:`link_account` later joins them to an account without losing their history."""
    name, organisation, email, phone = (
        name.strip(),
        organisation.strip(),
        email.strip(),
        phone.strip(),
    )
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the professional's name.")
    if service is not None and organisation:
        errors["organisation"] = _(
            "Choose the service from the directory or write the organisation, not both."
        )
    if not email and not phone:
        errors["__all__"] = _("Give an email address or a phone number, or both.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter a valid email address.")
    if phone and not valid_phone(phone):
        errors["phone"] = _(
            "Enter the phone number with digits, for example 040 123 4567 or +358 40 123 4567."
        )
    if email and (
        network.participants.filter(removed_at__isnull=True, kind__is_family=False)
        .filter(email__iexact=email)
        .exists()
    ):
        errors["email"] = _("A professional with this email address is already in the network.")
    if errors:
        raise ValidationError(errors)
    return add_participant(
        network=network,
        by=by,
        kind=professional_kind(network),
        role=role,
        service=service,
        organisation=organisation,
        name=name,
        email=email,
        phone=phone,
        now=now,
    )


@transaction.atomic
def link_account(
    *, participant: Participant, user: User, by: User, now: datetime | None = None
) -> Participant:
    """Turn a professional without an account into a user: the participant row gets the account.

    The row stays the same, so every promise, invitation, memo record and log entry about it is
    kept. Their personal links are revoked: from now on they sign in. Refused for a family
    member, a row already linked or removed, an account whose email differs, an account that
    already takes part in the network, and an account whose service the client has banned."""
    participant = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("kind", "network")
        .get(pk=participant.pk)
    )
    network = participant.network
    if participant.kind.is_family:
        raise ValidationError(_("A family member's participation is not linked to an account."))
    if participant.user_id is not None:
        raise ValidationError(_("The participant is already linked to an Arki account."))
    if participant.removed_at is not None or network.status == NetworkStatus.CLOSED:
        raise ValidationError(_("The participant is no longer in an open network."))
    if user is None or not professional_accounts().filter(pk=user.pk).exists():
        raise ValidationError(_("The account is not an Arki account of a professional in use."))
    if not participant.email or participant.email.strip().lower() != user.email.strip().lower():
        raise ValidationError(
            _("The email addresses differ: only the account with the same address can be linked.")
        )
    if network.participants.filter(user=user, removed_at__isnull=True).exists():
        raise ValidationError(
            _("%(name)s already takes part in the network with their Arki account.")
            % {"name": user.full_name}
        )
    own_services = set(user.positions.filter(is_active=True).values_list("service_id", flat=True))
    if own_services & consent.banned_service_ids(network):
        raise ValidationError(
            _("The client has banned disclosing their information to this service.")
        )
    participant.user, participant.modified_by = user, by
    participant.save(update_fields=["user", "modified_by"])
    extensions.participant_access_ended.send(Participant, participant=participant, now=now)
    return participant


@transaction.atomic
def remove_participant(*, participant: Participant, by: User, now: datetime | None = None) -> None:
    """Remove at once: the participant's pages, lists, emails and family links end together.

    Every path checks the participant (``consent.participant_excluded``); the family links are
    revoked as well, so a removal is final even if the participant row were restored."""
    now = now_or(now)
    if participant.removed_at is None:
        participant.removed_at, participant.modified_by = now, by
        participant.save(update_fields=["removed_at", "modified_by"])
    extensions.participant_access_ended.send(Participant, participant=participant, now=now)


def _validate_time(
    network: Network,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    late_reason: str,
    now: datetime,
) -> None:
    errors: dict[str, str] = {}
    if starts_at < now:
        errors["starts_at"] = _("The meeting cannot be in the past.")
    elif starts_at < network.first_contact_at:
        errors["starts_at"] = _("The meeting cannot be before the contact.")
    if ends_at <= starts_at:
        errors["ends_at"] = _("The meeting must end after it starts.")
    if (
        kind == MeetingKind.FIRST
        and "starts_at" not in errors
        and not within_deadline(starts_at, network.convening_deadline)
        and not late_reason.strip()
    ):
        errors["late_reason"] = _(
            "The first meeting is after the deadline (%(deadline)s). Give the reason."
        ) % {"deadline": network.convening_deadline.strftime("%d.%m.%Y")}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def schedule_meeting(
    *,
    network: Network,
    by: User,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    online_link: str = "",
    late_reason: str = "",
    now: datetime | None = None,
) -> Meeting:
    """Propose the next meeting and invite every participant the way they are reached."""
    now = now_or(now)
    if network.status == NetworkStatus.CLOSED:
        raise ValidationError(_("The network is closed."))
    if not place.strip() and not online_link.strip():
        raise ValidationError({"place": _("Give a place or an online meeting link.")})
    has_first = network.meetings.exclude(status=MeetingStatus.CANCELLED).filter(
        kind=MeetingKind.FIRST
    )
    kind = MeetingKind.FOLLOW_UP if has_first.exists() else MeetingKind.FIRST
    if network.meetings.filter(status=MeetingStatus.PLANNED).exists():
        raise ValidationError(_("A meeting is already planned. Move it instead."))
    _validate_time(network, kind, starts_at, ends_at, late_reason, now)
    meeting = Meeting.objects.create(
        network=network,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        online_link=online_link.strip(),
        late_reason=late_reason.strip(),
        organiser=by,
        created_at=now,
    )
    MeetingChange.objects.create(
        meeting=meeting,
        changed_by=by,
        changed_at=now,
        new_starts_at=starts_at,
        reason=late_reason.strip(),
    )
    send_invitations(meeting, calendar.REQUEST, now=now)
    return meeting


@transaction.atomic
def move_meeting(
    *,
    meeting: Meeting,
    by: User,
    expected_version: int,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    online_link: str = "",
    reason: str = "",
    now: datetime | None = None,
) -> Meeting:
    """Move a planned meeting: everyone gets an updated invitation with a higher SEQUENCE."""
    now = now_or(now)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.version != expected_version:
        raise StaleEdit
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Only a planned meeting can be moved."))
    if not place.strip() and not online_link.strip():
        raise ValidationError({"place": _("Give a place or an online meeting link.")})
    _validate_time(meeting.network, meeting.kind, starts_at, ends_at, reason, now)
    MeetingChange.objects.create(
        meeting=meeting,
        changed_by=by,
        changed_at=now,
        old_starts_at=meeting.starts_at,
        new_starts_at=starts_at,
        reason=reason.strip(),
    )
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.place, meeting.online_link = place.strip(), online_link.strip()
    if reason.strip():
        meeting.late_reason = reason.strip()
    meeting.sequence += 1
    meeting.version += 1
    meeting.save()
    send_invitations(meeting, calendar.REQUEST, now=now)
    return meeting


@transaction.atomic
def cancel_meeting(
    *, meeting: Meeting, by: User, reason: str, now: datetime | None = None
) -> Meeting:
    now = now_or(now)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Only a planned meeting can be cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    MeetingChange.objects.create(
        meeting=meeting,
        changed_by=by,
        changed_at=now,
        old_starts_at=meeting.starts_at,
        cancelled=True,
        reason=reason.strip(),
    )
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.version += 1
    meeting.save()
    send_invitations(meeting, calendar.CANCEL, now=now)
    return meeting


@transaction.atomic
def mark_meeting_held(*, meeting: Meeting, by: User, now: datetime | None = None) -> Meeting:
    """Record that the meeting took place; the first one convenes the network."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Only a planned meeting can be marked held."))
    if meeting.starts_at > now_or(now):
        raise ValidationError(_("The meeting has not started yet."))
    meeting.status = MeetingStatus.HELD
    meeting.modified_by = by
    meeting.version += 1
    meeting.save(update_fields=["status", "modified_by", "version"])
    network = meeting.network
    record_event(
        EventKind.MEETING_HELD,
        area=network.area,
        programme=network.programme,
        at=meeting.starts_at,
        meeting_kind=meeting.kind,
    )
    if meeting.kind == MeetingKind.FIRST:
        record_event(
            EventKind.NETWORK_CONVENED,
            area=network.area,
            programme=network.programme,
            at=meeting.starts_at,
            days=(local_date(meeting.starts_at) - local_date(network.first_contact_at)).days,
            count=network.contacts.filter(received_at__lte=meeting.starts_at).count(),
            sectors=sectors_present(network),
            # A named own worker walks alongside the client from the first meeting on.
            outcome="own_worker"
            if network.participants.filter(is_own_worker=True, removed_at__isnull=True).exists()
            else "",
        )
    if network.status == NetworkStatus.CONVENING:
        Network.objects.filter(pk=network.pk).update(
            status=NetworkStatus.ACTIVE, version=F("version") + 1
        )
    return meeting


def sectors_present(network: Network) -> int:
    """How many sectors act in the network at the same time (not in turns)."""
    return (
        network.participants.filter(removed_at__isnull=True, service__isnull=False)
        .values("service__organisation__sector")
        .distinct()
        .count()
    )


def send_invitations(meeting: Meeting, method: str, *, now: datetime | None = None) -> int:
    """Send each participant the invitation (or update, or cancellation) the way they are reached
    (``selectors.reached_by``); returns how many were sent.

    By email, with an .ics file: each family member gets their own copy: the calendar lists the
    professionals (by their work addresses, those without an Arki account too) and that family
    member only, never another family member's private address. The organiser is the meeting's
    coordinator, so that replies reach them. By text message (a family member who chose it): the
    time and place only, in the network's family language, since a phone's lock screen shows it.
    On paper: nothing is sent; the network page lists them with the printable invitation."""
    now = now_or(now)
    participants = [
        p
        for p in meeting.network.participants.filter(removed_at__isnull=True).select_related(
            "kind", "user", "network"
        )
        if not consent.participant_excluded(p)
    ]
    channels = {p.pk: reached_by(p) for p in participants}
    professionals = [
        (p.name, p.email)
        for p in participants
        if not p.kind.is_family and channels[p.pk] == Channel.EMAIL
    ]
    sent = 0
    for participant in participants:
        channel = channels[participant.pk]
        if channel == Channel.SMS:
            _send_invitation_sms(meeting, method, participant, now=now)
        elif channel == Channel.EMAIL:
            _send_invitation_email(meeting, method, participant, professionals, now=now)
        else:
            continue
        Invitation.objects.create(
            meeting=meeting,
            participant=participant,
            method=method,
            sequence=meeting.sequence,
            sent_at=now,
        )
        sent += 1
    return sent


def _send_invitation_email(
    meeting: Meeting,
    method: str,
    participant: Participant,
    professionals: list[tuple[str, str]],
    *,
    now: datetime,
) -> None:
    family = participant.kind.is_family
    attendees = [*professionals, (participant.name, participant.email)] if family else professionals
    language = (
        participant.user.preferred_language
        if participant.user
        else meeting.network.family_language or "fi"
    )
    with override(language):
        subject, body, summary = _invitation_text(
            meeting, method, family=family, signs_in=participant.user_id is not None
        )
        ics = calendar.meeting_calendar(meeting, method, attendees, summary, now=now)
    send_email(
        to=[participant.email],
        subject=subject,
        body=body,
        # The mail library adds the charset itself; naming it here printed it twice.
        attachments=[Attachment("invite.ics", ics, f"text/calendar; method={method}")],
        now=now,
    )
    record_disclosure(
        actor=None,
        subject=meeting.network,
        data=f"meeting {meeting.pk} invitation: time, place, participants' names",
        recipient=f"participant {participant.pk}",
        channel=DisclosureChannel.EMAIL,
        basis=Basis.PARTICIPANT,
    )


def _send_invitation_sms(
    meeting: Meeting, method: str, participant: Participant, *, now: datetime
) -> None:
    with override(meeting.network.family_language or "fi"):
        text = invitation_sms_text(meeting, method)
    send_sms(participant.mobile_number, text, purpose=OutgoingSms.Purpose.INVITATION, now=now)
    record_disclosure(
        actor=None,
        subject=meeting.network,
        data=f"meeting {meeting.pk} invitation by text message: time and place",
        recipient=f"participant {participant.pk}",
        channel=DisclosureChannel.SMS,
        basis=Basis.PARTICIPANT,
    )


# Room for the time and the words around the place in one text message.
SMS_PLACE_LENGTH = 300


def invitation_sms_text(meeting: Meeting, method: str) -> str:
    """The text message of an invitation, update or cancellation, in the active language: the
    time and the place only; no names, no topic, no kind of meeting (a lock screen shows it)."""
    from django.utils.formats import date_format

    when = date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT")
    where = (meeting.place or meeting.online_link)[:SMS_PLACE_LENGTH]
    if method == calendar.CANCEL:
        return _(
            "Arki: the meeting on %(when)s has been cancelled. The coordinator will be in touch."
        ) % {"when": when}
    if meeting.sequence == 0:
        return _(
            "Arki: you are invited to a meeting on %(when)s, %(where)s. If the time does not "
            "suit you, contact the coordinator."
        ) % {"when": when, "where": where}
    return _(
        "Arki: the meeting was moved. New time: %(when)s, %(where)s. If the time does not suit "
        "you, contact the coordinator."
    ) % {"when": when, "where": where}


def _invitation_text(
    meeting: Meeting, method: str, *, family: bool = False, signs_in: bool = True
) -> tuple[str, str, str]:
    """Subject, body and calendar summary with no family names (they travel by email).

    A family member, and a professional without an Arki account, cannot sign in: their
    invitation tells them whom to contact."""
    from django.utils.formats import date_format

    when = date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT")
    where = meeting.place or meeting.online_link
    summary = str(meeting.get_kind_display())
    coordinator = meeting.organiser.full_name if meeting.organiser else ""
    if method == calendar.CANCEL:
        subject = _("Cancelled: %(meeting)s %(when)s") % {"meeting": summary, "when": when}
        body = _(
            "The meeting on %(when)s has been cancelled. The coordinator will be in touch."
        ) % {"when": when}
    else:
        prefix = _("Invitation") if meeting.sequence == 0 else _("Updated invitation")
        subject = f"{prefix}: {summary} {when}"
        if family:
            body = _(
                "You are invited to a %(meeting)s on %(when)s, %(where)s.\n"
                "The meeting brings together the people important in your everyday life and "
                "the services that can help, at the same time. If the time does not suit you, or you want to ask "
                "something first, reply to this message or contact the coordinator "
                "%(coordinator)s.\n"
                "The calendar file is attached."
            ) % {
                "meeting": summary.lower(),
                "when": when,
                "where": where,
                "coordinator": coordinator,
            }
        elif signs_in:
            body = _(
                "You are invited to a %(meeting)s on %(when)s, %(where)s.\n"
                "The meeting brings together the important everyday people and the services "
                "at the same time. Sign in to Arki to see the network's timeline.\n"
                "The calendar file is attached."
            ) % {"meeting": summary.lower(), "when": when, "where": where}
        else:
            body = _(
                "You are invited to a %(meeting)s on %(when)s, %(where)s.\n"
                "The meeting brings together the important everyday people and the services "
                "at the same time. If the time does not suit you, reply to this message or "
                "contact the coordinator %(coordinator)s.\n"
                "The calendar file is attached."
            ) % {
                "meeting": summary.lower(),
                "when": when,
                "where": where,
                "coordinator": coordinator,
            }
    return subject, body, summary
