import pytest

from feedback.tests.helpers import held_meeting


@pytest.fixture
def held(kaakkuri, children):
    """Two family members and three professionals, each with a feedback link of the meeting."""
    return held_meeting(kaakkuri, children)
