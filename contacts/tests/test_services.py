"""The one-contact principle: record, advise, convene, join – and their bad inputs."""

import uuid
from datetime import timedelta

import pytest

from contacts import services
from contacts.models import Consent, Contact, ContactedBy, LegalGround, Outcome, Source
from contacts.tests.helpers import a_contact, contact_data, coordinator_of, professional
from core.errors import StaleEdit, ValidationError
from indicators.models import Event, EventKind
from networks.deadlines import local_date
from networks.models import Network

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(kaakkuri, children):
    return coordinator_of(kaakkuri, children)


def test_a_contact_is_anonymous_and_counts_for_indicators(kaakkuri, children, coordinator):
    contact = a_contact(kaakkuri, children, coordinator)
    assert contact.outcome == Outcome.PENDING
    assert contact.network is None
    event = Event.objects.get(kind=EventKind.CONTACT_RECEIVED)
    assert (event.area, event.programme, event.channel) == (kaakkuri, children, "phone")


def test_no_consent_needs_the_legal_ground_and_reasons(kaakkuri, children, coordinator):
    with pytest.raises(ValidationError) as error:
        a_contact(kaakkuri, children, coordinator, consent=Consent.NO_CONSENT)
    assert set(error.value.message_dict) == {"legal_ground", "no_consent_reasons"}
    assert Contact.objects.count() == 0
    contact = a_contact(
        kaakkuri,
        children,
        coordinator,
        consent=Consent.NO_CONSENT,
        legal_ground=LegalGround.SHL_35_NEED,
        no_consent_reasons="Lapsen turvallisuus vaatii välitöntä yhteydenottoa.",
    )
    assert contact.legal_ground == LegalGround.SHL_35_NEED


def test_a_double_submit_creates_one_contact(kaakkuri, children, coordinator):
    token = uuid.uuid4()
    data = contact_data(kaakkuri, children)
    first, created = services.record_contact(
        recorded_by=coordinator, source=Source.COORDINATOR, data=data, submission_token=token
    )
    second, created_again = services.record_contact(
        recorded_by=coordinator, source=Source.COORDINATOR, data=data, submission_token=token
    )
    assert (created, created_again) == (True, False)
    assert first.pk == second.pk
    assert Contact.objects.count() == 1
    assert Event.objects.filter(kind=EventKind.CONTACT_RECEIVED).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"concern": "  "}, "concern"),
        ({"contacted_by": ContactedBy.PROFESSIONAL}, "contact_person"),
        ({"contacted_by": ContactedBy.CLIENT}, "contacted_by"),
    ],
)
def test_bad_contacts_are_refused_with_the_field_named(
    kaakkuri, children, coordinator, overrides, field
):
    with pytest.raises(ValidationError) as error:
        a_contact(kaakkuri, children, coordinator, **overrides)
    assert field in error.value.message_dict
    assert Contact.objects.count() == 0


def test_working_age_client_may_contact_themself(kaakkuri, working_age):
    coordinator = coordinator_of(kaakkuri, working_age)
    contact = a_contact(
        kaakkuri, working_age, coordinator, contacted_by=ContactedBy.CLIENT, contact_person_name=""
    )
    assert contact.contacted_by == ContactedBy.CLIENT


def test_items_of_another_programme_are_refused(kaakkuri, children, working_age, coordinator):
    own, other = children.age_bands.first(), working_age.age_bands.first()
    with pytest.raises(ValidationError) as error:
        a_contact(kaakkuri, children, coordinator, age_bands=[own, other])
    assert "age_bands" in error.value.message_dict
    category = working_age.concern_categories.first()
    with pytest.raises(ValidationError) as error:
        a_contact(kaakkuri, children, coordinator, concern_categories=[category])
    assert "concern_categories" in error.value.message_dict
    assert Contact.objects.count() == 0


def test_a_family_with_several_children_has_several_age_bands(kaakkuri, children, coordinator):
    bands = list(children.age_bands.filter(code__in=["3-6", "13-17"]))
    contact = a_contact(kaakkuri, children, coordinator, age_bands=bands)
    assert set(contact.age_bands.all()) == set(bands)


def test_a_working_age_client_has_one_age_band(kaakkuri, working_age):
    coordinator = coordinator_of(kaakkuri, working_age)
    two = list(working_age.age_bands.all()[:2])
    with pytest.raises(ValidationError) as error:
        a_contact(kaakkuri, working_age, coordinator, age_bands=two)
    assert "age_bands" in error.value.message_dict
    contact = a_contact(kaakkuri, working_age, coordinator, age_bands=two[:1])
    assert list(contact.age_bands.all()) == two[:1]


def test_an_age_band_in_use_cannot_be_deleted(kaakkuri, children, coordinator):
    from django.db.models import ProtectedError

    band = children.age_bands.first()
    a_contact(kaakkuri, children, coordinator, age_bands=[band])
    with pytest.raises(ProtectedError):
        band.delete()


def test_an_edit_replaces_the_age_bands(kaakkuri, children, coordinator):
    first, second = children.age_bands.all()[:2]
    contact = a_contact(kaakkuri, children, coordinator, age_bands=[first])
    services.update_contact(
        contact=contact,
        by=coordinator,
        expected_version=1,
        data=contact_data(kaakkuri, children),
        concern_categories=[],
        age_bands=[first, second],
    )
    assert set(contact.age_bands.all()) == {first, second}


def test_professional_request_names_the_sender(kaakkuri, children):
    curator = professional()
    contact, _ = services.record_contact(
        recorded_by=curator,
        source=Source.REQUEST,
        data=contact_data(kaakkuri, children, contacted_by="", contact_person_name=""),
    )
    assert contact.contact_person == curator
    assert contact.contacted_by == ContactedBy.PROFESSIONAL


def test_the_later_of_two_saves_is_refused(kaakkuri, children, coordinator):
    contact = a_contact(kaakkuri, children, coordinator)
    data = contact_data(kaakkuri, children)
    services.update_contact(
        contact=contact,
        by=coordinator,
        expected_version=1,
        data={**data, "concern": "A"},
        concern_categories=[],
        age_bands=[],
    )
    with pytest.raises(StaleEdit):
        services.update_contact(
            contact=contact,
            by=coordinator,
            expected_version=1,
            data={**data, "concern": "B"},
            concern_categories=[],
            age_bands=[],
        )
    contact.refresh_from_db()
    assert (contact.concern, contact.version) == ("A", 2)


def test_advice_closes_the_contact(kaakkuri, children, coordinator):
    contact = a_contact(kaakkuri, children, coordinator)
    with pytest.raises(ValidationError):
        services.give_advice(contact=contact, by=coordinator, expected_version=1, advice=" ")
    services.give_advice(
        contact=contact, by=coordinator, expected_version=1, advice="Ohjattiin neuvolaan."
    )
    contact.refresh_from_db()
    assert contact.outcome == Outcome.ADVICE
    assert contact.closed_at is not None
    assert Event.objects.get(kind=EventKind.CONTACT_RESOLVED).outcome == Outcome.ADVICE
    with pytest.raises(ValidationError):
        services.give_advice(contact=contact, by=coordinator, expected_version=2, advice="Again")


def test_convening_opens_a_network_with_the_deadline(kaakkuri, children, coordinator):
    contact = a_contact(kaakkuri, children, coordinator)
    network = services.convene(
        contact=contact,
        by=coordinator,
        expected_version=1,
        subject_name="Eeli Virtanen",
        subject_birth_date=None,
    )
    contact.refresh_from_db()
    assert contact.network == network
    assert contact.outcome == Outcome.CONVENE
    assert network.convening_deadline == local_date(contact.received_at) + timedelta(days=14)
    assert network.coordinator == coordinator


def test_convening_needs_consent_or_a_legal_ground(kaakkuri, children, coordinator):
    contact = a_contact(kaakkuri, children, coordinator, consent=Consent.NOT_YET)
    with pytest.raises(ValidationError):
        services.convene(
            contact=contact,
            by=coordinator,
            expected_version=1,
            subject_name="X Y",
            subject_birth_date=None,
        )
    assert Network.objects.count() == 0


def test_a_family_with_an_open_network_gets_no_second_one(kaakkuri, children, coordinator):
    from datetime import date

    first = a_contact(kaakkuri, children, coordinator)
    network = services.convene(
        contact=first,
        by=coordinator,
        expected_version=1,
        subject_name="Eeli Virtanen",
        subject_birth_date=date(2015, 3, 1),
    )
    second = a_contact(kaakkuri, children, coordinator)
    with pytest.raises(ValidationError):
        services.convene(
            contact=second,
            by=coordinator,
            expected_version=1,
            subject_name="virtanen  EELI",
            subject_birth_date=date(2015, 3, 1),
        )
    services.join_network(contact=second, by=coordinator, expected_version=1, network=network)
    second.refresh_from_db()
    assert second.outcome == Outcome.JOINED
    assert network.contacts.count() == 2
    assert Network.objects.count() == 1


def test_the_family_language_is_kept_for_memos(kaakkuri, children, coordinator):
    contact = a_contact(kaakkuri, children, coordinator)
    network = services.convene(
        contact=contact,
        by=coordinator,
        expected_version=1,
        subject_name="Elsa Lindqvist",
        subject_birth_date=None,
        family_language="sv",
    )
    assert network.family_language == "sv"


def test_an_lp_discussion_is_anonymous_and_counts(kaakkuri, children, coordinator):
    from datetime import date

    from django.utils import timezone

    discussion = services.record_discussion(
        by=coordinator,
        held_on=date(2026, 3, 29),
        area=kaakkuri,
        programme=children,
        service=None,
        wider_support_needed=True,
    )
    event = Event.objects.get(kind=EventKind.LP_DISCUSSION_HELD)
    assert event.occurred_at.astimezone(
        discussion.held_on and timezone.get_current_timezone()
    ).date() == date(2026, 3, 29)
    assert event.outcome == "wider_support"
    with pytest.raises(ValidationError):
        services.record_discussion(
            by=coordinator,
            held_on=timezone.localdate() + timedelta(days=1),
            area=kaakkuri,
            programme=children,
            service=None,
            wider_support_needed=False,
        )


@pytest.mark.parametrize(
    "caller",
    [ContactedBy.PARENT, ContactedBy.YOUNG_PERSON, ContactedBy.RELATIVE, ContactedBy.OTHER],
)
def test_an_advice_call_is_recorded_and_closed_with_no_name(kaakkuri, children, caller):
    """Issue #15: a parent asking for advice only was refused without a name, contradicting
    "no name before convening"."""
    coordinator = coordinator_of(kaakkuri, children)
    contact = a_contact(
        kaakkuri,
        children,
        coordinator,
        contacted_by=caller,
        contact_person_name="",
        contact_person_service="",
    )
    closed = services.give_advice(
        contact=contact, by=coordinator, expected_version=contact.version, advice="Neuvottiin."
    )
    assert (closed.contact_person_name, closed.outcome) == ("", "advice")
