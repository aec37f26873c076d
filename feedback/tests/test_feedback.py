"""Feedback: versioned surveys, single-use links, anonymous answers, the five-answer rule."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import user_with_role
from audit.roles import Role
from core.errors import ValidationError
from feedback import services
from feedback.models import Answer, FeedbackInvitation, Response, Survey
from feedback.selectors import feedback_figures, feedback_results
from feedback.tests.helpers import tokens
from indicators.periods import Cadence, period_containing
from meetings.services import RecordInput, close_network, save_meeting_record
from meetings.tests.helpers import network_with_meeting
from networks import services as network_services

pytestmark = pytest.mark.django_db


def test_saving_a_meeting_sends_single_use_links(held):
    network, meeting, coordinator = held
    invitations = FeedbackInvitation.objects.filter(meeting=meeting)
    # Two family members and three professionals (the teacher and two more).
    assert invitations.count() == 5
    assert len(mail.outbox) == 5
    assert all("/feedback/" in m.body and "Virtanen" not in m.subject for m in mail.outbox)
    save_meeting_record(
        meeting=meeting, by=coordinator, expected_version=1, data=RecordInput(common_goal="Arki 2")
    )
    assert FeedbackInvitation.objects.filter(meeting=meeting).count() == 5


def test_an_answer_is_anonymous_and_a_link_works_once(client, held):
    network, meeting, coordinator = held
    token = tokens(network, "family")[0]
    url = reverse("feedback:answer", args=[token])
    assert client.get(url).status_code == 200
    response = client.post(url, {"heard": "5", "helped": "4", "comment": "<b>Kiitos</b>"})
    assert response.status_code == 200
    stored = Response.objects.get()
    assert {f.name for f in Response._meta.get_fields()} == {
        "id",
        "survey_version",
        "area",
        "programme",
        "audience",
        "meeting_kind",
        "occasion",
        "month",
        "answers",
    }
    assert stored.audience == "family" and stored.meeting_kind == "first"
    again = client.post(url, {"heard": "1"})
    assert again.status_code == 410
    assert Response.objects.count() == 1
    assert Answer.objects.filter(text="<b>Kiitos</b>").exists()


@pytest.mark.parametrize("tamper", ["999999.abc", "1.0000", "x", "1.", ""])
def test_forged_links_are_refused(client, held, tamper):
    response = client.get(f"/feedback/{tamper}/") if tamper else client.get("/feedback/%20/")
    assert response.status_code == 404
    assert Response.objects.count() == 0


def test_expired_links_are_refused(client, held):
    network, meeting, coordinator = held
    FeedbackInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    token = tokens(network, "family")[0]
    assert client.post(reverse("feedback:answer", args=[token]), {"heard": "5"}).status_code == 410
    assert Response.objects.count() == 0


def test_out_of_range_values_are_refused_and_nothing_is_used(held):
    network, meeting, coordinator = held
    token = tokens(network, "family")[0]
    with pytest.raises(ValidationError):
        services.submit(token=token, answers={"heard": "7"})
    assert FeedbackInvitation.objects.filter(used_at__isnull=False).count() == 0
    services.submit(token=token, answers={"heard": "5"})


def test_results_only_for_groups_of_five_or_more(client, held):
    network, meeting, coordinator = held
    for token in tokens(network, "family"):
        services.submit(token=token, answers={"heard": "4", "comment": "<script>x</script>"})
    for n, token in enumerate(tokens(network, "professional")):
        services.submit(token=token, answers={"knew_next": str(3 + n % 2), "together": "8"})
    period = period_containing(timezone.localdate(), Cadence.QUARTERLY)
    groups = {g.audience: g for g in feedback_results(programme=network.programme, period=period)}
    assert (groups["family"].answered, groups["family"].shown) == (2, False)
    assert (groups["professional"].answered, groups["professional"].shown) == (3, False)
    assert groups["child"].answered == 0
    client.force_login(user_with_role(Role.LEADERSHIP_MEMBER))
    page = client.get(
        reverse("feedback:results"), {"programme": network.programme.pk, "period": period.code}
    ).content.decode()
    assert "Ei vastauksia." in page or "No answers." in page
    assert "<script>x</script>" not in page
    figures = feedback_figures(programme=network.programme, period=period)
    assert figures["family.response_rate"] is None


def test_results_shown_from_five_answers(client, kaakkuri, children):
    from contacts.tests.helpers import professional

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
    for n, token in enumerate(tokens(network, "professional")):
        services.submit(
            token=token,
            answers={
                "knew_next": str(1 + n),
                "together": "7",
                "comment": "<script>alert(1)</script>",
            },
        )
    period = period_containing(timezone.localdate(), Cadence.QUARTERLY)
    group = {g.audience: g for g in feedback_results(programme=network.programme, period=period)}[
        "professional"
    ]
    assert (group.answered, group.invited, group.shown, group.response_rate) == (5, 5, True, 100.0)
    knew_next = next(q for q in group.questions if q.code == "knew_next")
    assert knew_next.average == 3.0
    assert knew_next.distribution == [(1, 1), (2, 1), (3, 1), (4, 1), (5, 1)]
    client.force_login(user_with_role(Role.LEADERSHIP_MEMBER))
    page = client.get(
        reverse("feedback:results"), {"programme": network.programme.pk, "period": period.code}
    ).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    csv = client.get(
        reverse("feedback:export", args=["csv"]),
        {"programme": network.programme.pk, "period": period.code},
    )
    assert csv.status_code == 200 and b"3.0" in csv.content
    xlsx = client.get(
        reverse("feedback:export", args=["xlsx"]),
        {"programme": network.programme.pk, "period": period.code},
    )
    assert xlsx.content[:2] == b"PK"


def test_results_are_for_the_leadership_and_backbone(client, held):
    client.force_login(user_with_role(Role.PROFESSIONAL))
    assert client.get(reverse("feedback:results")).status_code == 403


def test_editing_a_survey_makes_a_new_version_and_keeps_old_answers(held, tmp_path):
    network, meeting, coordinator = held
    token = tokens(network, "family")[0]
    services.submit(token=token, answers={"heard": "5"})
    original = services.DATA_FILE.read_text()
    changed = original.replace("Tulin kuulluksi tapaamisessa.", "Minua kuunneltiin tapaamisessa.")
    path = tmp_path / "surveys.toml"
    path.write_text(changed)
    assert services.load_surveys(path) == ["survey children-families/family: version 2"]
    survey = Survey.objects.get(programme=network.programme, audience="family")
    assert survey.versions.count() == 2
    answered = Response.objects.get()
    assert answered.survey_version.number == 1
    assert answered.survey_version.questions[0]["text_fi"] == "Tulin kuulluksi tapaamisessa."
    assert services.load_surveys(path) == []


def test_a_broken_survey_file_is_refused_whole(configuration, tmp_path):
    path = tmp_path / "surveys.toml"
    path.write_text(
        '[[survey]]\nprogramme = "nope"\naudience = "family"\nquestions = [{code = "a", kind = "stars", text_fi = "x"}]\n'
    )
    before = Survey.objects.count()
    with pytest.raises(ValueError, match="unknown programme"):
        services.load_surveys(path)
    assert Survey.objects.count() == before


def test_closing_sends_a_final_feedback_request(held):
    network, meeting, coordinator = held
    close_network(network=network, by=coordinator, reason="goal_reached", summary="Valmis")
    assert FeedbackInvitation.objects.filter(occasion="closing").count() == 5


def test_load_configuration_loads_surveys(configuration):
    call_command("load_configuration", verbosity=0)
    assert Survey.objects.count() == 5


def test_a_working_age_leader_sees_the_clients_feedback_first(client, kaakkuri, working_age):
    from accounts.models import Membership

    leader = user_with_role(Role.PROFESSIONAL)
    Membership.objects.create(
        user=leader, role=Role.LEADERSHIP_MEMBER, area=kaakkuri, programme=working_age
    )
    client.force_login(leader)
    for query in ({}, {"period": "2026"}):
        response = client.get(reverse("feedback:results"), query)
        assert response.status_code == 200
        names = [group.audience_label for group in response.context["groups"]]
        # The working-age surveys by their own names, no children's survey.
        assert names == ["Palaute asiakkaalta", "Palaute ammattilaiselta"]
        assert "Palautetta asiakkailta ja ammattilaisilta." in response.content.decode()
