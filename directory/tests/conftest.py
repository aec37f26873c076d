import pytest

from accounts.tests.factories import UserFactory


@pytest.fixture
def professional(db):
    return UserFactory()


@pytest.fixture
def signed_in(client, professional):
    client.force_login(professional)
    return client


@pytest.fixture
def in_english(client):
    """Show the pages in English: the texts checked here are the English source strings."""
    client.cookies["django_language"] = "en"
    return client
