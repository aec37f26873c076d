from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meeting records and promises")

    def ready(self) -> None:
        from meetings import preparation, services
        from networks import extensions

        # The network page shows the goals rated in the meetings and their chart.
        extensions.network_page(services.goal_page_context)
        # ...and the planned meetings the family has prepared in their own words.
        extensions.network_page(
            preparation.preparation_page_context, reads=preparation.preparation_page_reads
        )
