"""No admin page shows personal content: not the queued emails, not the task rows, not the network.

The security suite's world is built with the production task backend, so every email it sends
(meeting invitations, feedback links, promise texts) waits in the queue; an administrator then
opens every changelist and change page of the admin site, before and after the worker ran.
"""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.core import mail
from django.test import Client
from django.urls import reverse

from meetings.models import Promise
from meetings.reminders import send_promise_reminders
from notifications.tests.test_outbox import run_worker
from tests.security.world import CHILD_A, MOTHER_A, NOT_PART, PART, build_world

pytestmark = pytest.mark.django_db

PROMISE = "Soitan perheelle perjantaina"
ROWS_PER_MODEL = 25


def admin_pages() -> list[str]:
    urls = []
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        for pk in model._default_manager.values_list("pk", flat=True)[:ROWS_PER_MODEL]:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[pk]))
    return urls


def assert_no_personal_content(client: Client, secrets: list[str]) -> int:
    pages = admin_pages()
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for secret in secrets:
            assert secret not in text, f"{secret!r} shown on {url}"
    return len(pages)


def test_no_admin_page_shows_an_email_body_a_link_token_or_a_promise(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    world = build_world()
    promise = Promise.objects.filter(act=PROMISE).first()
    assert send_promise_reminders(today=promise.due + timedelta(days=1))
    client = Client()
    client.force_login(world.users["administrator"])
    tokens = [world[side].feedback_token for side in (PART, NOT_PART)]
    secrets = [*tokens, PROMISE, CHILD_A, MOTHER_A]

    queued = assert_no_personal_content(client, secrets)

    run_worker()
    bodies = " ".join(message.body for message in mail.outbox)
    # The secrets were really sent, so their absence from the admin pages means something.
    assert all(token in bodies for token in tokens) and PROMISE in bodies
    delivered = assert_no_personal_content(client, secrets)
    assert queued > 20 and delivered > 20
