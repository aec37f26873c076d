"""The URL walk shared by the matrix and the header checks: routes, their parameters, requests."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from audit.matrix import Route, project_routes
from tests.security.world import ANONYMOUS, NOT_PART, PART, ROLES, Side, World

SIGN_IN = "/accounts/login/"

# Route name -> the path parameters, filled from one side of the world.
PARAMS: dict[str, Callable[[World, Side], dict[str, Any]]] = {
    "directory:service_detail": lambda w, s: {"pk": w.service.pk},
    "directory:organisation_detail": lambda w, s: {"pk": w.organisation.pk},
    "directory:person_detail": lambda w, s: {"pk": s.person.pk},
    "directory:actor_map": lambda w, s: {"code": s.area.code},
    "directory:export_hsds": lambda w, s: {"fmt": "json"},
    "contacts:detail": lambda w, s: {"pk": s.contact.pk},
    "contacts:edit": lambda w, s: {"pk": s.contact.pk},
    "contacts:advice": lambda w, s: {"pk": s.contact.pk},
    "contacts:convene": lambda w, s: {"pk": s.contact.pk},
    "contacts:join": lambda w, s: {"pk": s.contact.pk},
    "networks:detail": lambda w, s: {"pk": s.network.pk},
    "networks:add_participant": lambda w, s: {"pk": s.network.pk},
    "networks:add_child": lambda w, s: {"pk": s.network.pk},
    "networks:remove_participant": lambda w, s: {
        "pk": s.network.pk,
        "participant_pk": s.professional_participant.pk,
    },
    "networks:link_account": lambda w, s: {
        "pk": s.network.pk,
        "participant_pk": s.professional_participant.pk,
    },
    "networks:reaching": lambda w, s: {"pk": s.network.pk, "participant_pk": s.mother.pk},
    "networks:schedule_meeting": lambda w, s: {"pk": s.network.pk},
    "networks:move_meeting": lambda w, s: {"pk": s.network.pk, "meeting_pk": s.planned_meeting.pk},
    "networks:cancel_meeting": lambda w, s: {
        "pk": s.network.pk,
        "meeting_pk": s.planned_meeting.pk,
    },
    "networks:mark_held": lambda w, s: {"pk": s.network.pk, "meeting_pk": s.planned_meeting.pk},
    "networks:family_invitation": lambda w, s: {
        "pk": s.network.pk,
        "meeting_pk": s.planned_meeting.pk,
    },
    "meetings:record": lambda w, s: {"meeting_pk": s.held_meeting.pk},
    "meetings:memo": lambda w, s: {"meeting_pk": s.held_meeting.pk},
    "meetings:memo_pdf": lambda w, s: {"meeting_pk": s.held_meeting.pk},
    "meetings:memo_family_copy": lambda w, s: {
        "meeting_pk": s.held_meeting.pk,
        "participant_pk": s.mother.pk,
    },
    "meetings:close": lambda w, s: {"pk": s.network.pk},
    "meetings:promise_done": lambda w, s: {"promise_pk": s.promise.pk},
    "meetings:resolve_promises": lambda w, s: {"pk": s.network.pk},
    "family:plan": lambda w, s: {"token": s.family_token},
    "family:memo": lambda w, s: {"token": s.family_token, "meeting_pk": s.held_meeting.pk},
    "family:me_plan": lambda w, s: {"participant_pk": s.mother.pk},
    "family:me_memo": lambda w, s: {"participant_pk": s.mother.pk, "meeting_pk": s.held_meeting.pk},
    "family:prepare": lambda w, s: {"token": s.family_token, "meeting_pk": s.planned_meeting.pk},
    "family:me_prepare": lambda w, s: {
        "participant_pk": s.mother.pk,
        "meeting_pk": s.planned_meeting.pk,
    },
    "family:promise_done": lambda w, s: {"token": s.family_token, "promise_pk": s.promise.pk},
    "family:me_promise_done": lambda w, s: {
        "participant_pk": s.mother.pk,
        "promise_pk": s.promise.pk,
    },
    "family:create_link": lambda w, s: {"pk": s.network.pk, "participant_pk": s.mother.pk},
    "family:new_code": lambda w, s: {
        "pk": s.network.pk,
        "participant_pk": s.mother.pk,
        "link_pk": s.family_link.pk,
    },
    "family:revoke": lambda w, s: {
        "pk": s.network.pk,
        "participant_pk": s.mother.pk,
        "link_pk": s.family_link.pk,
    },
    "feedback:export": lambda w, s: {"fmt": "csv"},
    "feedback:answer": lambda w, s: {"token": s.feedback_token},
    "indicators:export": lambda w, s: {"fmt": "csv"},
    "indicators:chart": lambda w, s: {"code": w.indicator_code},
    "indicators:indicator": lambda w, s: {"code": w.indicator_code},
    "indicators:add_note": lambda w, s: {"code": w.indicator_code},
    "leadership:team": lambda w, s: {"pk": s.team.pk},
    "leadership:schedule": lambda w, s: {"pk": s.team.pk},
    "leadership:team_edit": lambda w, s: {"pk": s.team.pk},
    "leadership:add_member": lambda w, s: {"pk": s.team.pk},
    "leadership:remove_member": lambda w, s: {
        "pk": s.team.pk,
        "member_pk": s.team.members.first().pk,
    },
    "leadership:make_chair": lambda w, s: {
        "pk": s.team.pk,
        "member_pk": s.team.members.first().pk,
    },
    "leadership:meeting": lambda w, s: {"pk": s.team_meeting.pk},
    "leadership:add_decision": lambda w, s: {"pk": s.team_meeting.pk},
    "leadership:add_commitment": lambda w, s: {"pk": s.team_meeting.pk},
    "leadership:review": lambda w, s: {
        "pk": s.team_meeting.pk,
        "commitment_pk": s.commitment.pk,
    },
    "leadership:held": lambda w, s: {"pk": s.team_meeting.pk},
    "leadership:minutes": lambda w, s: {"pk": s.team_meeting.pk},
    "leadership:minutes_pdf": lambda w, s: {"pk": s.team_meeting.pk},
    "leadership:publish": lambda w, s: {"pk": s.team_meeting.pk},
    "backbone:task_edit": lambda w, s: {"pk": s.task.pk},
    "backbone:task_status": lambda w, s: {"pk": s.task.pk},
    "backbone:task_delete": lambda w, s: {"pk": s.task.pk},
    "backbone:instruction": lambda w, s: {"pk": s.instruction.pk},
    "backbone:instruction_edit": lambda w, s: {"pk": s.instruction.pk},
    "backbone:bulletin": lambda w, s: {"pk": s.bulletin.pk},
    "backbone:bulletin_receipts": lambda w, s: {"pk": s.bulletin.pk},
    "backbone:event_register": lambda w, s: {"pk": s.event.pk},
    "backbone:event_cancel": lambda w, s: {"pk": s.event.pk},
    "backbone:event_attendance": lambda w, s: {"pk": s.event.pk},
    "learning:learning_share": lambda w, s: {"pk": s.learning.pk},
    "learning:export_download": lambda w, s: {"version": w.exported.version},
    "learning:export_send": lambda w, s: {"version": w.exported.version},
    "learning:region": lambda w, s: {"code": s.region.code},
    "learning:meeting": lambda w, s: {"pk": s.network_meeting.pk},
    "learning:trial": lambda w, s: {"pk": s.trial.pk},
    "networks:consents": lambda w, s: {"pk": s.network.pk},
    "networks:break_glass": lambda w, s: {"pk": s.network.pk},
    "audit:review": lambda w, s: {"pk": 1},
    "audit:client_report": lambda w, s: {"pk": s.network.pk},
    "privacy:subject_export": lambda w, s: {"pk": s.network.pk},
}


def routes() -> list[Route]:
    return project_routes()


def has_parameters(route: Route) -> bool:
    return "<" in route.route or "(?P" in route.route


def path_of(route: Route, world: World, side: str) -> str:
    """The path of ``route`` with its parameters filled from ``side``."""
    if route.name.startswith("admin:") or route.route.startswith("admin/"):
        return admin_path(route, world)
    if not has_parameters(route):
        return reverse(route.name)
    if route.name not in PARAMS:
        raise AssertionError(
            f"add an expectation for {route.name or route.route}: no parameters known for it"
        )
    return reverse(route.name, kwargs=PARAMS[route.name](world, world[side]))


def admin_path(route: Route, world: World) -> str:
    if not route.name:
        return "/" + route.route.replace("(?P<url>.*)$", "no-such-page/")
    from django.contrib.contenttypes.models import ContentType

    user = world.users["professional"]
    values = {
        "object_id": str(user.pk),
        "id": str(user.pk),
        "pk": str(user.pk),
        "app_label": "accounts",
        "content_type_id": str(ContentType.objects.get_for_model(user).pk),
    }
    names = re.findall(r"<(?:\w+:)?(\w+)>", route.route)
    missing = [name for name in names if name not in values]
    if missing:
        raise AssertionError(f"add an expectation for {route.name}: parameters {missing}")
    return reverse(route.name, kwargs={name: values[name] for name in names} or None)


def client_for(world: World, role: str) -> Client:
    client = Client()
    if role != ANONYMOUS:
        client.force_login(world.users[role])
    return client


def sides_for(route: Route) -> tuple[str, ...]:
    """Routes without parameters look the same from both sides: ask once."""
    return (PART, NOT_PART) if has_parameters(route) else (PART,)


ALL_ROLES = (*ROLES, ANONYMOUS)
