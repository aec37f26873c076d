"""The feedback indicators, counted in grouped queries, equal the feedback pages' own results."""

import random
from datetime import date

import pytest

from directory.models import Area
from feedback.models import Answer, InvitationCount, Response, Survey
from feedback.selectors import feedback_results
from feedback.services import load_surveys
from indicators.computations import REGISTRY
from indicators.periods import period_containing

pytestmark = pytest.mark.django_db


def reference(programme, areas, periods, audience=None, code=None):
    """The figures as the feedback pages compute them, one area and period at a time."""
    result = {}
    for period in periods:
        for area in [*areas, None]:
            groups = feedback_results(programme=programme, period=period, area=area)
            key = (area.pk if area else None, period.code)
            if audience is None:
                invited = sum(g.invited for g in groups)
                answered = sum(g.answered for g in groups)
                result[key] = (round(100 * answered / invited, 1) if invited else None, answered)
            else:
                group = next((g for g in groups if g.audience == audience), None)
                if group is None:
                    result[key] = (None, 0)
                else:
                    question = next((q for q in group.questions if q.code == code), None)
                    result[key] = (question.average if question else None, group.answered)
    return result


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tallies_match_the_feedback_results(children, kaakkuri, tuira, seed):
    load_surveys()
    versions = {
        survey.audience: survey.versions.order_by("-number").first()
        for survey in Survey.objects.filter(programme=children)
    }
    other = Area.objects.create(code="ritaharju", name="Ritaharju", municipality="Oulu")
    rng = random.Random(seed)
    for area in (kaakkuri, tuira, other):
        for month in range(1, 13):
            day = date(2026, month, 1)
            for audience in ("family", "professional", "child"):
                sent = rng.randint(0, 12)
                if sent:
                    InvitationCount.objects.create(
                        area=area,
                        programme=children,
                        audience=audience,
                        month=day,
                        sent=sent,
                        meeting_kind="first",
                        occasion="meeting",
                    )
                for _ in range(rng.randint(0, min(sent, 9))):
                    response = Response.objects.create(
                        survey_version=versions[audience],
                        area=area,
                        programme=children,
                        audience=audience,
                        month=day,
                        meeting_kind="first",
                        occasion="meeting",
                    )
                    for question in ("heard", "knew_next", "next_steps"):
                        if rng.random() < 0.8:
                            Answer.objects.create(
                                response=response,
                                question_code=question,
                                value=rng.randint(1, 5),
                            )
    areas = [kaakkuri, tuira]  # the total still covers every area, as the pages do
    for cadence in ("monthly", "quarterly", "half_yearly"):
        last = period_containing(date(2026, 12, 1), cadence)
        periods = [last]
        while periods[0].start > date(2026, 1, 1):
            periods.insert(0, periods[0].previous())
        cases: list[tuple[str, str | None, str | None]] = [
            ("feedback_family_heard", "family", "heard"),
            ("feedback_professional_knew_next", "professional", "knew_next"),
            ("feedback_response_rate", None, None),
        ]
        for name, asked, question_code in cases:
            computed = REGISTRY[name](children, [a.pk for a in areas], periods)
            expected = reference(children, areas, periods, asked, question_code)
            assert {k: (f.value, f.base) for k, f in computed.items()} == expected, (name, cadence)


def test_a_new_answer_refreshes_the_cached_feedback_figures(children, kaakkuri, settings):
    from indicators.computations import compute
    from indicators.periods import parse_period

    settings.ARKI_INDICATOR_CACHE_SECONDS = 600
    load_surveys()
    version = Survey.objects.get(programme=children, audience="family").versions.first()
    month = date(2026, 5, 1)

    def answer(value):
        response = Response.objects.create(
            survey_version=version,
            area=kaakkuri,
            programme=children,
            audience="family",
            month=month,
            meeting_kind="first",
            occasion="meeting",
        )
        Answer.objects.create(response=response, question_code="heard", value=value)

    for value in (5, 5, 4, 4, 3):
        answer(value)
    periods = [parse_period("2026Q2")]
    first = compute("feedback_family_heard", children, [kaakkuri.pk], periods)
    assert first[(kaakkuri.pk, "2026Q2")].value == 4.2
    assert compute("feedback_family_heard", children, [kaakkuri.pk], periods) == first
    answer(1)
    fresh = compute("feedback_family_heard", children, [kaakkuri.pk], periods)
    assert fresh[(kaakkuri.pk, "2026Q2")].value == round(22 / 6, 2)
