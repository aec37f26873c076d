"""The request as Arki's middleware and access rule leave it, for the views' annotations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:  # annotations only: core imports no app above it at run time
    from django.contrib.auth.models import AnonymousUser
    from django_htmx.middleware import HtmxDetails

    from accounts.models import User
    from audit.access import Rule
    from audit.policy import Permission


class PublicRequest(HttpRequest):
    """A request to a public view (``PUBLIC`` rule): the user may be anonymous."""

    user: User | AnonymousUser
    htmx: HtmxDetails  # django_htmx.middleware.HtmxMiddleware
    request_id: str  # audit.middleware.RequestIdMiddleware
    access_rule: Rule  # audit.access.access_rule
    access_actions: tuple[Permission, ...]
    access_checked: bool  # set by audit.access.require_access


class ArkiRequest(PublicRequest):
    """A request past a signed-in access rule: ``user`` is an active Arki user."""

    user: User
