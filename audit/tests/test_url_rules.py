"""Every URL pattern declares its access rule: a view without one fails this test."""

from django.http import HttpResponse
from django.urls import include, path

from audit import policy
from audit.access import SIGNED_IN, access_rule
from audit.matrix import (
    GENERATED_MARKER,
    generated_permissions,
    permissions_document_path,
    project_routes,
    undeclared,
    walk,
)
from audit.models import Basis


def test_every_view_declares_an_access_rule():
    assert undeclared(project_routes()) == []


def test_the_walk_finds_a_view_without_a_rule():
    def naked(request):
        return HttpResponse()

    guarded = access_rule(SIGNED_IN)(naked)
    patterns = [path("a/", guarded), path("b/", include([path("c/", naked)]))]
    assert undeclared(walk(patterns)) == ["b/c/"]


def test_walk_sees_the_project_urls():
    routes = {route.route: route for route in project_routes()}
    assert routes["healthz"].rule == "public"
    assert routes["accounts/login/"].rule == "public"
    assert any(route.startswith("admin/") for route in routes)


def test_docs_permissions_is_the_catalogue_and_every_route():
    text = permissions_document_path().read_text(encoding="utf-8")
    assert GENERATED_MARKER in text
    assert (
        text.split(GENERATED_MARKER, 1)[1] == generated_permissions().split(GENERATED_MARKER, 1)[1]
    ), "run `manage.py access_matrix --write` to update docs/permissions.md"


def test_the_generated_document_names_every_action_basis_and_route():
    text = generated_permissions()
    for permission in policy.catalogue():
        assert f"`{permission}`" in text
    for basis in Basis:
        assert f"| `{basis.value}` |" in text
    for route in project_routes():
        if not route.route.startswith("admin/"):
            assert f"`/{route.route}`" in text
        if route.personal:
            assert route.actions, f"{route.name} is personal but names no catalogue action"
