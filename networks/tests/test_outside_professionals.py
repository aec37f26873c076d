"""Issue #15: professionals who are not Arki users.

A coordinator adds them with a name, a service from the directory or an organisation, a role and
an email and/or a phone. They get invitations, the calendar file and reminders; a removal stops
those at once; later they can be linked to an Arki account without losing their history.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from audit.models import AccessLog
from contacts.tests.helpers import professional
from core.errors import ValidationError
from directory.models import Service
from family import services as family_services
from family.models import FamilyLink
from meetings import reminders
from meetings.models import Promise, PromiseStatus
from meetings.services import NewPromise, RecordInput, my_open_promises, save_meeting_record
from meetings.tests.helpers import later_meeting, network_with_meeting, participants
from networks import consent, services
from networks.access import networks_visible_to
from networks.models import Invitation, Participant

pytestmark = pytest.mark.django_db

THERAPIST = "terapeutti@example.fi"


@pytest.fixture
def world(kaakkuri, children):
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    return network, meeting, coordinator


def add_therapist(network, coordinator, **overrides):
    fields = {
        "name": "Terhi Terapeutti",
        "role": network.programme.roles.get(code="participant-professional"),
        "organisation": "Terapiakeskus Oy",
        "email": THERAPIST,
        "phone": "040 123 4567",
    }
    fields.update(overrides)
    return services.add_outside_professional(network=network, by=coordinator, **fields)


def parse(message):
    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    return Calendar.from_ical(attachment[1])


def to(address):
    return [message for message in mail.outbox if message.to == [address]]


def held(meeting, coordinator, **record):
    """Record the world's first meeting (which makes it held), so the next one can be planned."""
    save_meeting_record(
        meeting=meeting,
        by=coordinator,
        expected_version=0,
        data=RecordInput(common_goal="Arki", **record),
    )


def schedule(network, coordinator):
    starts = timezone.now() + timedelta(days=3)
    return services.schedule_meeting(
        network=network,
        by=coordinator,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Kaakkurin koulu",
    )


# --- adding ---------------------------------------------------------------------------------


def test_an_outside_professional_is_a_professional_without_an_account(world):
    network, meeting, coordinator = world
    therapist = add_therapist(network, coordinator)
    assert therapist.user is None
    assert not therapist.kind.is_family and therapist.kind.code == "professional"
    assert therapist.is_outside_professional
    assert (therapist.organisation, therapist.workplace) == ("Terapiakeskus Oy",) * 2
    assert (therapist.email, therapist.phone) == (THERAPIST, "040 123 4567")
    assert therapist.role.code == "participant-professional"


def test_a_service_from_the_directory_names_where_they_work(world):
    network, meeting, coordinator = world
    parish = Service.objects.create(
        organisation=Service.objects.first().organisation, name="Oulun seurakunta, diakonia"
    )
    deacon = add_therapist(
        network, coordinator, name="Dina Diakoni", service=parish, organisation="", email=""
    )
    assert deacon.service == parish and deacon.workplace == "Oulun seurakunta, diakonia"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "  "}, "name"),
        ({"email": "", "phone": ""}, "__all__"),
        ({"email": "not-an-address"}, "email"),
        ({"phone": "soita minulle"}, "phone"),
        ({"phone": "12"}, "phone"),
        ({"phone": "+358 40 123 4567 8901 2345"}, "phone"),
    ],
)
def test_the_service_refuses_bad_input(world, overrides, field):
    network, meeting, coordinator = world
    with pytest.raises(ValidationError) as refused:
        add_therapist(network, coordinator, **overrides)
    assert field in refused.value.message_dict
    assert not Participant.objects.filter(name="Terhi Terapeutti").exists()


def test_email_or_phone_alone_is_enough(world):
    network, meeting, coordinator = world
    assert add_therapist(network, coordinator, phone="").email == THERAPIST
    assert add_therapist(network, coordinator, name="Pauli Pappi", email="").phone


def test_the_same_professional_is_not_added_twice(world):
    network, meeting, coordinator = world
    add_therapist(network, coordinator)
    with pytest.raises(ValidationError) as refused:
        add_therapist(network, coordinator, email=THERAPIST.upper())
    assert "email" in refused.value.message_dict


def test_a_service_and_an_organisation_together_are_refused(world):
    network, meeting, coordinator = world
    with pytest.raises(ValidationError) as refused:
        add_therapist(network, coordinator, service=Service.objects.first())
    assert "organisation" in refused.value.message_dict


def test_a_banned_service_is_refused_and_not_offered(client, world):
    network, meeting, coordinator = world
    clinic = Service.objects.create(
        organisation=Service.objects.first().organisation, name="Päihdeklinikka"
    )
    consent.ban_disclosure(
        network=network, by=coordinator, requested_by="Maija Virtanen, äiti", service=clinic
    )
    with pytest.raises(ValidationError):
        add_therapist(network, coordinator, organisation="", service=clinic)
    client.force_login(coordinator)
    url = reverse("networks:add_participant", args=[network.pk])
    page = client.get(url)
    offered = list(page.context["outside_form"].fields["service"].queryset)
    assert clinic not in offered and Service.objects.exclude(pk=clinic.pk).first() in offered
    response = client.post(
        url,
        {"which": "outside", "out-name": "Pekka Päihde", "out-service": clinic.pk},
    )
    assert response.status_code == 200 and response.context["outside_form"].errors
    assert not Participant.objects.filter(name="Pekka Päihde").exists()


def test_an_inactive_service_is_not_offered(client, world):
    network, meeting, coordinator = world
    old = Service.objects.create(
        organisation=Service.objects.first().organisation, name="Lakkautettu", is_active=False
    )
    client.force_login(coordinator)
    page = client.get(reverse("networks:add_participant", args=[network.pk]))
    assert old not in list(page.context["outside_form"].fields["service"].queryset)


def test_the_coordinator_adds_one_on_the_participants_page(client, world):
    network, meeting, coordinator = world
    client.force_login(coordinator)
    url = reverse("networks:add_participant", args=[network.pk])
    role = network.programme.roles.get(code="participant-professional")
    response = client.post(
        url,
        {
            "which": "outside",
            "out-name": "Terhi Terapeutti",
            "out-role": role.pk,
            "out-organisation": "Terapiakeskus Oy",
            "out-email": THERAPIST,
        },
    )
    assert response.status_code == 302
    therapist = network.participants.get(name="Terhi Terapeutti")
    assert therapist.user is None and therapist.role == role
    page = client.get(url).content.decode()
    assert "Terapiakeskus Oy" in page
    detail = client.get(reverse("networks:detail", args=[network.pk])).content.decode()
    assert "Terapiakeskus Oy" in detail
    # The personal-link button is offered for them as for a family member.
    assert reverse("family:create_link", args=[network.pk, therapist.pk]) in detail
    teacher = participants(network)["Olli Opettaja"]
    assert reverse("family:create_link", args=[network.pk, teacher.pk]) not in detail


def test_the_page_says_what_is_missing(client, world):
    network, meeting, coordinator = world
    client.force_login(coordinator)
    url = reverse("networks:add_participant", args=[network.pk])
    response = client.post(url, {"which": "outside", "out-name": "", "out-phone": ""})
    form = response.context["outside_form"]
    assert "name" in form.errors and form.non_field_errors()
    response = client.post(url, {"which": "outside", "out-name": "T", "out-phone": "abc"})
    assert "phone" in response.context["outside_form"].errors
    assert not network.participants.filter(name="T").exists()


def test_the_printed_invitation_and_the_memo_name_their_organisation(client, world):
    network, meeting, coordinator = world
    therapist = add_therapist(network, coordinator)
    held(meeting, coordinator, present=[therapist])
    client.force_login(coordinator)
    memo = client.get(reverse("meetings:memo", args=[meeting.pk])).content.decode()
    assert "Terhi Terapeutti (Terapiakeskus Oy)" in memo
    planned = schedule(network, coordinator)
    printed = client.get(reverse("networks:family_invitation", args=[network.pk, planned.pk]))
    assert "Terhi Terapeutti, Terapiakeskus Oy" in printed.content.decode()


# --- invitations and reminders --------------------------------------------------------------


def test_the_invitation_is_the_professionals_with_the_calendar_file(settings, world):
    settings.LANGUAGE_CODE = "en"
    network, meeting, coordinator = world
    network.family_language = "en"
    network.save()
    add_therapist(network, coordinator)
    teacher = participants(network)["Olli Opettaja"].user
    teacher.preferred_language = "en"
    teacher.save()
    held(meeting, coordinator)
    mail.outbox.clear()
    planned = schedule(network, coordinator)
    (message,) = to(THERAPIST)
    assert "the important everyday people and the services" in message.body
    assert "your family" not in message.body
    # They cannot sign in: the invitation names the coordinator instead.
    assert "Sign in" not in message.body and coordinator.full_name in message.body
    calendar = parse(message)
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    attendees = {str(a).removeprefix("mailto:") for a in event.get("ATTENDEE")}
    assert attendees == {"opettaja@example.fi", THERAPIST}  # professionals only
    assert Invitation.objects.filter(meeting=planned, participant__email=THERAPIST).exists()
    # Their address is among the professionals' in everyone's copy, as a teacher's is; a family
    # member's copy adds only that member.
    (mother,) = to("maija@example.fi")
    family_attendees = {
        str(a).removeprefix("mailto:") for a in parse(mother).walk("VEVENT")[0].get("ATTENDEE")
    }
    assert family_attendees == {"opettaja@example.fi", THERAPIST, "maija@example.fi"}
    (teacher,) = to("opettaja@example.fi")
    assert "Sign in to Arki" in teacher.body


def test_a_removed_outside_professional_gets_no_more_invitations(world):
    network, meeting, coordinator = world
    therapist = add_therapist(network, coordinator)
    held(meeting, coordinator)
    services.remove_participant(participant=therapist, by=coordinator)
    mail.outbox.clear()
    schedule(network, coordinator)
    assert to(THERAPIST) == [] and to("opettaja@example.fi")


def promise_of(participant, meeting, coordinator, due):
    """The participant's promise made in the meeting, due on ``due`` (a past day too)."""
    held(
        meeting,
        coordinator,
        new_promises=[
            NewPromise(participant, "Tapaan Eelin viikoittain", max(due, timezone.localdate()))
        ],
    )
    Promise.objects.filter(participant=participant).update(due=due)
    return Promise.objects.get(participant=participant)


def test_reminders_reach_them_and_stop_after_removal(settings, world):
    settings.LANGUAGE_CODE = "en"
    network, meeting, coordinator = world
    network.family_language = "en"
    network.save()
    therapist = add_therapist(network, coordinator)
    today = timezone.localdate()
    promise = promise_of(therapist, meeting, coordinator, today + timedelta(days=2))
    mail.outbox.clear()
    assert reminders.send_promise_reminders(today=today) == 1
    (message,) = to(THERAPIST)
    assert "Tapaan Eelin viikoittain" in message.body
    assert "Sign in" not in message.body and coordinator.full_name in message.body
    services.remove_participant(participant=therapist, by=coordinator)
    mail.outbox.clear()
    assert reminders.send_promise_reminders(today=promise.due + timedelta(days=1)) == 0
    assert to(THERAPIST) == []


def test_a_ban_on_them_stops_their_reminders(world):
    network, meeting, coordinator = world
    therapist = add_therapist(network, coordinator)
    today = timezone.localdate()
    promise_of(therapist, meeting, coordinator, today - timedelta(days=1))
    consent.ban_disclosure(
        network=network, by=coordinator, requested_by="Maija Virtanen", participant=therapist
    )
    mail.outbox.clear()
    assert reminders.send_promise_reminders(today=today) == 0
    assert to(THERAPIST) == []


# --- linking to an Arki account later -------------------------------------------------------


@pytest.fixture
def linked_world(world):
    network, meeting, coordinator = world
    therapist = add_therapist(network, coordinator)
    promise = promise_of(therapist, meeting, coordinator, timezone.localdate() + timedelta(days=9))
    later_meeting(network, coordinator)  # they are invited to it
    issued = family_services.create_link(participant=therapist, by=coordinator)
    account = professional(
        email=THERAPIST, full_name="Terhi Terapeutti", service_name="Terapiakeskus"
    )
    return network, meeting, coordinator, therapist, promise, issued, account


def test_linking_keeps_the_history_and_revokes_the_links(linked_world):
    network, meeting, coordinator, therapist, promise, issued, account = linked_world
    assert network not in networks_visible_to(account)
    assert list(my_open_promises(account)) == []
    invitations = Invitation.objects.filter(participant=therapist).count()
    assert invitations  # the first meeting's invitation was sent to them
    services.link_account(participant=therapist, user=account, by=coordinator)
    therapist.refresh_from_db()
    assert therapist.user == account and therapist.name == "Terhi Terapeutti"
    assert Promise.objects.get(pk=promise.pk).participant == therapist
    assert Invitation.objects.filter(participant=therapist).count() == invitations
    assert FamilyLink.objects.get(pk=issued.link.pk).revoked_at is not None
    # They now sign in: their promise and the network are theirs in Arki.
    assert [p.pk for p in my_open_promises(account)] == [promise.pk]
    assert network in networks_visible_to(account)
    with pytest.raises(ValidationError):
        family_services.create_link(participant=therapist, by=coordinator)


def test_a_linked_professionals_old_link_no_longer_opens_even_unrevoked(client, linked_world):
    network, meeting, coordinator, therapist, promise, issued, account = linked_world
    Participant.objects.filter(pk=therapist.pk).update(user=account)
    link = FamilyLink.objects.get(pk=issued.link.pk)
    assert link.revoked_at is None and not link.is_usable
    response = client.post(reverse("family:plan", args=[issued.token]), {"code": issued.code})
    assert response.status_code == 403


def test_linking_is_refused_when_it_would_not_be_the_same_person(linked_world, world):
    network, meeting, coordinator, therapist, promise, issued, account = linked_world
    other = professional(email="toinen@example.fi")
    with pytest.raises(ValidationError):
        services.link_account(participant=therapist, user=other, by=coordinator)
    mother = participants(network)["Maija Virtanen"]
    with pytest.raises(ValidationError):
        services.link_account(participant=mother, user=account, by=coordinator)
    teacher = participants(network)["Olli Opettaja"]
    with pytest.raises(ValidationError):
        services.link_account(participant=teacher, user=account, by=coordinator)
    assert Participant.objects.get(pk=therapist.pk).user is None
    assert FamilyLink.objects.get(pk=issued.link.pk).revoked_at is None


def test_linking_is_refused_when_the_account_already_takes_part(linked_world):
    network, meeting, coordinator, therapist, promise, issued, account = linked_world
    services.add_participant(
        network=network, by=coordinator, kind=services.professional_kind(network), user=account
    )
    with pytest.raises(ValidationError):
        services.link_account(participant=therapist, user=account, by=coordinator)


def test_linking_is_refused_for_a_removed_participant_and_an_inactive_account(linked_world):
    network, meeting, coordinator, therapist, promise, issued, account = linked_world
    account.is_active = False
    account.save()
    with pytest.raises(ValidationError):
        services.link_account(participant=therapist, user=account, by=coordinator)
    account.is_active = True
    account.save()
    services.remove_participant(participant=therapist, by=coordinator)
    with pytest.raises(ValidationError):
        services.link_account(participant=therapist, user=account, by=coordinator)


def test_linking_is_refused_to_an_account_whose_service_is_banned(linked_world):
    network, meeting, coordinator, therapist, promise, issued, account = linked_world
    consent.ban_disclosure(
        network=network,
        by=coordinator,
        requested_by="Maija Virtanen",
        service=account.positions.get().service,
    )
    with pytest.raises(ValidationError):
        services.link_account(participant=therapist, user=account, by=coordinator)


def test_the_participants_page_offers_the_link_and_the_coordinator_links(client, linked_world):
    network, meeting, coordinator, therapist, promise, issued, account = linked_world
    client.force_login(coordinator)
    url = reverse("networks:add_participant", args=[network.pk])
    page = client.get(url)
    rows = dict(page.context["participant_rows"])
    assert rows[therapist] == account
    assert all(found is None for participant, found in rows.items() if participant != therapist)
    link_url = reverse("networks:link_account", args=[network.pk, therapist.pk])
    assert link_url in page.content.decode()
    before = AccessLog.objects.count()
    assert client.post(link_url).status_code == 302
    assert Participant.objects.get(pk=therapist.pk).user == account
    row = AccessLog.objects.filter(pk__gt=before).get(view_name="networks:link_account")
    assert (row.actor, row.action, row.success) == (coordinator, "update", True)
    # Linked: no more offer.
    assert link_url not in client.get(url).content.decode()
    client.force_login(account)
    mine = client.get(reverse("meetings:my_promises")).content.decode()
    assert "Tapaan Eelin viikoittain" in mine
    assert client.get(reverse("networks:detail", args=[network.pk])).status_code == 200


def test_no_offer_without_a_matching_account(client, world):
    network, meeting, coordinator = world
    therapist = add_therapist(network, coordinator)
    professional(email="joku.muu@example.fi")
    client.force_login(coordinator)
    page = client.get(reverse("networks:add_participant", args=[network.pk]))
    assert dict(page.context["participant_rows"])[therapist] is None
    response = client.post(reverse("networks:link_account", args=[network.pk, therapist.pk]))
    assert response.status_code == 302
    assert Participant.objects.get(pk=therapist.pk).user is None


def test_a_participant_or_another_networks_coordinator_cannot_link(
    client, linked_world, tuira, children
):
    from contacts.tests.helpers import coordinator_of

    network, meeting, coordinator, therapist, promise, issued, account = linked_world
    link_url = reverse("networks:link_account", args=[network.pk, therapist.pk])
    teacher = participants(network)["Olli Opettaja"].user
    for outsider in (teacher, coordinator_of(tuira, children)):
        client.force_login(outsider)
        assert client.post(link_url).status_code == 403
        assert AccessLog.objects.filter(actor=outsider, success=False).exists()
    assert Participant.objects.get(pk=therapist.pk).user is None


def test_once_linked_they_are_invited_as_a_user_who_signs_in(settings, linked_world):
    settings.LANGUAGE_CODE = "en"
    network, meeting, coordinator, therapist, promise, issued, account = linked_world
    account.preferred_language = "en"
    account.save()
    services.link_account(participant=therapist, user=account, by=coordinator)
    planned = network.meetings.get(status="planned")
    mail.outbox.clear()
    services.move_meeting(
        meeting=planned,
        by=coordinator,
        expected_version=planned.version,
        starts_at=timezone.now() + timedelta(days=4),
        ends_at=timezone.now() + timedelta(days=4, hours=1),
        place="Kaakkurin koulu",
    )
    (message,) = to(THERAPIST)
    assert "Sign in to Arki" in message.body
    assert Promise.objects.filter(participant=therapist, status=PromiseStatus.OPEN).exists()


def test_an_account_that_is_not_a_professionals_is_not_offered_or_linked(client, world):
    from accounts.tests.factories import user_with_role
    from audit.roles import Role

    network, meeting, coordinator = world
    therapist = add_therapist(network, coordinator)
    leader = user_with_role(Role.LEADERSHIP_MEMBER, email=THERAPIST)
    client.force_login(coordinator)
    page = client.get(reverse("networks:add_participant", args=[network.pk]))
    assert dict(page.context["participant_rows"])[therapist] is None
    with pytest.raises(ValidationError):
        services.link_account(participant=therapist, user=leader, by=coordinator)
    assert Participant.objects.get(pk=therapist.pk).user is None
