"""Migration indicators 0010: every entered figure's first day follows its period code."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.tests.factories import UserFactory

BEFORE = [("indicators", "0009_event_counts")]
AFTER = [("indicators", "0010_entered_period_start_from_period")]


def migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_each_first_day_is_written_again_from_the_period_and_an_unreadable_code_is_kept():
    old = migrate(BEFORE)
    try:
        area = old.get_model("directory", "Area").objects.create(
            code="mig-area", name="Alue", municipality="Oulu"
        )
        programme = old.get_model("programmes", "Programme").objects.create(
            code="mig-programme", name_fi="Perhe", common_goal_fi="x"
        )
        user = UserFactory(email="mig@example.invalid")
        indicator = old.get_model("indicators", "Indicator").objects.create(
            code="mig-indicator", name_fi="Mittari", cadence="half_yearly"
        )
        EnteredValue = old.get_model("indicators", "EnteredValue")
        rows = {
            period: EnteredValue.objects.create(
                indicator_id=indicator.pk,
                area_id=area.pk,
                programme_id=programme.pk,
                period=period,
                period_start=date(2020, 1, 1),  # as an edit in the administration site left it
                value=Decimal(10),
                updated_by_id=user.pk,
            ).pk
            for period in ("2026S2", "2025-11", "2024Q3", "2023", "kevät")
        }
        new = migrate(AFTER)
        starts = dict(
            new.get_model("indicators", "EnteredValue")
            .objects.filter(pk__in=rows.values())
            .values_list("period", "period_start")
        )
        assert starts == {
            "2026S2": date(2026, 7, 1),
            "2025-11": date(2025, 11, 1),
            "2024Q3": date(2024, 7, 1),
            "2023": date(2023, 1, 1),
            "kevät": date(2020, 1, 1),
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        migrate([executor.loader.graph.leaf_nodes("indicators")[0]])
