"""The URL-walk matrix: every route × every role × the user's own record and someone else's.

Expected answers come from ``expectations.py``: written by hand for routes without a person's
data, run from the access-policy catalogue for personal routes. A route missing from it fails
with "add an expectation for <route name>". For personal routes every request must write exactly
one access-log row whose ``success`` matches the answer and whose basis is the one the catalogue
allows (or, on a refusal, the strongest one the role holds).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AccessLog
from tests.security.expectations import expectation_for, logged_basis, matches
from tests.security.walk import ALL_ROLES, path_of, routes, sides_for
from tests.security.world import NOT_PART, PART

ROUTES = routes()
APP_ROUTES = [r for r in ROUTES if not r.route.startswith("admin/")]
ADMIN_ROUTES = [r for r in ROUTES if r.route.startswith("admin/")]


def last_log_pk() -> int:
    last = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first()
    return last or 0


def check_route(route, world, clients, roles=ALL_ROLES) -> tuple[list[str], int]:
    expected = expectation_for(route.name, route.route, route.actions)
    problems: list[str] = []
    if route.rule != expected.rule:
        problems.append(f"rule is {route.rule!r}, the table says {expected.rule!r}")
    if route.personal != expected.personal:
        problems.append(f"personal is {route.personal}, the table says {expected.personal}")
    checked = 0
    for role in roles:
        client = clients[role]
        seen: set[str] = set()
        for side in sides_for(route):
            url = path_of(route, world, side)
            if url in seen:  # the same page from both sides (no record of either side)
                continue
            seen.add(url)
            before = last_log_pk()
            response = client.get(url)
            checked += 1
            want = expected.status(role, 0 if side == PART else 1)
            where = f"{role:17} {side:8} GET {url}"
            if not matches(want, response):
                problems.append(
                    f"{where}: expected {want}, got {response.status_code} "
                    f"{response.get('Location', '')}"
                )
            if route.personal:
                rows = list(AccessLog.objects.filter(pk__gt=before))
                if expected.logs is not None:
                    wanted = expected.logs
                else:
                    wanted = 1 if want in (200, 403) else 0
                if len(rows) != wanted:
                    problems.append(f"{where}: {len(rows)} access-log rows, expected {wanted}")
                elif wanted == 1 and rows[0].success != (response.status_code == 200):
                    problems.append(
                        f"{where}: answered {response.status_code} but the access log says "
                        f"success={rows[0].success} (basis {rows[0].basis!r})"
                    )
                elif wanted == 1 and route.actions:
                    basis = logged_basis(role, route.actions[0], 0 if side == PART else 1)
                    if rows[0].basis != basis:
                        problems.append(
                            f"{where}: logged basis {rows[0].basis!r}, the catalogue and the "
                            f"world say {basis!r}"
                        )
    return problems, checked


@pytest.mark.parametrize("route", APP_ROUTES, ids=lambda r: r.name or r.route)
def test_route_answers_every_role_as_the_table_says(route, world, clients, db):
    problems, _checked = check_route(route, world, clients)
    assert not problems, f"{route.name} ({route.route}):\n  " + "\n  ".join(problems)


def test_admin_site_is_for_administrators_only(world, clients, db):
    problems: list[str] = []
    for route in ADMIN_ROUTES:
        # Object pages are slow to render: the administrator is walked through the lists.
        roles: tuple[str, ...] = ALL_ROLES
        if "object_id>" in route.route or "<id>" in route.route or "pk>" in route.route:
            roles = tuple(r for r in ALL_ROLES if r != "administrator")
        found, _checked = check_route(route, world, clients, roles)
        problems += [f"{route.name or route.route}: {p}" for p in found]
    assert not problems, "\n".join(problems)


def test_the_walk_covers_every_role_and_both_sides():
    from audit.roles import Role

    # A new role must be walked too: every role of the product, and the anonymous visitor.
    assert set(ALL_ROLES) == {*Role.values, "anonymous"}
    assert any(len(sides_for(r)) == 2 for r in APP_ROUTES)
    assert {PART, NOT_PART} == {"part", "not_part"}


def test_an_unknown_route_fails_loudly():
    with pytest.raises(AssertionError, match="add an expectation for privacy:new_thing"):
        expectation_for("privacy:new_thing", "privacy/new/")


# Routes that need a special token ---------------------------------------------------------------


def plan_url(side) -> str:
    return reverse("family:plan", args=[side.family_token])


def test_family_link_opens_the_plan_only_after_the_code_and_logs_each_opening(world, db):
    side = world[PART]
    client = Client()
    prompt = client.get(plan_url(side))
    assert prompt.status_code == 200
    assert side.network.subject_name not in prompt.content.decode()
    before = last_log_pk()
    opened = client.post(plan_url(side), {"code": side.family_code})
    assert opened.status_code == 302
    page = client.get(plan_url(side))
    assert page.status_code == 200
    rows = list(AccessLog.objects.filter(pk__gt=before, success=True))
    assert len(rows) == 1
    assert (rows[0].subject_id, rows[0].basis) == (str(side.network.pk), "family-link")
    assert rows[0].actor is None and rows[0].actor_label == f"family-member:{side.mother.pk}"


def test_family_link_does_not_open_another_familys_plan(world, db):
    """A code verified for one link opens only that link, not the other family's."""
    part, other = world[PART], world[NOT_PART]
    client = Client()
    client.post(plan_url(part), {"code": part.family_code})
    response = client.get(plan_url(other))
    assert response.status_code == 200
    assert other.network.subject_name not in response.content.decode()
    wrong = client.post(plan_url(other), {"code": part.family_code})
    assert other.network.subject_name not in wrong.content.decode()
    assert AccessLog.objects.filter(subject_id=str(other.network.pk), success=False).exists()


def test_a_forged_family_link_is_404_and_shows_nothing(world, db):
    response = Client().get(reverse("family:plan", args=["x" * 43]))
    assert response.status_code == 404


def test_signed_in_staff_do_not_open_the_plan_without_the_code(world, clients, db):
    for role in ("coordinator", "professional", "administrator"):
        response = clients[role].get(plan_url(world[PART]))
        assert response.status_code == 200
        assert world[PART].network.subject_name not in response.content.decode()


def test_feedback_link_is_single_use_and_a_forged_one_is_404(world, db):
    client = Client()
    assert client.get(reverse("feedback:answer", args=["forged-token"])).status_code == 404
    url = reverse("feedback:answer", args=[world[PART].feedback_token])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert world[PART].network.subject_name not in body and "Maija" not in body
    assert client.post(url, {}).status_code in (200, 410)


def test_learning_api_needs_the_regions_bearer_token(world, db):
    from learning import package
    from learning.tests.test_packages import payload
    from tests.security.world import REGION_KEY

    url = reverse("learning:api_packages")
    envelope = package.seal(payload(version=2, figures=[]), REGION_KEY)
    client = Client()
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer wrong"}, {"HTTP_AUTHORIZATION": "Basic x"}):
        response = client.post(url, envelope, content_type="application/octet-stream", **headers)
        assert response.status_code == 401, headers
    response = client.post(
        url,
        envelope,
        content_type="application/octet-stream",
        HTTP_AUTHORIZATION=f"Bearer {world.region_token}",
    )
    assert response.status_code in (200, 201), response.content


def test_the_catalogue_keeps_need_to_know():
    """Invariants of the policy, written by hand: the walk runs from the catalogue, so a change
    of the catalogue itself must trip something too."""
    from audit import policy
    from audit.models import Basis
    from audit.policy import NetworkAction

    weak = {Basis.PARTICIPANT, Basis.BREAK_GLASS, Basis.SENDER, Basis.DATA_PROTECTION_OFFICER}
    for permission in policy.catalogue():
        if permission is NetworkAction.MARK_OWN_PROMISE_DONE:
            # The one exception: a participant marks their own act done (the service checks
            # that the promise is theirs); never on emergency access.
            assert Basis.BREAK_GLASS not in permission.bases
            continue
        if permission.changes:
            assert not weak & set(permission.bases), f"{permission} lets a reader change"
        if permission is not NetworkAction.MATCH:
            assert Basis.DUPLICATE_CHECK not in permission.bases, permission
        if permission is not NetworkAction.CLIENT_REPORT:
            assert Basis.DATA_PROTECTION_OFFICER not in permission.bases, permission
    for only_coordinators in (
        NetworkAction.RECORD_CONSENTS,
        NetworkAction.EXPORT,
        NetworkAction.JOIN_CONTACT,
    ):
        assert only_coordinators.bases == (Basis.COORDINATOR,), only_coordinators
    assert NetworkAction.CLIENT_REPORT.bases == (Basis.DATA_PROTECTION_OFFICER,)
