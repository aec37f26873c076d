"""The one access-control check and the one access-log path."""

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.tests.factories import UserFactory, user_with_role
from audit import policy
from audit.access import (
    PUBLIC,
    SIGNED_IN,
    HasRole,
    PersonalRecord,
    access_rule,
    record_access,
    require_access,
)
from audit.models import AccessLog, Action, Basis
from audit.policy import DirectoryPersonAction, Kind, NetworkAction
from audit.roles import Role
from core.models import AppendOnlyError

pytestmark = pytest.mark.django_db

OWN = PersonalRecord(name="own-record")
READ = DirectoryPersonAction.READ  # a read action on a user record, allowed by "work-contact"


@pytest.fixture(autouse=True)
def own_record_kind(monkeypatch):
    """Within these tests a user may read their own user record, on the basis "work-contact"."""
    from accounts.models import User

    def own_record(user, subject, request=None):
        return frozenset({Basis.WORK_CONTACT}) if subject.pk == user.pk else frozenset()

    monkeypatch.setitem(
        policy._REGISTRY, Kind.DIRECTORY_PERSON, policy.KindRegistration(User, own_record)
    )


def make_request(user, path="/x/", method="get"):
    request = getattr(RequestFactory(), method)(path)
    request.user = user
    request.request_id = "req-1234567890"
    request.resolver_match = None
    return request


def test_access_is_logged_with_who_whose_what_basis_and_request_id():
    user = UserFactory()

    @access_rule(OWN, READ)
    def view(request, pk):
        require_access(request, user, READ)
        return HttpResponse("ok")

    response = view(make_request(user), pk=user.pk)

    assert response.status_code == 200
    row = AccessLog.objects.get()
    assert (row.actor, row.subject_type, row.subject_id) == (user, "accounts.user", str(user.pk))
    assert (row.action, row.basis, row.success) == ("view", "work-contact", True)
    assert row.request_id == "req-1234567890"


def test_refusal_is_logged_and_raises_permission_denied():
    user, other = UserFactory(), UserFactory()

    @access_rule(OWN, READ)
    def view(request):
        require_access(request, other, READ)
        return HttpResponse("ok")

    with pytest.raises(PermissionDenied):
        view(make_request(user))
    row = AccessLog.objects.get()
    assert row.success is False
    assert row.subject_id == str(other.pk)


def test_personal_view_that_forgets_the_check_fails_loudly():
    @access_rule(OWN, READ)
    def careless(request):
        return HttpResponse("data")

    with pytest.raises(ImproperlyConfigured):
        careless(make_request(UserFactory()))


def test_require_access_without_personal_rule_is_a_programming_error():
    @access_rule(SIGNED_IN)
    def view(request):
        require_access(request, request.user, READ)
        return HttpResponse("ok")

    with pytest.raises(ImproperlyConfigured):
        view(make_request(UserFactory()))


def test_an_action_the_view_did_not_declare_is_a_programming_error():
    user = UserFactory()

    @access_rule(OWN, READ)
    def view(request):
        require_access(request, user, NetworkAction.READ)
        return HttpResponse("ok")

    with pytest.raises(ImproperlyConfigured, match="does not declare"):
        view(make_request(user))
    assert not AccessLog.objects.exists()


def test_a_personal_rule_without_actions_and_actions_without_a_personal_rule_are_refused():
    with pytest.raises(ImproperlyConfigured):
        access_rule(OWN)
    with pytest.raises(ImproperlyConfigured):
        access_rule(SIGNED_IN, READ)


def test_a_record_of_another_kind_is_a_programming_error():
    from directory.models import Area

    area = Area.objects.create(code="x", name="X", municipality="Oulu")

    @access_rule(OWN, READ)
    def view(request):
        require_access(request, area, READ)
        return HttpResponse("ok")

    with pytest.raises(TypeError):
        view(make_request(UserFactory()))


def test_a_basis_that_does_not_suffice_is_refused_and_logged_with_the_basis_held(monkeypatch):
    """Holding a basis is not enough: the catalogue says which bases allow which action."""
    user = UserFactory()
    narrow = policy.Permission(Kind.DIRECTORY_PERSON, "test", "test", (Basis.COORDINATOR,))

    @access_rule(OWN, narrow)
    def view(request):
        require_access(request, user, narrow)
        return HttpResponse("ok")

    with pytest.raises(PermissionDenied):
        view(make_request(user))
    row = AccessLog.objects.get()
    assert (row.success, row.basis) == (False, "work-contact")


def test_a_changing_action_is_logged_as_viewed_on_get_and_changed_on_post():
    user = UserFactory()
    change = policy.Permission(
        Kind.DIRECTORY_PERSON, "test", "test", (Basis.WORK_CONTACT,), changes=True
    )

    @access_rule(OWN, change)
    def view(request):
        require_access(request, user, change)
        return HttpResponse("ok")

    view(make_request(user))
    view(make_request(user, method="post"))
    assert list(AccessLog.objects.order_by("pk").values_list("action", flat=True)) == [
        "view",
        "update",
    ]


def test_anonymous_user_is_sent_to_sign_in():
    from django.contrib.auth.models import AnonymousUser

    @access_rule(SIGNED_IN)
    def view(request):
        return HttpResponse("ok")

    response = view(make_request(AnonymousUser(), "/secret/"))
    assert response.status_code == 302
    assert "/accounts/login/?next=/secret/" in response["Location"]


def test_role_rule_refuses_other_roles():
    rule = HasRole((Role.COORDINATOR,))

    @access_rule(rule)
    def view(request):
        return HttpResponse("ok")

    assert view(make_request(user_with_role(Role.COORDINATOR))).status_code == 200
    with pytest.raises(PermissionDenied):
        view(make_request(user_with_role(Role.PROFESSIONAL)))


def test_inactive_user_is_refused_everywhere():
    user = UserFactory(is_active=False)
    assert not SIGNED_IN.allows_user(user)
    assert not OWN.allows_user(user)
    assert PUBLIC.allows_user(user)


def test_log_rows_cannot_be_changed_or_removed():
    user = UserFactory()
    row = record_access(actor=user, subject=user, action=Action.VIEW, basis="x", success=True)
    row.basis = "changed"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=row.pk).update(basis="changed")
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get().basis == "x"


def test_disclosure_rows_cannot_be_changed_or_removed():
    from audit.access import record_disclosure
    from audit.models import DisclosureLog

    user = UserFactory()
    row = record_disclosure(
        actor=user, subject=user, data="memo", recipient="x", channel="download", basis="test"
    )
    row.recipient = "y"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        DisclosureLog.objects.all().delete()
    assert DisclosureLog.objects.get().recipient == "x"
