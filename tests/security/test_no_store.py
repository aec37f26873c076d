"""Personal pages, downloads and exports are sent with ``Cache-Control: no-store``.

A browser or proxy must not keep a copy of a child's data on disk. The walk asks every route
as the first role the matrix lets in; a personal view's answer and every file (PDF, CSV, XLSX,
JSON) must carry ``no-store``.
"""

from __future__ import annotations

import pytest

from tests.security.expectations import expectation_for
from tests.security.walk import ALL_ROLES, path_of, routes, sides_for
from tests.security.world import PART

APP_ROUTES = [r for r in routes() if not r.route.startswith("admin/")]


def first_reaching_role(route) -> str | None:
    expected = expectation_for(route.name, route.route, route.actions)
    for role in ALL_ROLES:
        if expected.status(role, 0) == 200:
            return role
    return None


def is_file(response) -> bool:
    content_type = response.get("Content-Type", "")
    return "attachment" in response.get("Content-Disposition", "") or not content_type.startswith(
        "text/html"
    )


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def should_not_be_stored(route, response) -> bool:
    if route.personal and response.status_code < 400:
        return True
    return response.status_code == 200 and is_file(response)


@pytest.mark.parametrize("route", APP_ROUTES, ids=lambda r: r.name or r.route)
def test_personal_pages_and_files_are_not_stored(route, world, clients, db):
    role = first_reaching_role(route)
    if role is None:
        pytest.skip("no role reaches the route")
    problems = []
    for side in sides_for(route):
        url = path_of(route, world, side)
        response = clients[role].get(url)
        if response.status_code >= 500:
            problems.append(f"{role} GET {url}: {response.status_code}")
        elif should_not_be_stored(route, response) and not no_store(response):
            problems.append(
                f"{role} GET {url} ({response.status_code}, "
                f"{response.get('Content-Type')}): Cache-Control "
                f"{response.get('Cache-Control')!r}"
            )
    assert not problems, "\n".join(problems)


def test_the_family_plan_is_not_stored(world, clients, db):
    from django.urls import reverse

    url = reverse("family:plan", args=[world[PART].family_token])
    response = clients["anonymous"].get(url)
    assert response.status_code == 200
    assert no_store(response)


def test_a_page_without_personal_data_may_be_stored(world, clients, db):
    from django.urls import reverse

    response = clients["anonymous"].get(reverse("home:accessibility"))
    assert response.status_code == 200
    assert not no_store(response)
