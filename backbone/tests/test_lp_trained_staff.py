"""The "staff trained in the LP method" figure, computed from the training records."""

from datetime import date

import pytest

from accounts.models import Membership
from audit.roles import Role
from backbone import services
from backbone.models import Method
from backbone.tests.helpers import professional
from directory.models import Area
from indicators.computations import REGISTRY
from indicators.periods import parse_period

pytestmark = pytest.mark.django_db


def figures(areas, codes, programme=None):
    periods = [parse_period(code) for code in codes]
    result = REGISTRY["lp_trained_staff"](programme, [area.pk for area in areas], periods)
    return {key: figure.value for key, figure in result.items()}, result


@pytest.fixture
def trained(developer, configuration, kaakkuri, tuira):
    def train(email, completed_on, *areas, method=Method.LP):
        person = professional(email)
        for area in areas:
            Membership.objects.create(user=person, role=Role.PROFESSIONAL, area=area)
        services.record_training(person, method, completed_on, by=developer)
        return person

    train("a@example.fi", date(2025, 2, 10), kaakkuri)
    train("b@example.fi", date(2025, 6, 30), kaakkuri)  # last day of 2025S1
    train("c@example.fi", date(2025, 7, 1), tuira)  # first day of 2025S2
    train("d@example.fi", date(2025, 8, 1), kaakkuri, tuira)  # counts in both areas, once in all
    train("e@example.fi", date(2025, 3, 1))  # no area: only in the total
    train("f@example.fi", date(2025, 3, 1), kaakkuri, method=Method.WORK_ABILITY)  # not LP
    elsewhere = Area.objects.create(code="siun-sote", name="Siun sote", municipality="Joensuu")
    train("g@example.fi", date(2025, 1, 5), elsewhere)  # in an area outside the report
    return kaakkuri, tuira


def test_trained_staff_accumulate_across_periods_by_area(trained):
    kaakkuri, tuira = trained
    values, result = figures([kaakkuri, tuira], ["2024S2", "2025S1", "2025S2", "2026S1"])
    assert [values[(kaakkuri.pk, code)] for code in ["2024S2", "2025S1", "2025S2", "2026S1"]] == [
        0,
        2,
        3,
        3,
    ]
    assert [values[(tuira.pk, code)] for code in ["2024S2", "2025S1", "2025S2", "2026S1"]] == [
        0,
        0,
        2,
        2,
    ]
    # The total counts each person once, plus those with no area membership (e).
    assert [values[(None, code)] for code in ["2024S2", "2025S1", "2025S2", "2026S1"]] == [
        0,
        3,
        5,
        5,
    ]
    assert result[(None, "2025S2")].base == 5


def test_the_cutoff_is_the_last_day_of_each_period(trained):
    kaakkuri, tuira = trained
    values, _result = figures([kaakkuri, tuira], ["2025-06", "2025-07"])
    assert values[(kaakkuri.pk, "2025-06")] == 2  # b on 30 June counts in June
    assert values[(tuira.pk, "2025-06")] == 0
    assert values[(tuira.pk, "2025-07")] == 1  # c on 1 July counts from July


def test_one_area_reports_only_its_people(trained):
    kaakkuri, _tuira = trained
    values, _result = figures([kaakkuri], ["2025"])
    assert values == {(kaakkuri.pk, "2025"): 3, (None, "2025"): 4}


def test_no_periods_no_figures(trained):
    kaakkuri, _tuira = trained
    assert figures([kaakkuri], [])[0] == {}
