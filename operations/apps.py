from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        from django.core.signals import got_request_exception
        from django_tasks.signals import task_finished

        from operations.middleware import note_database_outage
        from operations.schedule import record_finished

        got_request_exception.connect(note_database_outage, dispatch_uid="arki-database-outage")
        task_finished.connect(record_finished, dispatch_uid="arki-periodic-task-finished")
