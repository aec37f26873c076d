"""One fixture world per test module, rolled back when the module ends."""

import pytest
from django.db import transaction

from tests.security.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def clients(world, django_db_blocker):
    """A signed-in test client per role, and an anonymous one."""
    from tests.security.walk import ALL_ROLES, client_for

    with django_db_blocker.unblock():
        return {role: client_for(world, role) for role in ALL_ROLES}
