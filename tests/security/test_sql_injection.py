"""SQL injection strings in every search and filter parameter: 200 or 400, never 500.

An unknown indicator code answers 404 ("unknown indicator"), which is a clear client error too.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from networks.models import Network

INJECTIONS = ["' OR 1=1 --", "'; DROP TABLE accounts_user; --", "%' OR '1'='1"]

# Route, the role that reaches it, and its GET parameters.
FILTERS = [
    ("directory:search", {}, "professional", ["q", "area", "programme", "sector", "page"]),
    ("directory:actor_map", {"code": "kaakkuri"}, "professional", ["programme"]),
    ("contacts:queue", {}, "coordinator", ["area", "programme"]),
    ("contacts:new", {}, "coordinator", ["programme", "q"]),
    ("contacts:professionals", {}, "coordinator", ["q", "selected"]),
    ("indicators:dashboard", {}, "coordinator", ["indicator", "area", "period", "programme"]),
    ("indicators:export", {"fmt": "csv"}, "coordinator", ["indicator", "area", "period"]),
    ("indicators:api_values", {}, "coordinator", ["indicator", "area", "period", "format"]),
    ("feedback:results", {}, "coordinator", ["area", "programme", "period", "audience"]),
    ("feedback:export", {"fmt": "csv"}, "coordinator", ["area", "programme", "period"]),
    ("backbone:tasks", {}, "developer_worker", ["status", "area", "programme"]),
    ("backbone:training_records", {}, "developer_worker", ["method", "area"]),
    ("backbone:events", {}, "professional", ["kind", "area"]),
    ("backbone:instructions", {}, "professional", ["q", "area"]),
    ("backbone:bulletins", {}, "professional", ["q", "page"]),
    ("learning:compare", {}, "learning_network", ["indicator", "period"]),
    ("learning:hub_learnings", {}, "learning_network", ["kind", "region"]),
    ("meetings:memo", None, "coordinator", ["lang"]),
]


@pytest.mark.parametrize(("name", "kwargs", "role", "params"), FILTERS, ids=[f[0] for f in FILTERS])
def test_injection_strings_are_harmless(name, kwargs, role, params, world, clients, db):
    if kwargs is None:
        kwargs = {"meeting_pk": world["part"].held_meeting.pk}
    url = reverse(name, kwargs=kwargs or None)
    client = clients[role]
    baseline = client.get(url)
    assert baseline.status_code == 200
    networks = Network.objects.count()
    for injection in INJECTIONS:
        for param in params:
            response = client.get(url, {param: injection})
            assert response.status_code in (200, 400, 404), (
                f"{name}?{param}={injection!r}: {response.status_code}"
            )
            if response.status_code == 200 and response.get("Content-Type", "").startswith(
                "text/html"
            ):
                body = response.content.decode()
                # No extra rows: nobody's name turns up that the plain page did not show.
                for secret in ("Tuomas Tuiranen", "Liisa Tuiranen"):
                    assert secret not in body, f"{name}?{param}: {secret} leaked"
    assert Network.objects.count() == networks
    assert "accounts_user" in connection.introspection.table_names()
