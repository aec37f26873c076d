from django.contrib.admin.apps import AdminConfig


class ArkiAdminConfig(AdminConfig):
    """The admin site, open to Arki's administrators only."""

    default_site = "arki.admin.ArkiAdminSite"
