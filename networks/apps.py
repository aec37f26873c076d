from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = _("Network work")

    def ready(self) -> None:
        from audit.policy import Kind, register_bases
        from networks.access import meeting_bases, network_bases
        from networks.models import Meeting, Network

        register_bases(Kind.NETWORK, Network, network_bases)
        register_bases(Kind.MEETING, Meeting, meeting_bases, lambda meeting: meeting.network)
