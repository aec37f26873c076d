"""The main menu is kept once drawn (issue #21), but it follows the roles, the page and the
language at once: a role added or ended shows in the next page, for that user only."""

import re

import pytest
from django.urls import reverse

from accounts.models import Membership
from accounts.tests.factories import MembershipFactory
from audit.roles import Role

pytestmark = pytest.mark.django_db


def menu(response):
    html = response.content.decode()
    nav = re.search(r'<nav aria-label="[^"]+">(.*?)</nav>', html, re.S)
    assert nav, "the page has the main menu"
    return nav[1]


def test_the_menu_follows_roles_page_and_language_at_once(client, kaakkuri, children):
    worker = MembershipFactory(role=Role.PROFESSIONAL, area=kaakkuri, programme=children).user
    client.force_login(worker)
    queue, indicators = reverse("contacts:queue"), reverse("indicators:dashboard")

    first = menu(client.get(reverse("networks:mine")))
    assert queue not in first and indicators not in first
    assert f'href="{reverse("networks:mine")}" aria-current="page"' in first

    role = MembershipFactory(user=worker, role=Role.COORDINATOR, area=kaakkuri, programme=children)
    coordinating = menu(client.get(reverse("networks:mine")))
    assert queue in coordinating and indicators in coordinating

    # Another page: the current page is marked there, not on the one before.
    on_directory = menu(client.get(reverse("directory:search")))
    assert f'href="{reverse("directory:search")}" aria-current="page"' in on_directory
    assert f'href="{reverse("networks:mine")}" aria-current="page"' not in on_directory

    # Swedish: the same menu in Swedish.
    swedish = menu(client.get(reverse("networks:mine"), headers={"accept-language": "sv"}))
    assert swedish != coordinating and "aria-current" in swedish

    # The role ends: gone from the next page.
    Membership.objects.filter(pk=role.pk).delete()
    assert queue not in menu(client.get(reverse("networks:mine")))


def test_an_administrator_s_menu_is_not_another_user_s(client, kaakkuri, children):
    admin = MembershipFactory(role=Role.ADMINISTRATOR, area=None, programme=None).user
    worker = MembershipFactory(role=Role.PROFESSIONAL, area=kaakkuri, programme=children).user
    client.force_login(admin)
    assert reverse("admin:index") in menu(client.get(reverse("networks:mine")))
    client.force_login(worker)
    assert reverse("admin:index") not in menu(client.get(reverse("networks:mine")))
