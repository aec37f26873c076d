from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilyConfig(AppConfig):
    name = "family"
    verbose_name = _("The family's view")

    def ready(self) -> None:
        from audit.policy import Kind, register_bases
        from family.access import family_link_bases
        from family.models import FamilyLink

        # Opening the plan is logged against the network, so the client's report shows it.
        register_bases(
            Kind.FAMILY_LINK, FamilyLink, family_link_bases, lambda link: link.participant.network
        )
