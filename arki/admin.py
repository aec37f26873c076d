from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class ArkiAdminSite(admin.AdminSite):
    site_header = _("Arki administration")
    site_title = _("Arki administration")
    index_title = _("Configuration and users")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_authenticated and user.is_administrator)
