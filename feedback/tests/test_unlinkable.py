"""Issue #14, holes 5 and 9: nothing stored pairs an answer with its invitation; bad tokens get 400."""

import uuid
from datetime import datetime, time

import pytest
from django.db import models
from django.urls import reverse
from django.utils import timezone

from contacts.tests.helpers import professional
from feedback import services
from feedback.models import Answer, FeedbackInvitation, Response
from feedback.selectors import feedback_results
from feedback.tests.helpers import tokens
from indicators.periods import Cadence, period_containing
from meetings.services import RecordInput, save_meeting_record
from meetings.tests.helpers import network_with_meeting
from networks import services as network_services

pytestmark = pytest.mark.django_db


def answer_all(network):
    for n, token in enumerate(tokens(network, "professional") + tokens(network, "family")):
        services.submit(token=token, answers={"knew_next": "4", "heard": "5", "comment": f"c{n}"})


def test_response_and_answer_ids_are_random_not_a_sequence(held):
    network, meeting, coordinator = held
    answer_all(network)
    assert Response.objects.count() == 5
    for model in (Response, Answer):
        field = model._meta.pk
        assert isinstance(field, models.UUIDField), f"{model.__name__} has a sequential id"
        assert all(isinstance(pk, uuid.UUID) for pk in model.objects.values_list("pk", flat=True))


def test_nothing_stored_with_an_answer_has_a_time_finer_than_a_month(held):
    network, meeting, coordinator = held
    answer_all(network)
    for model in (Response, Answer):
        timed = [
            field.name
            for field in model._meta.get_fields()
            if isinstance(field, models.DateTimeField | models.TimeField)
        ]
        assert timed == [], f"{model.__name__} stores a time: {timed}"
    assert all(response.month.day == 1 for response in Response.objects.all())


def test_a_used_invitation_records_only_the_month(held):
    network, meeting, coordinator = held
    answer_all(network)
    first = timezone.make_aware(
        datetime.combine(timezone.localdate().replace(day=1), time.min),
        timezone.get_default_timezone(),
    )
    used = list(
        FeedbackInvitation.objects.filter(meeting=meeting).values_list("used_at", flat=True)
    )
    assert len(used) == 5
    assert set(used) == {first}, "the time a link was used is the time its answer was written"


def test_comments_are_not_shown_in_the_order_they_came(kaakkuri, children):
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    for n in range(4):
        network_services.add_participant(
            network=network,
            by=coordinator,
            kind=network_services.professional_kind(network),
            user=professional(email=f"p{n}@example.fi", full_name=f"Pro {n}"),
        )
    save_meeting_record(
        meeting=meeting, by=coordinator, expected_version=0, data=RecordInput(common_goal="Arki")
    )
    given = ["e", "d", "c", "b", "a"]  # answered last to first
    for token, text in zip(tokens(network, "professional"), given, strict=True):
        services.submit(token=token, answers={"knew_next": "4", "comment": f"{text} comment"})
    period = period_containing(timezone.localdate(), Cadence.QUARTERLY)
    group = next(
        group
        for group in feedback_results(programme=network.programme, period=period)
        if group.audience == "professional"
    )
    comments = next(question for question in group.questions if question.code == "comment")
    assert comments.comments == [f"{text} comment" for text in sorted(given)]


def test_the_figures_stamp_changes_with_every_answer(held):
    from feedback.selectors import feedback_stamp  # the indicators' cache key for feedback

    network, meeting, coordinator = held
    before = feedback_stamp()
    for token in tokens(network, "professional"):
        services.submit(token=token, answers={"knew_next": "4"})
        after = feedback_stamp()
        assert after != before
        before = after


# Non-ASCII digits pass str.isdigit() but not int(); control characters and broken
# percent-escapes cannot be in a link Arki made.
@pytest.mark.parametrize("token", ["%C2%B2.abc", "%C2%B2%C2%B3", "1%00.abc", "1.%E2%80%AE"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_undecodable_token_gets_400_with_a_message(client, held, token, method):
    client.raise_request_exception = False
    response = getattr(client, method)(f"/feedback/{token}/")
    assert response.status_code == 400
    assert "feedback" in response.content.decode().lower() or "palaute" in response.content.decode()
    assert response.templates[0].name == "feedback/link_problem.html"
    assert response.context["problem"] == "malformed"
    assert Response.objects.count() == 0


def test_a_null_character_in_a_comment_is_a_form_error(client, held):
    network, meeting, coordinator = held
    url = reverse("feedback:answer", args=[tokens(network, "family")[0]])
    response = client.post(url, {"heard": "5", "comment": "kiitos\x00"})
    assert response.status_code == 200
    comment = next(q for q in response.context["questions"] if q["code"] == "comment")
    assert comment["error"]
    assert Response.objects.count() == 0
    assert not FeedbackInvitation.objects.filter(used_at__isnull=False).exists()


def test_the_tally_of_answers_follows_every_answer_and_a_recount(held):
    """The figures cache's stamp reads the tally, not a count of the rows: each answer adds one
    in its own transaction, and a bulk load (the scale generator) recounts."""
    from feedback.models import ResponseTally

    network, meeting, coordinator = held
    answer_all(network)
    given = Response.objects.count()
    assert given >= 2 and ResponseTally.current() == given
    ResponseTally.objects.all().delete()
    assert ResponseTally.current() == 0
    ResponseTally.recount()
    assert ResponseTally.current() == given


def test_cached_results_are_read_again_after_a_new_answer(
    held, settings, django_assert_max_num_queries
):
    """The leadership agenda's feedback comes from the cache under the figures stamp: three
    one-row reads while nothing changed, computed afresh after any new answer."""
    from django.core.cache import cache

    from feedback.selectors import cached_feedback_results

    settings.ARKI_INDICATOR_CACHE_SECONDS = 600
    cache.clear()
    network, meeting, coordinator = held
    period = period_containing(timezone.localdate(), Cadence.QUARTERLY)
    tokens_given = tokens(network, "professional")

    def answered():
        results = cached_feedback_results(programme=network.programme, period=period)
        return next(g for g in results if g.audience == "professional").answered

    assert answered() == 0
    with django_assert_max_num_queries(3):
        assert answered() == 0
    services.submit(token=tokens_given[0], answers={"knew_next": "4"})
    assert answered() == 1
