"""A user's memberships are read once per request with the roles, and read again when changed."""

import pytest

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from audit.roles import Role
from networks.access import is_coordinator_of

pytestmark = pytest.mark.django_db


def test_roles_and_memberships_are_read_once(kaakkuri, children, django_assert_num_queries):
    user = UserFactory()
    Membership.objects.create(user=user, role=Role.COORDINATOR, area=kaakkuri, programme=children)
    with django_assert_num_queries(1):
        assert Role.COORDINATOR in user.roles
        assert is_coordinator_of(user, kaakkuri.pk, children.pk)
        assert len(user.memberships.all()) == 1


def test_a_removed_membership_ends_once_forgotten(kaakkuri, children):
    user = UserFactory()
    membership = Membership.objects.create(
        user=user, role=Role.COORDINATOR, area=kaakkuri, programme=children
    )
    assert is_coordinator_of(user, kaakkuri.pk, children.pk)
    membership.delete()
    user.forget_memberships()
    assert Role.COORDINATOR not in user.roles
    assert not is_coordinator_of(user, kaakkuri.pk, children.pk)
