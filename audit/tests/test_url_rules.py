"""Every URL pattern declares its access rule: a view without one fails this test."""

from django.http import HttpResponse
from django.urls import include, path

from audit.access import SIGNED_IN, access_rule
from audit.matrix import project_routes, undeclared, walk


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


def test_docs_permissions_lists_every_route():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "permissions.md").read_text()
    missing = [
        route.route
        for route in project_routes()
        if not route.route.startswith("admin/") and f"`/{route.route}`" not in text
    ]
    assert missing == [], "run `manage.py access_matrix` and update docs/permissions.md"
