from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilyConfig(AppConfig):
    name = "family"
    verbose_name = _("The family's view")

    def ready(self) -> None:
        from audit.policy import Kind, register_bases
        from family import services
        from family.access import family_member_bases
        from networks import extensions
        from networks.models import Participant

        # Opening the plan is logged against the network, so the client's report shows it.
        register_bases(
            Kind.FAMILY_LINK,
            Participant,
            family_member_bases,
            lambda participant: participant.network,
        )
        # What ends must end everywhere at once: a participant whose access ends loses their
        # personal links in the same transaction; the network page shows each one's latest link.
        extensions.participant_access_ended.connect(
            services.revoke_links_on_access_end, dispatch_uid="family.revoke_links"
        )
        extensions.network_page(services.latest_links, reads=services.latest_links_reads)
