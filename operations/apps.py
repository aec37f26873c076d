from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        from django.core.signals import got_request_exception

        from operations.middleware import note_database_outage

        got_request_exception.connect(note_database_outage, dispatch_uid="arki-database-outage")
