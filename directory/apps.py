from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Service directory")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from audit.policy import Kind, register_bases
        from directory.access import directory_person_bases

        register_bases(Kind.DIRECTORY_PERSON, get_user_model(), directory_person_bases)
