"""A user sets their own phone number and phone hours; the families they coordinate see them."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_user_sets_their_phone_and_phone_hours(client):
    user = UserFactory(phone="")
    client.force_login(user)
    url = reverse("accounts:own_details")
    assert client.get(url).status_code == 200
    response = client.post(url, {"phone": " 040 123 4567 ", "phone_hours": "ma–pe 9–11"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.phone, user.phone_hours) == ("040 123 4567", "ma–pe 9–11")
    assert "ma–pe 9–11" in client.get(url).content.decode()


def test_too_long_hours_are_refused_and_nothing_is_saved(client):
    user = UserFactory(phone_hours="ma 9–10")
    client.force_login(user)
    response = client.post(reverse("accounts:own_details"), {"phone": "", "phone_hours": "x" * 201})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.phone_hours == "ma 9–10"


def test_signing_in_is_needed(client):
    response = client.get(reverse("accounts:own_details"))
    assert response.status_code == 302 and "login" in response["Location"]
