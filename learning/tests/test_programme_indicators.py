"""The learning hub compares per (programme, indicator): the working-age programme's figures
never offer a children's indicator, nor the children's figures a working-age one (issue #16)."""

import pytest
from django.utils import timezone
from django.utils.translation import override
from nacl.signing import SigningKey

from indicators.events import record_event
from indicators.models import EventKind
from indicators.periods import period_containing
from indicators.selectors import indicators_for
from indicators.tests.test_working_age_indicators import (
    CHILDREN_OWN,
    WORKING_AGE_OWN,
    children_terms,
)
from learning import package, selectors, services
from learning.models import PackageFigure

pytestmark = pytest.mark.django_db

REGION_KEY = SigningKey(b"w" * 32)


@pytest.fixture(autouse=True)
def _region(settings, tmp_path):
    settings.LOCAL_DIR = tmp_path
    settings.ARKI_REGION_CODE = "oulu"
    settings.ARKI_REGION_NAME = "Oulu"


@pytest.fixture
def received(configuration, children, working_age, kaakkuri, tuira):
    """Oulu's package, with events of both programmes, sent to and received by the hub."""
    now = timezone.now()
    for area, many in ((kaakkuri, 7), (tuira, 12)):
        for index in range(many):
            for programme in (children, working_age):
                record_event(
                    EventKind.CONTACT_RECEIVED,
                    area=area,
                    programme=programme,
                    at=now,
                    channel="web" if index % 2 else "phone",
                    outcome="client" if programme == working_age and index % 3 else "other",
                )
                record_event(EventKind.NETWORK_OPENED, area=area, programme=programme, at=now)
                record_event(EventKind.LP_DISCUSSION_HELD, area=area, programme=programme, at=now)
            record_event(
                EventKind.NETWORK_CONVENED,
                area=area,
                programme=working_age,
                at=now,
                days=4,
                sectors=3,
                count=1,
                outcome="own_worker" if index % 2 else "",
            )
        # The children's networks opened are twice the working-age ones.
        for _ in range(many):
            record_event(EventKind.NETWORK_OPENED, area=area, programme=children, at=now)
    services.register_region(
        code="oulu", name="Oulu", public_key=package.public_key_text(REGION_KEY)
    )
    exported = services.export_package(by=None, key=REGION_KEY)
    return services.receive_package(bytes(exported.envelope)).package


def test_the_payload_holds_each_programmes_own_indicators_only(
    configuration, children, working_age, kaakkuri
):
    record_event(EventKind.CONTACT_RECEIVED, area=kaakkuri, programme=working_age, channel="web")
    payload = services.build_payload(version=1)
    by_programme: dict[str, set[str]] = {}
    for figure in payload["figures"]:
        by_programme.setdefault(figure["programme"], set()).add(figure["indicator"])
    assert by_programme[working_age.code] == {i.code for i in indicators_for(working_age)}
    assert by_programme[children.code] == {i.code for i in indicators_for(children)}
    assert not by_programme[working_age.code] & CHILDREN_OWN
    assert not by_programme[children.code] & WORKING_AGE_OWN


def test_the_hubs_working_age_choices_offer_no_childrens_indicator(received, children, working_age):
    choices = selectors.indicator_choices()
    offered: dict[str, set[str]] = {}
    for choice in choices:
        programme, _sep, indicator = choice.code.partition(":")
        offered.setdefault(programme, set()).add(indicator)
    assert offered[working_age.code] == {i.code for i in indicators_for(working_age)}
    assert not offered[working_age.code] & CHILDREN_OWN
    assert offered[working_age.code] >= WORKING_AGE_OWN
    assert not offered[children.code] & WORKING_AGE_OWN
    # What the hub shows for the working-age figures speaks of clients, not of families.
    for language in ("fi", "sv", "en"):
        with override(language):
            for choice in selectors.indicator_choices():
                if choice.code.startswith(f"{working_age.code}:"):
                    assert not children_terms(choice.name, language), (language, choice.name)


def test_a_shared_indicator_is_compared_per_programme(received, children, working_age):
    """Networks opened is shared: the working-age comparison shows the working-age figures."""
    month = period_containing(timezone.localdate(), "monthly").code
    working = selectors.comparison(f"{working_age.code}:networks-opened", month)
    childrens = selectors.comparison(f"{children.code}:networks-opened", month)
    total = {row.area_name: row.value for row in working.rows}
    assert (total["Kaakkuri"], total["Tuira"], total["Oulu"]) == (7, 12, 19)
    total = {row.area_name: row.value for row in childrens.rows}
    assert (total["Kaakkuri"], total["Tuira"], total["Oulu"]) == (14, 24, 38)
    contacts = selectors.comparison(f"{working_age.code}:working-age-contacts", month)
    assert {row.area_name: row.value for row in contacts.rows}["Oulu"] == 19
    assert not PackageFigure.objects.filter(
        programme=working_age.code, indicator__in=CHILDREN_OWN
    ).exists()
