from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScaleConfig(AppConfig):
    name = "scale"
    verbose_name = _("Synthetic data at scale")
