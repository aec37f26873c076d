"""The password sign-in backend: Django's, with the signed-in user's memberships read with the
user on every request (``signed_in_user``)."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth import backends

from accounts.models import User
from accounts.selectors import signed_in_user


class ModelBackend(backends.ModelBackend):
    """Django's ``ModelBackend``: the same sign-in, permissions and checks. Only reading the
    signed-in user for a request differs: the user and their memberships (roles) come in one
    wait instead of two, and both queries are compiled once per process."""

    def get_user(self, user_id: Any) -> User | None:
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    async def aget_user(self, user_id: Any) -> User | None:
        return await sync_to_async(self.get_user)(user_id)
