"""A user's memberships are read once per request with the roles, and read again when changed."""

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.urls import reverse

from accounts.backends import ModelBackend
from accounts.models import Membership
from accounts.selectors import signed_in_user
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


# A request's user is read with their memberships (accounts.backends, accounts.selectors).


def test_the_signed_in_user_comes_with_their_memberships(
    kaakkuri, children, django_assert_num_queries
):
    user = UserFactory()
    Membership.objects.create(user=user, role=Role.COORDINATOR, area=kaakkuri, programme=children)
    Membership.objects.create(user=user, role=Role.PROFESSIONAL)
    read = signed_in_user(user.pk)
    assert read == user
    with django_assert_num_queries(0):
        assert read.roles == {Role.COORDINATOR, Role.PROFESSIONAL}
        assert is_coordinator_of(read, kaakkuri.pk, children.pk)
        assert {m.user for m in read.memberships.all()} == {read}
    assert read.roles == UserFactory._meta.model.objects.get(pk=user.pk).roles


def test_a_user_without_memberships_has_no_roles(django_assert_num_queries):
    read = signed_in_user(UserFactory().pk)
    with django_assert_num_queries(0):
        assert read.roles == frozenset()


@pytest.mark.parametrize("pk", [None, "", "abc", "12x", 2**63, 10**30, -(2**63) - 1, "9" * 40])
def test_a_session_naming_no_user_gets_none(pk):
    assert signed_in_user(pk) is None
    assert ModelBackend().get_user(pk) is None


def test_the_async_backend_reads_the_same_user():
    user = UserFactory()
    assert async_to_sync(ModelBackend().aget_user)(user.pk) == user


def test_a_removed_user_or_an_inactive_one_is_not_signed_in():
    gone = UserFactory()
    pk = gone.pk
    gone.delete()
    assert signed_in_user(pk) is None
    assert ModelBackend().get_user(pk) is None
    inactive = UserFactory(is_active=False)
    assert signed_in_user(inactive.pk) == inactive  # the reader does not judge
    assert ModelBackend().get_user(inactive.pk) is None


def test_a_membership_removed_between_requests_is_gone_on_the_next(client, kaakkuri, children):
    user = UserFactory()
    membership = Membership.objects.create(
        user=user, role=Role.COORDINATOR, area=kaakkuri, programme=children
    )
    client.force_login(user)
    assert client.get(reverse("contacts:queue")).status_code == 200
    membership.delete()
    assert client.get(reverse("contacts:queue")).status_code == 403


def test_the_password_backend_is_arki_s():
    assert "accounts.backends.ModelBackend" in settings.AUTHENTICATION_BACKENDS
    assert "django.contrib.auth.backends.ModelBackend" not in settings.AUTHENTICATION_BACKENDS
