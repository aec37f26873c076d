"""Shared pytest fixtures."""

import pytest


@pytest.fixture(autouse=True)
def _finnish_defaults(settings):
    # Tests see the product as a Finnish user does unless they switch language.
    settings.LANGUAGE_CODE = "fi"
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_log_guard():
    # A transactional test's teardown empties every table with one TRUNCATE, which PostgreSQL
    # refuses for the logs (audit migration 0006); the test database's superuser may, in replica
    # mode, where ordinary triggers do not fire.
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        sql = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        return ["SET LOCAL session_replication_role = replica", *sql] if sql else sql

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(autouse=True)
def _checkpoints_kept_apart(settings, tmp_path_factory):
    # The logs' checkpoint files and key (audit/checkpoints.py) never come from the developer's
    # .local/: a test sees only the checkpoints it writes.
    settings.ARKI_CHECKPOINT_DIR = tmp_path_factory.mktemp("checkpoints")
    settings.ARKI_CHECKPOINT_KEY = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="


@pytest.fixture(autouse=True)
def _empty_cache():
    # The per-process cache (indicator figures) must not carry one test's data into another:
    # SQLite reuses the ids a rolled-back test used, and the figures' data stamp is ids.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    # The text messages the test backend "sent" (notifications.sms.outbox), like mail.outbox.
    from notifications import sms

    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def configuration(db):
    """The programmes and sectors from programmes/data, as a real installation has them."""
    from django.core.management import call_command

    from programmes.models import Programme

    call_command("load_configuration", verbosity=0)
    return {programme.code: programme for programme in Programme.objects.all()}


@pytest.fixture
def children(configuration):
    return configuration["children-families"]


@pytest.fixture
def working_age(configuration):
    return configuration["working-age"]


@pytest.fixture
def kaakkuri(db):
    from directory.models import Area

    return Area.objects.get_or_create(
        code="kaakkuri", defaults={"name": "Kaakkuri", "municipality": "Oulu"}
    )[0]


@pytest.fixture
def tuira(db):
    from directory.models import Area

    return Area.objects.get_or_create(
        code="tuira", defaults={"name": "Tuira", "municipality": "Oulu"}
    )[0]
