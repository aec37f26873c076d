from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The site's own pages: the home page per role, the accessibility statement, health checks."""

    name = "home"
    verbose_name = _("Home page")
