"""IDOR: a user with a basis on record A asks for record B by changing the id.

The professional is a participant of the Kaakkuri network and sent the Kaakkuri contact; the
coordinator coordinates Kaakkuri. Both try the Tuira records (B) by GET and by POST: 403,
nothing changes, and a failed access-log row names record B. Ids that do not exist answer 404.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AccessLog
from contacts.models import Contact
from family.models import FamilyLink
from meetings.models import MeetingRecord, Promise
from networks.models import Meeting, Network, Participant
from tests.security.world import NOT_PART, PART

MISSING = 987654


def snapshot():
    """Everything a POST to a personal route could change."""
    return (
        list(Contact.objects.order_by("pk").values()),
        list(Network.objects.order_by("pk").values()),
        list(Participant.objects.order_by("pk").values()),
        list(Meeting.objects.order_by("pk").values()),
        list(MeetingRecord.objects.order_by("pk").values()),
        list(Promise.objects.order_by("pk").values()),
        list(FamilyLink.objects.order_by("pk").values()),
    )


def contact_routes(s):
    return {
        "contacts:detail": {"pk": s.contact.pk},
        "contacts:edit": {"pk": s.contact.pk},
        "contacts:advice": {"pk": s.contact.pk},
        "contacts:convene": {"pk": s.contact.pk},
        "contacts:join": {"pk": s.contact.pk},
    }


def network_routes(s):
    return {
        "networks:detail": {"pk": s.network.pk},
        "networks:add_participant": {"pk": s.network.pk},
        "networks:remove_participant": {
            "pk": s.network.pk,
            "participant_pk": s.professional_participant.pk,
        },
        "networks:schedule_meeting": {"pk": s.network.pk},
        "networks:move_meeting": {"pk": s.network.pk, "meeting_pk": s.planned_meeting.pk},
        "networks:cancel_meeting": {"pk": s.network.pk, "meeting_pk": s.planned_meeting.pk},
        "networks:mark_held": {"pk": s.network.pk, "meeting_pk": s.planned_meeting.pk},
        "networks:family_invitation": {"pk": s.network.pk, "meeting_pk": s.planned_meeting.pk},
        "meetings:record": {"meeting_pk": s.held_meeting.pk},
        "meetings:memo": {"meeting_pk": s.held_meeting.pk},
        "meetings:memo_pdf": {"meeting_pk": s.held_meeting.pk},
        "meetings:memo_family_copy": {
            "meeting_pk": s.held_meeting.pk,
            "participant_pk": s.mother.pk,
        },
        "meetings:close": {"pk": s.network.pk},
        "meetings:resolve_promises": {"pk": s.network.pk},
        "family:create_link": {"pk": s.network.pk, "participant_pk": s.mother.pk},
        "family:new_code": {
            "pk": s.network.pk,
            "participant_pk": s.mother.pk,
            "link_pk": s.family_link.pk,
        },
        "family:revoke": {
            "pk": s.network.pk,
            "participant_pk": s.mother.pk,
            "link_pk": s.family_link.pk,
        },
    }


# What a forged POST carries: valid-looking data, so only the access check can stop it.
POST_DATA = {
    "contacts:edit": {"concern": "Muutettu", "version": "1", "area": "", "programme": ""},
    "contacts:advice": {"advice_given": "Ohjattu", "version": "1"},
    "contacts:convene": {"subject_name": "Vieras Lapsi", "version": "1", "family_language": "fi"},
    "contacts:join": {"network": "1", "version": "1"},
    "networks:add_participant": {
        "which": "family",
        "fam-name": "Vieras",
        "fam-relation": "isä",
        "fam-email": "vieras@example.fi",
    },
    "networks:cancel_meeting": {"reason": "Peruttu"},
    "meetings:close": {"reason": "done", "summary": "Suljettu"},
    "meetings:resolve_promises": {"note": "Ratkaistu"},
}


def subject_of(name, side):
    return side.contact if name.startswith("contacts:") else side.network


def all_cases():
    class Dummy:
        def __getattr__(self, _name):
            return self

        pk = 0

    dummy = Dummy()
    names = [*contact_routes(dummy), *network_routes(dummy)]
    return [(role, name) for role in ("professional", "coordinator") for name in names]


@pytest.mark.parametrize(("role", "name"), all_cases())
def test_changing_the_id_to_another_familys_record_is_refused(role, name, world, clients, db):
    other = world[NOT_PART]
    kwargs = {**contact_routes(other), **network_routes(other)}[name]
    url = reverse(name, kwargs=kwargs)
    subject = subject_of(name, other)
    client = clients[role]
    before = snapshot()
    problems = []
    for method in ("get", "post"):
        last = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = client.get(url) if method == "get" else client.post(url, POST_DATA.get(name, {}))
        if method == "get" and response.status_code == 405:
            continue  # POST-only: the POST below is the attempt
        if response.status_code != 403:
            problems.append(f"{method.upper()} {url}: {response.status_code}, expected 403")
        rows = AccessLog.objects.filter(pk__gt=last)
        failed = rows.filter(
            success=False, subject_id=str(subject.pk), subject_type=subject._meta.label_lower
        )
        if rows.count() != 1 or failed.count() != 1:
            problems.append(
                f"{method.upper()} {url}: expected one failed access-log row for "
                f"{subject._meta.label_lower} {subject.pk}, got "
                f"{list(rows.values_list('subject_type', 'subject_id', 'success'))}"
            )
    assert snapshot() == before, f"{name}: the database changed after a refused request"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("role", "name"), all_cases())
def test_an_id_that_does_not_exist_is_refused_as_a_forbidden_one(role, name, world, clients, db):
    """Numbers run in sequence: 404 for unknown and 403 for forbidden would list which exist."""
    own = world[PART]
    kwargs = {**contact_routes(own), **network_routes(own)}[name]
    # Replace the id that names the record (the first parameter) with one that does not exist.
    first = next(iter(kwargs))
    url = reverse(name, kwargs={**kwargs, first: MISSING})
    before = snapshot()
    last = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = clients[role].post(url, POST_DATA.get(name, {}))
    assert response.status_code == 403, f"POST {url}: {response.status_code}"
    assert snapshot() == before
    assert not AccessLog.objects.filter(pk__gt=last, success=True).exists()


@pytest.mark.parametrize(
    ("name", "kwargs_of"),
    [
        # Another network's participant or meeting, reached through the user's own network.
        (
            "networks:remove_participant",
            lambda own, other: {"pk": own.network.pk, "participant_pk": other.mother.pk},
        ),
        (
            "networks:cancel_meeting",
            lambda own, other: {"pk": own.network.pk, "meeting_pk": other.planned_meeting.pk},
        ),
        (
            "networks:move_meeting",
            lambda own, other: {"pk": own.network.pk, "meeting_pk": other.planned_meeting.pk},
        ),
        (
            "networks:mark_held",
            lambda own, other: {"pk": own.network.pk, "meeting_pk": other.planned_meeting.pk},
        ),
        (
            "family:create_link",
            lambda own, other: {"pk": own.network.pk, "participant_pk": other.mother.pk},
        ),
        (
            "family:revoke",
            lambda own, other: {
                "pk": own.network.pk,
                "participant_pk": own.mother.pk,
                "link_pk": other.family_link.pk,
            },
        ),
    ],
)
def test_a_foreign_child_id_under_the_users_own_network_is_404(name, kwargs_of, world, clients, db):
    url = reverse(name, kwargs=kwargs_of(world[PART], world[NOT_PART]))
    before = snapshot()
    response = clients["coordinator"].post(url, POST_DATA.get(name, {"reason": "x"}))
    assert response.status_code == 404, f"POST {url}: {response.status_code}"
    assert snapshot() == before


def test_the_contact_join_cannot_attach_to_another_areas_network(world, clients, db):
    """The coordinator's own contact, joined to the Tuira network by its id."""
    own, other = world[PART], world[NOT_PART]
    before = snapshot()
    response = clients["coordinator"].post(
        reverse("contacts:join", args=[own.contact.pk]),
        {"network": other.network.pk, "version": own.contact.version},
    )
    assert response.status_code in (302, 403, 404)
    own.contact.refresh_from_db()
    assert own.contact.network_id != other.network.pk
    assert snapshot() == before or response.status_code == 302
