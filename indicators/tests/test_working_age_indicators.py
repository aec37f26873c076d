"""The working-age programme's own indicators (issue #16): computed from the programme's events,
never mixed with the children's, and worded for an adult client."""

import re
import tomllib
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from indicators.catalogue import DATA_FILE, load_catalogue
from indicators.computations import REGISTRY, compute
from indicators.events import record_event
from indicators.models import EventKind, Indicator, Source
from indicators.periods import parse_period
from indicators.selectors import indicator_views, indicators_for

pytestmark = pytest.mark.django_db
HELSINKI = ZoneInfo("Europe/Helsinki")

WORKING_AGE_OWN = {
    "working-age-contacts",
    "client-own-contacts",
    "web-form-contacts",
    "work-ability-method-use",
    "work-ability-trained-staff",
    "own-worker-named",
    "work-ability-rating-start",
    "work-ability-rating-close",
    "closing-progress",
    "client-feedback-heard",
    "typ-clients",
    "long-term-unemployed",
}
CHILDREN_OWN = {
    "pilot-phone-usage",
    "lp-method-use",
    "student-welfare-groups",
    "shl-clients",
    "lp-trained-staff",
    "child-protection-clients",
    "specialised-care-clients",
    "family-feedback-heard",
}
SHARED = {
    "convened-within-deadline",
    "days-to-first-meeting",
    "promises-kept",
    "sectors-per-network",
    "networks-opened",
    "networks-closed",
    "professional-knew-next",
    "feedback-response-rate",
}

# Words that make an indicator the children's: family, child, guardian, parent, school. A
# Finnish stem also matches inside compounds (lapsiperhe, perhesosiaalityö); "koulu" does not
# match "koulutus" (education, training), which is the working-age programme's own word.
CHILDREN_TERMS = {
    "fi": [
        r"perhe",
        r"lapsi",
        r"lapse",
        r"lapset",
        r"lasten",
        r"huoltaja",
        r"vanhem",
        r"koulu(?!t)",
    ],
    "sv": [r"familj", r"barn", r"föräld", r"vårdnadshav", r"skola"],
    "en": [r"\bfamil(?:y|ies)", r"\bchild", r"\bparent", r"\bguardian", r"\bschool"],
}


def children_terms(text, language):
    return [term for term in CHILDREN_TERMS[language] if re.search(term, text, flags=re.IGNORECASE)]


def at(*args):
    return datetime(*args, tzinfo=HELSINKI)


def event(kind, when, area, programme, **fields):
    return record_event(kind, area=area, programme=programme, at=when, **fields)


def figures(name, programme, areas, code):
    result = REGISTRY[name](programme, [a.pk for a in areas], [parse_period(code)])
    return {area: figure for (area, _code), figure in result.items()}


@pytest.fixture
def catalogue(configuration):
    load_catalogue()
    return {indicator.code: indicator for indicator in Indicator.objects.all()}


# The catalogue ----------------------------------------------------------------------------


def test_the_catalogue_gives_each_programme_its_own_indicators(catalogue, children, working_age):
    own = {code for code, indicator in catalogue.items() if indicator.programme == working_age}
    theirs = {code for code, indicator in catalogue.items() if indicator.programme == children}
    shared = {code for code, indicator in catalogue.items() if indicator.programme is None}
    assert own == WORKING_AGE_OWN
    assert theirs == CHILDREN_OWN
    assert shared == SHARED


def test_the_working_age_programme_shows_none_of_the_childrens_indicators(
    catalogue, children, working_age
):
    working = {indicator.code for indicator in indicators_for(working_age)}
    childrens = {indicator.code for indicator in indicators_for(children)}
    assert working == WORKING_AGE_OWN | SHARED
    assert not working & CHILDREN_OWN
    assert childrens == CHILDREN_OWN | SHARED
    assert not childrens & WORKING_AGE_OWN
    assert {view.indicator.code for view in indicator_views(working_age)} == working


def test_load_configuration_loads_the_programmes_own_indicators(configuration):
    """The ``configuration`` fixture runs ``manage.py load_configuration``."""
    assert (
        set(Indicator.objects.filter(programme__code="working-age").values_list("code", flat=True))
        == WORKING_AGE_OWN
    )
    assert (
        set(
            Indicator.objects.filter(programme__code="children-families").values_list(
                "code", flat=True
            )
        )
        == CHILDREN_OWN
    )


def test_every_working_age_indicator_is_complete(catalogue):
    for code in WORKING_AGE_OWN:
        indicator = catalogue[code]
        for field in ("name", "definition"):
            for language in ("fi", "sv", "en"):
                assert getattr(indicator, f"{field}_{language}").strip(), (code, field, language)
        assert indicator.owner
        if indicator.source == Source.COMPUTED:
            assert indicator.computation in REGISTRY, code
    entered = {code for code in WORKING_AGE_OWN if catalogue[code].source == Source.ENTERED}
    assert entered == {"typ-clients", "long-term-unemployed"}


def test_the_catalogue_version_was_bumped():
    assert tomllib.loads(DATA_FILE.read_text())["version"] != "2026.1"


def test_the_term_check_finds_the_childrens_words(catalogue):
    """The check below can fail: it flags the children's own wording."""
    phone = catalogue["pilot-phone-usage"]
    assert children_terms(phone.definition_fi, "fi") == ["perhe"]
    assert children_terms(phone.definition_sv, "sv") == ["familj"]
    assert children_terms(phone.definition_en, "en")
    assert children_terms(catalogue["shl-clients"].definition_fi, "fi")
    assert children_terms("Oppilaan koulunkäynti", "fi")
    assert not children_terms("Koulutus tai opinnot; koulutettu henkilöstö", "fi")
    assert not children_terms("apparent transparency", "en")


def test_no_indicator_shown_for_working_age_speaks_of_children_or_families(catalogue, working_age):
    found = {}
    for indicator in indicators_for(working_age):
        for field in ("name", "definition"):
            for language in ("fi", "sv", "en"):
                text = getattr(indicator, f"{field}_{language}")
                terms = children_terms(text, language)
                if terms:
                    found[(indicator.code, f"{field}_{language}")] = terms
    assert found == {}


def test_the_shared_entries_of_the_catalogue_file_fit_every_programme():
    """The file itself, whatever the database holds: an entry without a programme is shared."""
    for spec in tomllib.loads(DATA_FILE.read_text())["indicator"]:
        if spec.get("programme"):
            continue
        for field in ("name", "definition"):
            for language in ("fi", "sv", "en"):
                text = spec.get(f"{field}_{language}", "")
                assert not children_terms(text, language), (spec["code"], field, language)


# The computations -------------------------------------------------------------------------


def test_contacts_to_the_working_age_number_are_counted_for_the_programme_only(
    kaakkuri, tuira, children, working_age
):
    for channel in ("phone", "phone", "web", "in_person"):
        event(
            EventKind.CONTACT_RECEIVED, at(2026, 4, 3, 12), kaakkuri, working_age, channel=channel
        )
    event(EventKind.CONTACT_RECEIVED, at(2026, 4, 30, 23, 30), tuira, working_age, channel="web")
    event(EventKind.CONTACT_RECEIVED, at(2026, 5, 1, 0, 30), tuira, working_age, channel="web")
    event(EventKind.CONTACT_RECEIVED, at(2026, 4, 3, 12), kaakkuri, children, channel="web")
    april = figures("contacts_received", working_age, [kaakkuri, tuira], "2026-04")
    assert (april[kaakkuri.pk].value, april[tuira.pk].value, april[None].value) == (4, 1, 5)
    web = figures("contacts_by_web_form", working_age, [kaakkuri, tuira], "2026-04")
    assert (web[kaakkuri.pk].value, web[tuira.pk].value, web[None].value) == (1, 1, 2)
    assert web[None].base == 2
    assert figures("contacts_by_web_form", children, [kaakkuri], "2026-04")[None].value == 1


def test_the_share_of_contacts_the_client_made_themself(kaakkuri, tuira, children, working_age):
    for outcome in ("client", "client", "client", "professional", "relative"):
        event(
            EventKind.CONTACT_RECEIVED,
            at(2026, 3, 10, 12),
            kaakkuri,
            working_age,
            channel="phone",
            outcome=outcome,
        )
    # Recorded before who contacted was counted: not known, left out of the share.
    event(EventKind.CONTACT_RECEIVED, at(2026, 3, 11, 12), kaakkuri, working_age, channel="phone")
    event(EventKind.CONTACT_RECEIVED, at(2026, 3, 11, 12), tuira, working_age, outcome="other")
    event(EventKind.CONTACT_RECEIVED, at(2026, 3, 12, 12), kaakkuri, children, outcome="client")
    share = figures("contacts_by_client_share", working_age, [kaakkuri, tuira], "2026-03")
    assert (share[kaakkuri.pk].value, share[kaakkuri.pk].base) == (60.0, 5)
    assert (share[tuira.pk].value, share[tuira.pk].base) == (0.0, 1)
    assert (share[None].value, share[None].base) == (50.0, 6)
    assert (
        figures("contacts_by_client_share", working_age, [kaakkuri], "2026-04")[None].value is None
    )


def test_the_discussion_method_counts_the_programmes_discussions_and_meetings(
    kaakkuri, children, working_age
):
    event(EventKind.LP_DISCUSSION_HELD, at(2026, 1, 20, 12), kaakkuri, working_age)
    event(EventKind.LP_DISCUSSION_HELD, at(2026, 2, 20, 12), kaakkuri, working_age)
    event(EventKind.MEETING_HELD, at(2026, 3, 5, 12), kaakkuri, working_age, meeting_kind="first")
    event(EventKind.MEETING_HELD, at(2026, 4, 5, 12), kaakkuri, working_age, meeting_kind="first")
    event(EventKind.LP_DISCUSSION_HELD, at(2026, 2, 20, 12), kaakkuri, children)
    event(EventKind.MEETING_HELD, at(2026, 2, 21, 12), kaakkuri, children, meeting_kind="first")
    assert figures("lp_method_use", working_age, [kaakkuri], "2026Q1")[kaakkuri.pk].value == 3
    assert figures("lp_method_use", children, [kaakkuri], "2026Q1")[kaakkuri.pk].value == 2


def test_the_share_of_networks_convened_with_a_named_own_worker(
    kaakkuri, tuira, children, working_age
):
    def convened(when, area, programme, outcome):
        event(
            EventKind.NETWORK_CONVENED,
            when,
            area,
            programme,
            days=5,
            sectors=2,
            count=1,
            outcome=outcome,
        )

    for outcome in ("own_worker", "own_worker", "own_worker", ""):
        convened(at(2026, 5, 4, 12), kaakkuri, working_age, outcome)
    convened(at(2026, 6, 30, 23, 30), tuira, working_age, "")  # still June in Finland
    convened(at(2026, 7, 1, 12), tuira, working_age, "own_worker")  # the next quarter
    convened(at(2026, 5, 4, 12), tuira, children, "own_worker")
    share = figures("own_worker_named", working_age, [kaakkuri, tuira], "2026Q2")
    assert (share[kaakkuri.pk].value, share[kaakkuri.pk].base) == (75.0, 4)
    assert (share[tuira.pk].value, share[tuira.pk].base) == (0.0, 1)
    assert (share[None].value, share[None].base) == (60.0, 5)


def test_the_clients_own_ratings_at_the_start_and_at_closing(
    kaakkuri, tuira, children, working_age
):
    closings = [(2, 6), (3, 7), (4, 8), (5, 8), (6, 9)]
    for start, close in closings:
        event(
            EventKind.SELF_RATED,
            at(2026, 3, 2, 12),
            kaakkuri,
            working_age,
            outcome="start",
            count=start,
        )
        event(
            EventKind.SELF_RATED,
            at(2026, 3, 2, 12),
            kaakkuri,
            working_age,
            outcome="close",
            count=close,
        )
    # A network with no rating in its meetings has only the one at closing.
    event(EventKind.SELF_RATED, at(2026, 4, 2, 12), tuira, working_age, outcome="close", count=10)
    event(EventKind.SELF_RATED, at(2026, 7, 2, 12), kaakkuri, working_age, outcome="start", count=0)
    event(EventKind.SELF_RATED, at(2026, 3, 2, 12), kaakkuri, children, outcome="start", count=10)
    start = figures("self_rating_at_start", working_age, [kaakkuri, tuira], "2026S1")
    close = figures("self_rating_at_close", working_age, [kaakkuri, tuira], "2026S1")
    assert (start[kaakkuri.pk].value, start[kaakkuri.pk].base) == (4.0, 5)
    assert (start[tuira.pk].value, start[tuira.pk].base) == (None, 0)
    assert (close[kaakkuri.pk].value, close[kaakkuri.pk].base) == (7.6, 5)
    assert (close[None].value, close[None].base) == (round(48 / 6, 1), 6)
    assert (start[None].value, start[None].base) == (4.0, 5)


def test_the_share_of_closings_that_led_onwards(kaakkuri, tuira, children, working_age):
    from programmes.models import ClosingOutcome

    assert set(
        ClosingOutcome.objects.filter(programme=working_age, is_progress=True).values_list(
            "code", flat=True
        )
    ) == {"work", "education", "rehabilitation", "pension-assessment"}
    for outcome in ("work", "education", "rehabilitation", "other-services", "none"):
        event(
            EventKind.OUTCOME_AT_CLOSING, at(2026, 9, 1, 12), kaakkuri, working_age, outcome=outcome
        )
    event(EventKind.OUTCOME_AT_CLOSING, at(2026, 9, 2, 12), tuira, working_age, outcome="work")
    event(EventKind.OUTCOME_AT_CLOSING, at(2026, 9, 2, 12), tuira, children, outcome="none")
    share = figures("closing_progress", working_age, [kaakkuri, tuira], "2026S2")
    assert (share[kaakkuri.pk].value, share[kaakkuri.pk].base) == (60.0, 5)
    assert (share[tuira.pk].value, share[tuira.pk].base) == (100.0, 1)
    assert (share[None].value, share[None].base) == (round(100 * 4 / 6, 1), 6)


def test_a_changed_progress_flag_is_not_served_from_the_cache(kaakkuri, working_age, settings):
    from programmes.models import ClosingOutcome

    settings.ARKI_INDICATOR_CACHE_SECONDS = 600
    for outcome in ("work", "other-services", "none", "none"):
        event(
            EventKind.OUTCOME_AT_CLOSING, at(2026, 9, 1, 12), kaakkuri, working_age, outcome=outcome
        )
    periods = [parse_period("2026S2")]
    assert (
        compute("closing_progress", working_age, [kaakkuri.pk], periods)[(None, "2026S2")].value
        == 25.0
    )
    ClosingOutcome.objects.filter(programme=working_age, code="other-services").update(
        is_progress=True
    )
    assert (
        compute("closing_progress", working_age, [kaakkuri.pk], periods)[(None, "2026S2")].value
        == 50.0
    )


def test_the_clients_feedback_heard_reads_the_clients_survey(catalogue, kaakkuri, working_age):
    from feedback.models import Answer, Response, Survey

    assert catalogue["client-feedback-heard"].computation == "feedback_family_heard"
    survey = Survey.objects.get(programme=working_age, audience="family")
    version = survey.versions.order_by("-number").first()
    for value in (5, 4, 4, 3, 5, 2):
        response = Response.objects.create(
            survey_version=version,
            area=kaakkuri,
            programme=working_age,
            audience="family",
            month=date(2026, 5, 1),
            meeting_kind="first",
            occasion="meeting",
        )
        Answer.objects.create(response=response, question_code="heard", value=value)
    heard = figures("feedback_family_heard", working_age, [kaakkuri], "2026Q2")
    assert (heard[kaakkuri.pk].value, heard[kaakkuri.pk].base) == (round(23 / 6, 2), 6)


def test_the_working_age_dashboard_shows_its_own_figures(catalogue, kaakkuri, tuira, working_age):
    """Every working-age indicator computes in one dashboard, with its small figures hidden."""
    for area in (kaakkuri, tuira):
        for index in range(6):
            event(
                EventKind.OUTCOME_AT_CLOSING,
                at(2026, 3, 1 + index, 12),
                area,
                working_age,
                outcome="work" if index % 2 else "none",
            )
            event(
                EventKind.SELF_RATED,
                at(2026, 3, 1 + index, 12),
                area,
                working_age,
                outcome="close",
                count=index,
            )
        event(EventKind.SELF_RATED, at(2026, 3, 1, 12), area, working_age, outcome="start", count=1)
    views = {
        view.indicator.code: view for view in indicator_views(working_age, until=date(2026, 6, 30))
    }
    assert set(views) == WORKING_AGE_OWN | SHARED
    progress = views["closing-progress"]
    assert progress.period.code == "2026S1"
    assert progress.current.value == 50.0
    assert views["work-ability-rating-close"].current.value == 2.5
    # Two ratings at the start: too few to publish.
    assert views["work-ability-rating-start"].current.hidden


@pytest.mark.parametrize("audience", ["staff", "outside"])
def test_the_overview_shows_what_the_whole_tables_show(
    catalogue, kaakkuri, tuira, working_age, audience
):
    """``scope_only`` (the dashboard and the leadership agenda) keeps only the scope row, and
    every figure the overview shows is the whole table's: exact counts, person counts
    suppressed over every area (secondary suppression too), and derived figures."""
    from directory.models import Area
    from indicators.models import Audience
    from indicators.suppression import SECONDARY

    assert audience in {Audience.STAFF, Audience.OUTSIDE}
    small = Area.objects.create(code="pikku", name="Pikkukylä", municipality="Oulu")
    for area, n in ((kaakkuri, 9), (tuira, 6), (small, 2)):
        for index in range(n):
            when = at(2026, 6, 1 + index, 12)  # the latest month shown
            event(EventKind.CONTACT_RECEIVED, when, area, working_age)
            event(EventKind.NETWORK_OPENED, when, area, working_age)
            event(
                EventKind.OUTCOME_AT_CLOSING,
                when,
                area,
                working_age,
                outcome="work" if index % 2 else "none",
            )
            event(EventKind.SELF_RATED, when, area, working_age, outcome="close", count=index)
    seen: set[str] = set()
    for area in (None, kaakkuri, tuira, small):
        whole = indicator_views(working_age, area, date(2026, 6, 30), audience=audience)
        overview = indicator_views(
            working_age, area, date(2026, 6, 30), audience=audience, scope_only=True
        )
        assert [v.indicator for v in overview] == [v.indicator for v in whole] and whole
        for mine, theirs in zip(overview, whole, strict=True):
            assert mine.rows == [theirs.scope]  # the total, or the chosen area's row
            assert (mine.periods, mine.scope, mine.current, mine.previous) == (
                theirs.periods,
                theirs.scope,
                theirs.current,
                theirs.previous,
            )
            assert (mine.year_earlier, mine.target, mine.notes) == (
                theirs.year_earlier,
                theirs.target,
                theirs.notes,
            )
            assert (mine.change_from_previous, mine.right_direction, mine.target_met) == (
                theirs.change_from_previous,
                theirs.right_direction,
                theirs.target_met,
            )
            seen.add(mine.current.reason if mine.current.hidden else "shown")
        if area is None:
            assert all(len(v.rows) == 4 for v in whole)  # three areas and the total
    # Tuira's six are hidden only because Pikkukylä's two are (secondary suppression).
    assert {"shown", SECONDARY} <= seen
