"""Fixtures for the backbone: a developer worker, staff in two areas, a past LP training."""

import pytest

from accounts.tests.factories import user_with_role
from audit.roles import Role
from backbone.models import EventKind, Method
from backbone.tests.helpers import make_event, professional


@pytest.fixture
def developer(db):
    return user_with_role(
        Role.DEVELOPER_WORKER, email="kehittaja@example.fi", full_name="Kehittäjä"
    )


@pytest.fixture
def teacher(configuration, kaakkuri, children):
    """A Kaakkuri teacher in the children's programme, in education services."""
    return professional("opettaja@example.fi", kaakkuri, children, "education-culture")


@pytest.fixture
def nurse(configuration, tuira, children):
    """A Tuira nurse in the children's programme, in social and health services."""
    return professional("hoitaja@example.fi", tuira, children, "social-health")


@pytest.fixture
def past_lp_training(developer):
    return make_event(
        developer, days=-2, kind=EventKind.TRAINING, method=Method.LP, title="LP-koulutus"
    )
