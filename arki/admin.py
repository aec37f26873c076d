from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext_lazy as _

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


class ArkiAdminSite(admin.AdminSite):
    site_header = _("Arki administration")
    site_title = _("Arki administration")
    index_title = _("Configuration and users")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_authenticated and user.is_administrator)

    def admin_view(self, view: View, cacheable: bool = False) -> View:
        """Every admin page acts as its administrator: a role granted there is logged with them."""
        from accounts.models import User
        from accounts.services import acting_as

        @wraps(view)
        def acting(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user if isinstance(request.user, User) else None
            with acting_as(user, request):
                return view(request, *args, **kwargs)

        return super().admin_view(cast(View, acting), cacheable)
